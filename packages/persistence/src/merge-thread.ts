import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { MergedState, StoredUpdate } from "./encoding.js";

/** What the merge thread is asked: one document's stored payloads. */
export interface MergeRequest {
  readonly id: number;
  readonly snapshot: StoredUpdate | null;
  readonly rows: readonly StoredUpdate[];
}

/** What it answers: the merged state, or why merging threw. */
export interface MergeReply {
  readonly id: number;
  readonly merged?: MergedState;
  readonly error?: unknown;
}

// Built, this module and the worker's entry are both .js; run from source (the tests), both are .ts.
const entry = new URL(`./merge-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** A detached copy of `bytes`, exactly their size, so that it can be transferred and cannot be changed meanwhile. */
function copyOf({ data, encoding }: StoredUpdate): StoredUpdate {
  return { data: new Uint8Array(data), encoding };
}

interface Waiting {
  readonly resolve: (merged: MergedState) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Merges stored updates (compaction, versions) on a worker thread, so that
 * folding a large document, tens of milliseconds of Yjs work, never holds up
 * the thread that relays and stores keystrokes: measured in the hot-document
 * benchmark, those stalls made up the delivery tail (see docs/benchmarks.md).
 *
 * The thread starts at {@link start} or the first merge and lives until
 * {@link close}; it does not keep the process alive while idle. If it dies,
 * the merges waiting for it fail and the next merge starts a new one.
 */
export class MergeThread {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;

  merge(snapshot: StoredUpdate | null, rows: readonly StoredUpdate[]): Promise<MergedState> {
    const worker = this.start();
    const id = this.nextId++;
    const request: MergeRequest = { id, snapshot: snapshot && copyOf(snapshot), rows: rows.map(copyOf) };
    const transfer = [...(request.snapshot ? [request.snapshot] : []), ...request.rows].map(
      ({ data }) => data.buffer as ArrayBuffer,
    );
    return new Promise<MergedState>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage(request, transfer);
    });
  }

  /** Stops the thread; merges still waiting fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (worker === undefined) return;
    this.worker = undefined;
    await worker.terminate();
    this.failAll(new Error("the store was closed during a merge"));
  }

  /** Starts the thread now, if it is not running: its start-up takes tens of milliseconds of CPU. */
  start(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = new Worker(entry);
    worker.on("message", ({ id, merged, error }: MergeReply) => {
      const waiting = this.waiting.get(id);
      this.waiting.delete(id);
      if (this.waiting.size === 0) worker.unref();
      if (merged === undefined) waiting?.reject(error);
      else waiting?.resolve(merged);
    });
    const lost = (error: unknown) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll(error);
    };
    worker.on("error", lost);
    worker.on("exit", (code) => lost(new Error(`the merge thread exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private failAll(error: unknown): void {
    for (const { reject } of this.waiting.values()) reject(error);
    this.waiting.clear();
  }
}
