// Installing and building, each only when its inputs changed since it last succeeded.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { buildInputs, hashFiles, installInputs, isCurrent, recordCurrent } from "./inputs.mjs";
import { root, run, say } from "./run.mjs";

/** Stamps live beside what they vouch for, so deleting node_modules or dist forgets them too. */
const installStamp = join(root, "node_modules", ".cache", "tandem", "install.sha256");

/**
 * `pnpm install --frozen-lockfile`, unless the lockfile and every
 * package.json are as they were at the last successful install.
 *
 * @param {import("./toolchain.mjs").Toolchain} toolchain
 */
export function install(toolchain) {
  const hash = hashFiles(root, installInputs(root));
  if (isCurrent(installStamp, hash, [join(root, "node_modules", ".modules.yaml")])) return;
  say("installing dependencies (pnpm install)");
  run("pnpm", ["install", "--frozen-lockfile", "--prefer-offline"], toolchain.env);
  recordCurrent(installStamp, hash);
}

/**
 * Builds the packages with `tsc -b` (incremental: it compiles only what
 * changed), then each example whose inputs changed since its last build
 * (Vite has no incremental build; see buildInputs for what counts).
 *
 * @param {import("./toolchain.mjs").Toolchain} toolchain
 */
export function build(toolchain) {
  say("building the packages (tsc -b)");
  run(toolchain.node, [join(root, "node_modules", "typescript", "bin", "tsc"), "-b"], toolchain.env);
  const stale = [];
  const current = [];
  for (const dir of examples()) {
    const hash = hashFiles(root, buildInputs(root, dir));
    const stamp = join(dir, "node_modules", ".cache", "tandem", "build.sha256");
    if (isCurrent(stamp, hash, [join(dir, "dist", "index.html")])) current.push(relative(root, dir));
    else stale.push({ dir, stamp, hash });
  }
  if (current.length > 0) say(`${current.join(" and ")}: unchanged since the last build, not rebuilt`);
  if (stale.length === 0) return;
  const filters = stale.flatMap(({ dir }) => ["--filter", `./${relative(root, dir)}`]);
  say(`building ${stale.map(({ dir }) => relative(root, dir)).join(" and ")} (vite)`);
  run("pnpm", ["--recursive", ...filters, "build"], toolchain.env);
  for (const { stamp, hash } of stale) recordCurrent(stamp, hash);
}

/** The workspace's examples that have a build script. */
function examples() {
  const parent = join(root, "examples");
  return readdirSync(parent, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(parent, entry.name, "package.json")))
    .map((entry) => join(parent, entry.name))
    .filter((dir) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).scripts?.build !== undefined);
}
