import { availableParallelism } from "node:os";
import { restartArguments } from "./node-flags.js";

// V8 sizes the young generation and its pool of helper threads, and settles
// on pretenuring, when the process starts (`v8.setFlagsFromString` comes too
// late), so the flags take a new start: `process.execve` replaces this process
// (same pid, so signals, SIGKILL and supervisors see one process). cli.ts
// imports this module alone, and the server only afterwards, so nothing of the
// server has loaded yet. Without `execve` (Windows), the server runs with V8's
// defaults. `availableParallelism` counts the CPUs this process may use (its
// affinity, and a cgroup CPU quota).
const again = restartArguments(process.execArgv, process.env.NODE_OPTIONS, availableParallelism());
if (again !== undefined && typeof process.execve === "function") {
  process.execve(process.execPath, [process.execPath, ...again, ...process.argv.slice(1)], process.env);
}
