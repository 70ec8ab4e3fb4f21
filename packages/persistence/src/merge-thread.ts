import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { AuthoredUpdate } from "./attribution.js";
import type { MergedState, MergeOptions, StoredUpdate, UnappliedRow } from "./encoding.js";
// .ts: a test runs this module from source under Node's type stripping, which keeps only this import; the build rewrites it.
import { type PackedUpdates, packUpdates, transferablesOf } from "./packed-updates.ts";
import type { SlicedState } from "./slices.js";

/** What the merge thread is asked: one document's stored payloads, merged into one state or cut into slices. */
export interface MergeRequest {
  readonly id: number;
  readonly want: "state" | "slices";
  readonly snapshot: StoredUpdate | null;
  readonly rows: PackedUpdates;
  readonly options: MergeOptions;
}

/** What it answers: the merged state or the slices, or why that threw. */
export interface MergeReply {
  readonly id: number;
  readonly merged?: MergedState;
  readonly sliced?: SlicedState;
  readonly error?: unknown;
}

/** What the thread posts: once `ready` when its code has loaded, then one reply per request. */
export type WorkerMessage = MergeReply | { readonly ready: true };

// Built, this module and the worker's entry are both .js; run from source (the tests), both are .ts.
const entry = new URL(`./merge-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** The thread saw copies: it names the rows that did not apply by index. */
function ownRows<Row>(rows: readonly Row[], unapplied: MergedState["unapplied"]): UnappliedRow<Row>[] {
  return unapplied.map(({ index, error }) => ({ row: rows[index] as Row, error }));
}

/**
 * `update` as the thread is sent it, its bytes in a buffer of their own that can be transferred: a copy, exactly
 * their size, which cannot be changed meanwhile; or, when the caller gives them up (`take`) and they are the whole
 * of their buffer already, the bytes themselves (see `slices`).
 */
function sendable({ data, encoding, author, acceptedBy }: AuthoredUpdate, take = false): AuthoredUpdate {
  const whole =
    data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer;
  return {
    data: take && whole ? data : new Uint8Array(data),
    encoding,
    author: author ?? null,
    acceptedBy: acceptedBy ?? null,
  };
}

/** A merge's outcome for its caller: what the thread found, with the caller's own rows that did not apply. */
export interface MergedRows<Row> extends Omit<MergedState, "unapplied"> {
  readonly unapplied: readonly UnappliedRow<Row>[];
}

/** A slicing's outcome for its caller: the slices (see `stateInSlices`), and the caller's own rows that did not apply. */
export interface SlicedRows<Row> {
  readonly slices: readonly Uint8Array[];
  /** The whole document as one V1 update, when there is one to share (see `SlicedState`). */
  readonly state?: Uint8Array;
  readonly unapplied: readonly UnappliedRow<Row>[];
}

interface Waiting {
  readonly resolve: (reply: MergeReply) => void;
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
  private running: { readonly worker: Worker; readonly ready: Promise<void> } | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;

  /**
   * Starts the thread if it is not running, and resolves once it has loaded
   * its code (tens of milliseconds of CPU); rejects if it cannot start.
   */
  start(): Promise<void> {
    return this.thread().ready;
  }

  async merge<Row extends AuthoredUpdate>(
    snapshot: StoredUpdate | null,
    rows: readonly Row[],
    options: MergeOptions = {},
  ): Promise<MergedRows<Row>> {
    const { merged } = await this.ask("state", snapshot, rows, options);
    if (merged === undefined) throw new Error("the merge thread answered without a state");
    return { ...merged, unapplied: ownRows(rows, merged.unapplied) };
  }

  /**
   * The document the snapshot and rows make, as slices that can be applied
   * one by one with other work between them (see `stateInSlices`); with
   * `keepDeleted`, the slices keep the content of deleted items.
   *
   * Takes the snapshot's bytes: where they are the whole of their buffer,
   * the buffer moves to the thread and is empty here afterwards, so the
   * caller must not read them again. A large document's load is the one
   * caller, and its snapshot is megabytes: copying 8 MB took 20-70 ms of the
   * thread that serves every other document.
   */
  async slices<Row extends StoredUpdate>(
    snapshot: StoredUpdate | null,
    rows: readonly Row[],
    keepDeleted: boolean,
  ): Promise<SlicedRows<Row>> {
    const { sliced } = await this.ask("slices", snapshot, rows, { keepDeleted }, true);
    if (sliced === undefined) throw new Error("the merge thread answered without slices");
    return {
      slices: sliced.slices,
      ...(sliced.state ? { state: sliced.state } : {}),
      unapplied: ownRows(rows, sliced.unapplied),
    };
  }

  private ask(
    want: MergeRequest["want"],
    snapshot: StoredUpdate | null,
    rows: readonly AuthoredUpdate[],
    options: MergeOptions,
    takeSnapshot = false,
  ) {
    const { worker } = this.thread();
    const id = this.nextId++;
    const since = options.since && sendable(options.since);
    const request: MergeRequest = {
      id,
      want,
      snapshot: snapshot && sendable(snapshot, takeSnapshot),
      rows: packUpdates(rows),
      options: { ...options, ...(since ? { since } : {}) },
    };
    const transfer = [
      ...[request.snapshot, since].flatMap((update) => (update ? [update.data.buffer as ArrayBuffer] : [])),
      ...transferablesOf(request.rows),
    ];
    return new Promise<MergeReply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage(request, transfer);
    });
  }

  /** Stops the thread; merges still waiting fail. */
  async close(): Promise<void> {
    const running = this.running;
    if (running === undefined) return;
    this.running = undefined;
    await running.worker.terminate();
    this.failAll(new Error("the store was closed during a merge"));
  }

  private thread(): { readonly worker: Worker; readonly ready: Promise<void> } {
    if (this.running !== undefined) return this.running;
    const worker = new Worker(entry);
    let started: () => void = () => {};
    let failed: (error: unknown) => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      started = resolve;
      failed = reject;
    });
    // Only for the caller of start(): a merge hears of a failure through its own promise.
    ready.catch(() => {});
    worker.on("message", (message: WorkerMessage) => {
      // Idle, it must not keep the process alive; starting, or with a merge waiting, it does.
      if ("ready" in message) {
        if (this.waiting.size === 0) worker.unref();
        started();
        return;
      }
      const waiting = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (this.waiting.size === 0) worker.unref();
      if ("error" in message) waiting?.reject(message.error);
      else waiting?.resolve(message);
    });
    const lost = (error: unknown) => {
      failed(error);
      if (this.running?.worker !== worker) return;
      this.running = undefined;
      this.failAll(error);
    };
    worker.on("error", lost);
    worker.on("exit", (code) => lost(new Error(`the merge thread exited with code ${code}`)));
    this.running = { worker, ready };
    return this.running;
  }

  private failAll(error: unknown): void {
    for (const { reject } of this.waiting.values()) reject(error);
    this.waiting.clear();
  }
}
