import { readlinkSync } from "node:fs";

/**
 * The Linux thread id of the calling thread (from `/proc/thread-self`, which
 * names it `<pid>/task/<tid>`): what `taskset -p` and `os.setPriority` take to
 * act on one thread of the process rather than the whole of it.
 */
export function linuxThreadId(): number {
  return Number(readlinkSync("/proc/thread-self").split("/").at(-1));
}
