import { restartArguments } from "./node-flags.js";

// V8 sizes the young generation when the process starts (`v8.setFlagsFromString`
// comes too late), so the flag takes a new start: `process.execve` replaces this
// process (same pid, so signals, SIGKILL and supervisors see one process). This
// module is the CLI's first import, so nothing of the server has run yet.
// Without `execve` (Windows), the server runs with V8's default.
const again = restartArguments(process.execArgv, process.env.NODE_OPTIONS);
if (again !== undefined && typeof process.execve === "function") {
  process.execve(process.execPath, [process.execPath, ...again, ...process.argv.slice(1)], process.env);
}
