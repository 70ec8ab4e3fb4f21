/**
 * The merge thread's entry (see merge-thread.ts). Started by path, it runs
 * from source under Node's type stripping in the tests, so it imports with
 * `.ts` extensions, which the build rewrites to `.js`.
 */
import { readlinkSync } from "node:fs";
import { getPriority, setPriority } from "node:os";
import { parentPort } from "node:worker_threads";
import { mergeStoredUpdates } from "./encoding.ts";
import type { MergeReply, MergeRequest, WorkerMessage } from "./merge-thread.ts";
import { unpackUpdates } from "./packed-updates.ts";
import { sliceStoredUpdates } from "./slices.ts";

const port = parentPort;
if (port === null) throw new Error("merge-worker runs as a worker thread only");

/**
 * How much nicer this thread is than the process: below the thread that serves clients, so
 * that a compaction (tens of milliseconds of Yjs work, every 1,000 appends of
 * a busy document) gives way to it when they share a core: at the same
 * priority it takes half of that core for its whole length, and every
 * delivery waits meanwhile. Not the lowest (19): a load cut into slices here
 * must still progress on a saturated core.
 */
const NICER_BY = 10;

// Linux keeps a nice value per thread, and names this one's id in /proc/thread-self
// ("<pid>/task/<tid>"). Elsewhere, or where that cannot be read, the thread keeps the process's.
try {
  // A thread starts with its creator's nice value, which getPriority() reads.
  setPriority(Number(readlinkSync("/proc/thread-self").split("/").pop()), Math.min(19, getPriority() + NICER_BY));
} catch {
  // Not Linux: merges run at the process's priority, as they did before.
}

port.on("message", ({ id, want, snapshot, rows: packed, options }: MergeRequest) => {
  let reply: MergeReply;
  try {
    const rows = unpackUpdates(packed);
    reply =
      want === "slices"
        ? { id, sliced: sliceStoredUpdates(snapshot, rows, options.keepDeleted) }
        : { id, merged: mergeStoredUpdates(snapshot, rows, options) };
  } catch (error) {
    reply = { id, error };
  }
  const transfer = reply.merged
    ? [reply.merged.state]
    : [...(reply.sliced?.slices ?? []), ...(reply.sliced?.state ? [reply.sliced.state] : [])];
  port.postMessage(reply, [...new Set(transfer.map((bytes) => bytes.buffer as ArrayBuffer))]);
});

// Imports are loaded by now: the store may open.
port.postMessage({ ready: true } satisfies WorkerMessage);
