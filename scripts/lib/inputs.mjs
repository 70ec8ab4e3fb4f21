// "Build only what changed" for the steps that have no incremental mode of
// their own (`pnpm install`, the examples' Vite builds): a step is skipped
// when a hash of every file it reads equals the stamp written after its last
// success. Content, not timestamps: a checkout or a copy that keeps the bytes
// keeps the stamp valid, and any edit, however it is made, invalidates it.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

/** Directories that are outputs or installs, never inputs. */
const notInputs = new Set(["node_modules", "dist", ".git"]);

/**
 * A hash of the files' paths (relative to `root`) and contents.
 *
 * @param {string} root
 * @param {readonly string[]} files absolute paths
 * @returns {string}
 */
export function hashFiles(root, files) {
  const hash = createHash("sha256");
  for (const file of [...files].sort()) {
    hash.update(`${relative(root, file)}\0`);
    hash.update(existsSync(file) ? readFileSync(file) : "(absent)");
    hash.update("\0");
  }
  return hash.digest("hex");
}

/**
 * The files a workspace package's build reads: its own (outside `dist` and
 * `node_modules`), those of the workspace packages it depends on, found
 * through the links pnpm made in its `node_modules` and followed
 * transitively (the examples bundle them from their sources), and the root's
 * lockfile and shared tsconfig.
 *
 * @param {string} root the workspace root
 * @param {string} packageDir
 * @returns {string[]}
 */
export function buildInputs(root, packageDir) {
  const files = [join(root, "pnpm-lock.yaml"), join(root, "tsconfig.base.json")];
  const seen = new Set();
  /** @param {string} dir */
  const visit = (dir) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    files.push(...filesUnder(dir));
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    for (const [name, spec] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
      if (String(spec).startsWith("workspace:")) visit(realpathSync(join(dir, "node_modules", name)));
    }
  };
  visit(realpathSync(packageDir));
  return files;
}

/**
 * The files `pnpm install` reads: the lockfile, the workspace file and every
 * workspace package's package.json (the directories `packages:` lists in
 * pnpm-workspace.yaml, `dir` or `dir/*`).
 *
 * @param {string} root
 * @returns {string[]}
 */
export function installInputs(root) {
  const workspace = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
  const list = /^packages:\s*\n((?:[ \t]+-.*\n?)+)/m.exec(workspace)?.[1] ?? "";
  const patterns = list
    .split("\n")
    .map((line) => line.replace(/^\s*-\s*|["']/g, "").trim())
    .filter((pattern) => pattern !== "");
  const dirs = patterns.flatMap((pattern) => {
    if (!pattern.endsWith("/*")) return [join(root, pattern)];
    const parent = join(root, pattern.slice(0, -2));
    if (!existsSync(parent)) return [];
    return readdirSync(parent, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(parent, entry.name));
  });
  return [
    join(root, "pnpm-lock.yaml"),
    join(root, "pnpm-workspace.yaml"),
    join(root, "package.json"),
    ...dirs.map((dir) => join(dir, "package.json")).filter((file) => existsSync(file)),
  ];
}

/**
 * Whether the step that wrote `stampFile` last ran on inputs hashing to
 * `hash`, and left every one of `outputs` in place.
 *
 * @param {string} stampFile
 * @param {string} hash
 * @param {readonly string[]} outputs
 */
export function isCurrent(stampFile, hash, outputs) {
  if (!existsSync(stampFile) || outputs.some((output) => !existsSync(output))) return false;
  return readFileSync(stampFile, "utf8").trim() === hash;
}

/**
 * Records that a step succeeded on inputs hashing to `hash`.
 *
 * @param {string} stampFile
 * @param {string} hash
 */
export function recordCurrent(stampFile, hash) {
  mkdirSync(dirname(stampFile), { recursive: true });
  writeFileSync(stampFile, `${hash}\n`);
}

/**
 * Every file under `dir`, outside output and install directories and
 * TypeScript's build-info files.
 *
 * @param {string} dir
 * @returns {string[]}
 */
function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return notInputs.has(entry.name) ? [] : filesUnder(path);
    return entry.isFile() && !entry.name.endsWith(".tsbuildinfo") ? [path] : [];
  });
}
