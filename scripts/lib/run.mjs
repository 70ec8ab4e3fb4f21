// Running the steps of `start`, `test` and `build` as child processes.
import { spawnSync } from "node:child_process";
import { constants } from "node:os";
import { fileURLToPath } from "node:url";

/** The repository's root directory. */
export const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * One line about what the script does, on stderr like the tools' own progress.
 *
 * @param {string} message
 */
export function say(message) {
  console.error(`tandem: ${message}`);
}

/**
 * @param {string} message
 * @returns {never}
 */
export function fail(message) {
  say(message);
  process.exit(1);
}

/**
 * Ctrl-C reaches every process of the terminal's foreground group: the step
 * running now (or the server) gets it from the terminal and stops on its own.
 * Passing it on as well would make the server see a second SIGINT, which it
 * takes as "exit now, without the graceful shutdown". So the script only
 * outlives the signal and exits once the child has.
 */
export function leaveInterruptsToChildren() {
  process.on("SIGINT", () => {});
}

/**
 * Runs a step in the foreground and exits with its status when it fails.
 *
 * @param {string} command
 * @param {readonly string[]} args
 * @param {NodeJS.ProcessEnv} env
 */
export function run(command, args, env) {
  const result = spawnSync(command, args, { stdio: "inherit", env, cwd: root });
  if (result.error) fail(`${command} did not start: ${result.error.message}`);
  if (result.signal) process.exit(128 + (constants.signals[result.signal] ?? 0));
  if (result.status !== 0) process.exit(result.status ?? 1);
}
