import { readdirSync, readFileSync } from "node:fs";
import { getPriority, setPriority } from "node:os";

/** The name Linux shows for V8's helper threads (`/proc/<pid>/task/<tid>/comm`). */
const V8_HELPER_THREAD = "V8Worker";

/**
 * Makes V8's helper threads of this process `nicerBy` nice levels nicer than
 * the process (at most 19), on Linux, where each thread has a nice value of
 * its own. Node starts them before any JavaScript runs, so they are all there
 * to be found. Elsewhere, or where /proc cannot be read, it changes nothing:
 * the helpers keep the process's priority, as in any Node process.
 *
 * Why: V8 hands its concurrent and parallel garbage-collection work to these
 * threads (`--v8-pool-size`, see node-flags.ts). On a server with one core,
 * the helper took scheduler slices of 3–4 ms at the event loop's own priority
 * while the event loop waited: one document, 50 writers at 6,000 updates/s,
 * p99 delivery 42–50 ms against 6.5–10 ms with it 10 nicer, at the same CPU
 * per update. Nicer, not idle: V8 still needs the work done, and the event
 * loop finishes what the helper has not. It changes when V8 grows its heap
 * more than how far (docs/operations.md).
 *
 * Call it once the server is listening: before that, the helpers compile
 * PGlite's WebAssembly, and the start waits for them. A nice value holds
 * against every process on the machine, so on a busy one a nicer helper
 * starved that start: `tandem-server backup` took 15–20 s with four busy
 * loops beside it, against 5–6.5 s at its own priority.
 */
export function niceV8Helpers(nicerBy: number): void {
  if (nicerBy === 0) return;
  let tasks: string[];
  try {
    tasks = readdirSync("/proc/self/task");
  } catch {
    return;
  }
  const nice = Math.min(19, getPriority() + nicerBy);
  for (const tid of tasks) {
    try {
      if (readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim() === V8_HELPER_THREAD) {
        setPriority(Number(tid), nice);
      }
    } catch {
      // The thread ended meanwhile.
    }
  }
}
