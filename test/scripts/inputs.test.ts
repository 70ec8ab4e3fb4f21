import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildInputs, hashFiles, installInputs, isCurrent, recordCurrent } from "../../scripts/lib/inputs.mjs";

/**
 * A workspace like Tandem's, in miniature: an example that depends on a
 * package, which depends on another, linked the way pnpm links them.
 */
function workspace(root: string): void {
  const files: Record<string, string> = {
    "package.json": "{}",
    "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
    "pnpm-workspace.yaml": "packages:\n  - packages/*\n  - examples/*\n\ncatalog:\n  vite: 8.0.0\n",
    "tsconfig.base.json": "{}",
    "packages/protocol/package.json": JSON.stringify({ name: "@t/protocol" }),
    "packages/protocol/src/index.ts": "export const version = 1;\n",
    "packages/protocol/dist/index.js": "built\n",
    "packages/client/package.json": JSON.stringify({
      name: "@t/client",
      dependencies: { "@t/protocol": "workspace:*", react: "catalog:" },
    }),
    "packages/client/src/editor.tsx": "export const Editor = 1;\n",
    "packages/client/tsconfig.tsbuildinfo": "{}",
    "packages/unrelated/package.json": JSON.stringify({ name: "@t/unrelated" }),
    "packages/unrelated/src/index.ts": "export {};\n",
    "examples/web/package.json": JSON.stringify({ name: "web", devDependencies: { "@t/client": "workspace:*" } }),
    "examples/web/src/main.tsx": "render();\n",
    "examples/web/vite.config.ts": "export default {};\n",
    "examples/web/dist/index.html": "<!doctype html>\n",
    "examples/web/node_modules/.vite/deps.json": "{}\n",
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  for (const [from, name, to] of [
    ["examples/web", "@t/client", "packages/client"],
    ["packages/client", "@t/protocol", "packages/protocol"],
  ] as const) {
    mkdirSync(join(root, from, "node_modules", "@t"), { recursive: true });
    symlinkSync(join(root, to), join(root, from, "node_modules", name), "dir");
  }
}

describe("build inputs and stamps (what lets a second start skip an unchanged Vite build)", () => {
  let root: string;
  const web = () => join(root, "examples", "web");
  const webHash = () => hashFiles(root, buildInputs(root, web()));
  const stamp = () => join(web(), "node_modules", ".cache", "tandem", "build.sha256");
  const output = () => [join(web(), "dist", "index.html")];
  const relativeToRoot = (files: string[]) => files.map((file) => file.slice(root.length + 1)).sort();

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "tandem-inputs-"));
    workspace(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("counts the example's files, its workspace dependencies' (transitively), the lockfile and the shared tsconfig", () => {
    expect(relativeToRoot(buildInputs(root, web()))).toEqual([
      "examples/web/package.json",
      "examples/web/src/main.tsx",
      "examples/web/vite.config.ts",
      "packages/client/package.json",
      "packages/client/src/editor.tsx",
      "packages/protocol/package.json",
      "packages/protocol/src/index.ts",
      "pnpm-lock.yaml",
      "tsconfig.base.json",
    ]);
  });

  it("is current after a recorded build until an input changes, wherever it is", () => {
    expect(isCurrent(stamp(), webHash(), output())).toBe(false); // never built
    recordCurrent(stamp(), webHash());
    expect(isCurrent(stamp(), webHash(), output())).toBe(true);

    for (const input of [
      "examples/web/src/main.tsx",
      "packages/client/src/editor.tsx",
      "packages/protocol/src/index.ts",
      "pnpm-lock.yaml",
    ]) {
      const before = webHash();
      writeFileSync(join(root, input), "changed\n", { flag: "a" });
      expect(isCurrent(stamp(), webHash(), output()), input).toBe(false);
      expect(webHash()).not.toBe(before);
      recordCurrent(stamp(), webHash());
    }
    // A new source file counts too.
    writeFileSync(join(root, "packages", "client", "src", "comments.tsx"), "export {};\n");
    expect(isCurrent(stamp(), webHash(), output())).toBe(false);
  });

  it("ignores outputs, installs, build info and packages the example does not use", () => {
    recordCurrent(stamp(), webHash());
    for (const notAnInput of [
      "examples/web/dist/index.html",
      "examples/web/node_modules/.vite/deps.json",
      "packages/protocol/dist/index.js",
      "packages/client/tsconfig.tsbuildinfo",
      "packages/unrelated/src/index.ts",
    ]) {
      writeFileSync(join(root, notAnInput), "changed\n", { flag: "a" });
      expect(isCurrent(stamp(), webHash(), output()), notAnInput).toBe(true);
    }
  });

  it("is not current when the output is gone, whatever the stamp says", () => {
    recordCurrent(stamp(), webHash());
    rmSync(join(web(), "dist"), { recursive: true });
    expect(isCurrent(stamp(), webHash(), output())).toBe(false);
  });

  it("counts every workspace package's package.json, the lockfile and the workspace file as install inputs", () => {
    expect(relativeToRoot(installInputs(root))).toEqual([
      "examples/web/package.json",
      "package.json",
      "packages/client/package.json",
      "packages/protocol/package.json",
      "packages/unrelated/package.json",
      "pnpm-lock.yaml",
      "pnpm-workspace.yaml",
    ]);
  });
});
