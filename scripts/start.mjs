// `pnpm start`: install what is missing, build, then run the server in the
// foreground. Plain JavaScript with no dependencies, because it runs before
// anything is installed.
import { spawn, spawnSync } from "node:child_process";

function run(command, args) {
  const result = spawnSync(command, args, { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(`Tandem needs Node 22.12 or newer; this is ${process.version}.`);
  process.exit(1);
}

// Quick when nothing changed (no network once the store has everything).
run("pnpm", ["install", "--frozen-lockfile", "--prefer-offline"]);
run("pnpm", ["build"]);

const server = spawn(process.execPath, ["packages/server/dist/cli.js", ...process.argv.slice(2)], { stdio: "inherit" });
// Ctrl-C reaches the server too (same process group); let it shut down
// gracefully and report its own exit status instead of dying first.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => server.kill(signal));
}
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
