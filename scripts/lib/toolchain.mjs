// Node and pnpm for the scripts a newcomer runs on a machine with nothing but
// an older Node and npm. Plain JavaScript without dependencies: it runs before
// anything is installed, on any Node from 18 on.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fail, root, say } from "./run.mjs";

/** Where missing tools go, from the npm registry only (never another download). */
const toolsDir = join(root, ".tools");
const toolsBin = join(toolsDir, "node_modules", ".bin");
/** The Node brought when the machine's is too old: the `node` package on npm (the LTS line). */
const nodeFromRegistry = "node@24";

/**
 * What the scripts run with.
 *
 * @typedef {object} Toolchain
 * @property {string} node a Node binary that meets `engines.node` of package.json
 * @property {NodeJS.ProcessEnv} env for child processes: `node` and pnpm first on PATH
 */

/**
 * Finds a Node that meets `engines.node` and a pnpm of the major that
 * `packageManager` pins, and brings what is missing into `.tools` with
 * `npm install --prefix .tools`: Node 24 when the running Node is older, the
 * pinned pnpm when no pnpm of that major answers on PATH (none, or a corepack
 * shim that fails). Quick when nothing is missing: it reads a few files, and
 * starts no process unless a pnpm on PATH must be asked its version.
 *
 * @returns {Toolchain}
 */
export function ensureToolchain() {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const minimum = parseVersion(String(manifest.engines?.node ?? "").replace(/^>=\s*/, ""));
  const pnpmPinned = String(manifest.packageManager ?? "").replace(/^pnpm@/, "");
  const pnpmSpec = `pnpm@${pnpmPinned}`;

  const systemNodeFits = atLeast(parseVersion(process.versions.node), minimum);
  const toolsNodeFits = () => atLeast(parseVersion(installedVersion("node")), minimum);
  const toolsPnpmFits = () => installedVersion("pnpm") === pnpmPinned;

  // What .tools must hold. It is installed in one command, since `--no-save` removes what the command does not name.
  const fromTools = [];
  if (!systemNodeFits) fromTools.push(nodeFromRegistry);
  if (toolsPnpmFits() || pnpmMajorOnPath() !== parseVersion(pnpmPinned)[0]) fromTools.push(pnpmSpec);

  const missing = fromTools.filter((spec) => !(spec === nodeFromRegistry ? toolsNodeFits() : toolsPnpmFits()));
  if (missing.length > 0) {
    say(`this machine lacks ${missing.join(" and ")}: installing into .tools from the npm registry (once)`);
    const args = ["install", "--prefix", toolsDir, "--no-save", "--no-audit", "--no-fund", "--loglevel=error"];
    const install = spawnSync("npm", [...args, ...fromTools], { stdio: "inherit" });
    if (install.status !== 0) fail(`npm install --prefix .tools ${fromTools.join(" ")} failed`);
    if (!systemNodeFits && !toolsNodeFits()) fail(`.tools has no Node ${minimum.join(".")} or newer after the install`);
    if (fromTools.includes(pnpmSpec) && !toolsPnpmFits()) fail(`.tools has no ${pnpmSpec} after the install`);
  }

  const path = fromTools.length > 0 ? `${toolsBin}${delimiter}${process.env.PATH ?? ""}` : process.env.PATH;
  return {
    node: systemNodeFits ? process.execPath : join(toolsBin, "node"),
    env: { ...process.env, PATH: path },
  };
}

/**
 * The version of a package installed in `.tools`, or "" when it is not there.
 *
 * @param {string} name
 */
function installedVersion(name) {
  const manifest = join(toolsDir, "node_modules", name, "package.json");
  return existsSync(manifest) ? String(JSON.parse(readFileSync(manifest, "utf8")).version) : "";
}

/**
 * The major version of the pnpm on PATH, or -1 when there is none or it fails
 * (a broken corepack shim). Read from the package.json beside its script when
 * it is an npm-installed pnpm (no process to start); asked otherwise.
 */
function pnpmMajorOnPath() {
  for (const dir of (process.env.PATH ?? "").split(delimiter).filter((entry) => entry !== "")) {
    const bin = join(dir, "pnpm");
    if (!existsSync(bin)) continue;
    const manifest = join(dirname(realpathSync(bin)), "..", "package.json");
    const found = existsSync(manifest) ? JSON.parse(readFileSync(manifest, "utf8")) : undefined;
    if (found?.name === "pnpm") return parseVersion(String(found.version))[0];
    break;
  }
  const answer = spawnSync("pnpm", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  return answer.status === 0 ? parseVersion(answer.stdout.trim())[0] : -1;
}

/**
 * @param {string} version e.g. "22.12.0" or "v20.1"
 * @returns {number[]}
 */
function parseVersion(version) {
  return version
    .replace(/^v/, "")
    .split(".")
    .map((part) => Number.parseInt(part, 10) || 0);
}

/**
 * @param {number[]} version
 * @param {number[]} minimum
 */
function atLeast(version, minimum) {
  for (let i = 0; i < Math.max(version.length, minimum.length); i++) {
    const difference = (version[i] ?? 0) - (minimum[i] ?? 0);
    if (difference !== 0) return difference > 0;
  }
  return true;
}
