import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { spawnListening } from "../support/listening-process.js";
import { serverCli } from "../support/server-harness.js";

/**
 * There is no container engine here: what can be checked of the Dockerfile,
 * compose.yaml and the systemd unit without one is checked here. The image's
 * /app is `pnpm --filter @tandem/server deploy` (packages/server with its
 * production dependencies), and the unit's /opt/tandem the same.
 */
const root = join(import.meta.dirname, "..", "..");
const read = (file: string) => readFileSync(join(root, file), "utf8");
const dockerfile = read("Dockerfile");
const compose = read("compose.yaml");
const unit = read("deploy/tandem.service");

/** The image's paths, mapped to where they come from in the repository. */
const inRepository = (imagePath: string) =>
  imagePath.replace(/^\/app\/web$/, "examples/web/dist").replace(/^\/(app|opt\/tandem)\//, "packages/server/");

/** The settings the server knows, as environment variables (from its --help). */
const settings = new Set(
  [
    ...spawnSync(process.execPath, [serverCli, "--help"], { encoding: "utf8" }).stdout.matchAll(
      /--[a-z-]+\s+([A-Z_]+)$/gm,
    ),
  ].map((match) => match[1]),
);

/** The JSON-array form of a Dockerfile instruction (ENTRYPOINT, HEALTHCHECK's CMD), lines joined. */
function execForm(instruction: string): string[] {
  const joined = dockerfile.replace(/\\\n\s*/g, "");
  const line = joined.split("\n").find((candidate) => candidate.startsWith(`${instruction} `));
  const json = line?.slice(line.indexOf("["));
  if (json === undefined) throw new Error(`no ${instruction} [...] in the Dockerfile`);
  return JSON.parse(json) as string[];
}

/** ENV of the run stage: the last stage's `ENV a=b \ c=d` block. */
function runStageEnv(): Record<string, string> {
  const lastStage = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
  const block = lastStage.replace(/\\\n\s*/g, " ").match(/^ENV (.*)$/m)?.[1] ?? "";
  return Object.fromEntries([...block.matchAll(/([A-Z_]+)=(\S+)/g)].map((match) => [match[1], match[2]]));
}

describe("deployment files", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("the image's entry command serves /readyz on a fresh data directory, and its HEALTHCHECK says so", async () => {
    const [node, script, ...args] = execForm("ENTRYPOINT");
    expect(node).toBe("node");
    const entry = join(root, inRepository(script ?? ""));
    expect(existsSync(entry), entry).toBe(true);
    const env = runStageEnv();
    expect(Object.keys(env).filter((name) => name !== "NODE_ENV" && !settings.has(name))).toEqual([]);

    const dataDir = await mkdtemp(join(tmpdir(), "tandem-image-"));
    const staticDir = await mkdtemp(join(tmpdir(), "tandem-image-web-"));
    dirs.push(dataDir, staticDir);
    await writeFile(join(staticDir, "index.html"), "<!doctype html><title>the page</title>");
    const server = await spawnListening(process.execPath, [entry, ...args], {
      ...env,
      DATA_DIR: dataDir,
      STATIC_DIR: staticDir,
      // The test's own: no fixed port, loopback only, PGlite, no inherited scale-out.
      PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: "",
      REDIS_URL: "",
      LOG_LEVEL: "info",
    });
    const port = new URL(server.url).port;
    const healthcheck = () => {
      const [command, ...rest] = execForm("HEALTHCHECK");
      expect(command).toBe("node");
      return spawnSync(process.execPath, rest, { env: { ...process.env, PORT: port } }).status;
    };
    try {
      expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: "ready", storage: "pglite" });
      expect(await (await fetch(server.url)).text()).toContain("the page");
      expect(healthcheck()).toBe(0);
    } finally {
      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
    }
    expect(healthcheck()).toBe(1);
    // PGlite's first start (initdb) takes seconds, and a minute on a busy machine.
  }, 180_000);

  it("the Dockerfile builds packages that exist and copies what the build needs", () => {
    for (const [, name] of dockerfile.matchAll(/--filter (\S+)/g)) {
      const manifests = ["packages/server", "examples/web"].map((dir) => JSON.parse(read(`${dir}/package.json`)).name);
      expect(manifests).toContain(name);
    }
    // The server's bin is in what deploy copies.
    expect(JSON.parse(read("packages/server/package.json")).files).toContain("bin");
    const ignored = read(".dockerignore")
      .split("\n")
      .filter((line) => line.trim() !== "" && !line.startsWith("#"));
    for (const needed of [
      "package.json",
      "pnpm-lock.yaml",
      "pnpm-workspace.yaml",
      "packages",
      "examples",
      "tsconfig.json",
    ]) {
      expect(existsSync(join(root, needed)), needed).toBe(true);
      expect(ignored).not.toContain(needed);
    }
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it("compose.yaml builds this Dockerfile and sets only settings the server knows", () => {
    expect(compose).toMatch(/^ {4}build: \.$/m);
    const tandem = compose.slice(compose.indexOf("  tandem:"), compose.indexOf("\n  postgres:"));
    const environment = tandem.slice(tandem.indexOf("environment:"), tandem.indexOf("\n    ports:"));
    const names = [...environment.matchAll(/^ {6}([A-Z_]+):/gm)].map((match) => match[1]);
    expect(names).toEqual(expect.arrayContaining(["DATABASE_URL", "REDIS_URL", "AUTH_SECRET"]));
    expect(names.filter((name) => !settings.has(name ?? ""))).toEqual([]);
  });

  it.skipIf(spawnSync("systemd-analyze", ["--version"]).error !== undefined)(
    "the systemd unit passes systemd-analyze verify and starts the server's bin",
    async () => {
      const dir = await mkdtemp(join(tmpdir(), "tandem-unit-"));
      dirs.push(dir);
      // verify reads the unit by its file name; a copy keeps the repository's file as it is.
      const copy = join(dir, "tandem.service");
      await writeFile(copy, unit);
      const result = spawnSync("systemd-analyze", ["verify", copy], { encoding: "utf8" });
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      const script = unit.match(/^ExecStart=\S+ (\S+)$/m)?.[1] ?? "";
      expect(existsSync(join(root, inRepository(script))), script).toBe(true);
      const env = unit.match(/^Environment=(.*)$/m)?.[1] ?? "";
      for (const [, name] of env.matchAll(/([A-Z_]+)=/g))
        expect(name === "NODE_ENV" || settings.has(name ?? "")).toBe(true);
    },
  );
});
