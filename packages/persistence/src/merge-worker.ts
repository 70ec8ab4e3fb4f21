/**
 * The merge thread's entry (see merge-thread.ts). Started by path, it runs
 * from source under Node's type stripping in the tests, so it imports with
 * `.ts` extensions, which the build rewrites to `.js`.
 */
import { parentPort } from "node:worker_threads";
import { mergeStoredUpdates } from "./encoding.ts";
import type { MergeReply, MergeRequest, WorkerMessage } from "./merge-thread.ts";
import { unpackUpdates } from "./packed-updates.ts";
import { sliceStoredUpdates } from "./slices.ts";

const port = parentPort;
if (port === null) throw new Error("merge-worker runs as a worker thread only");

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
