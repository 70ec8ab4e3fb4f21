// `npm start` (or `pnpm start`): bring Node and pnpm if this machine lacks
// them, install and build what changed, then run the server in the
// foreground. Extra arguments go to the server (`npm start -- --port 8080`).
// package.json runs it with `exec`, so that no shell sits between npm or pnpm
// and this script: on Ctrl-C the shell would die at once, and pnpm report the
// graceful shutdown that follows as a failed command.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { build, install } from "./lib/prepare.mjs";
import { leaveInterruptsToChildren, root } from "./lib/run.mjs";
import { ensureToolchain } from "./lib/toolchain.mjs";

leaveInterruptsToChildren();
const toolchain = ensureToolchain();
install(toolchain);
build(toolchain);

const server = spawn(toolchain.node, [join(root, "packages", "server", "dist", "cli.js"), ...process.argv.slice(2)], {
  stdio: "inherit",
  env: toolchain.env,
});
// A SIGTERM sent to this script alone (a supervisor, `kill`) is for the server;
// Ctrl-C reaches the server from the terminal already.
process.on("SIGTERM", () => server.kill("SIGTERM"));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
