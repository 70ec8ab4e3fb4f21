// `npm test` (or `pnpm test`): the whole suite, as CI runs it. Brings Node and
// pnpm if this machine lacks them, installs and builds what changed, then
// lints, type-checks the tests and runs them. Extra arguments go to vitest
// (`npm test -- test/e2e`).
import { join } from "node:path";
import { build, install } from "./lib/prepare.mjs";
import { leaveInterruptsToChildren, root, run } from "./lib/run.mjs";
import { ensureToolchain } from "./lib/toolchain.mjs";

leaveInterruptsToChildren();
const toolchain = ensureToolchain();
install(toolchain);
run("pnpm", ["run", "lint"], toolchain.env);
build(toolchain);
/** @param {string} name */
const bin = (name) => join(root, "node_modules", ".bin", name);
run(bin("tsc"), ["-p", "tsconfig.test.json"], toolchain.env);
run(bin("vitest"), ["run", ...process.argv.slice(2)], toolchain.env);
