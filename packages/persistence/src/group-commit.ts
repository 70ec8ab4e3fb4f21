import { PersistenceError } from "./errors.js";
import type { CommitBatch } from "./options.js";
import { isTransient } from "./sql-errors.js";

/** One append waiting for its commit. */
export interface QueuedAppend {
  readonly name: string;
  readonly update: Uint8Array;
  /** Who sent it (a user id), stored in the same row; null when unknown. */
  readonly author: string | null;
  /** Who accepted the suggestion it makes (see `AppendOptions.acceptedBy`); null for anything else. */
  readonly acceptedBy: string | null;
}

/** What a batch writer reports about the rows it wrote. */
export interface WrittenBatch {
  readonly rows: number;
  readonly bytes: number;
  /** Log rows written per document name. */
  readonly rowsPerDocument: ReadonlyMap<string, number>;
}

interface Waiter extends QueuedAppend {
  resolve(): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions {
  /** Writes a batch in one transaction; resolves after COMMIT. */
  readonly write: (batch: readonly QueuedAppend[]) => Promise<WrittenBatch>;
  readonly maxBatchUpdates: number;
  /** Bytes of appends queued or being committed past which an append is refused with `overloaded`. */
  readonly maxQueuedBytes: number;
  /** The least time between the starts of two commits (ms); see `StoreOptions.minCommitIntervalMs`. */
  readonly minCommitIntervalMs: number;
  /** Must not throw. */
  readonly onBatchCommitted: (batch: CommitBatch) => void;
}

// Keeps one transaction's statement well below Postgres' 1 GiB message limit;
// a single larger append still goes alone.
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
// Four attempts over about a second rides out a dropped connection or a
// failover without holding acknowledgements back for long.
const ATTEMPTS = 4;
const BACKOFF_MS = 50;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Group commit: appends that arrive in one event-loop turn share the first
 * batch; while one batch is being committed, new appends queue up and the
 * next transaction commits all of them, started no sooner than
 * `minCommitIntervalMs` after the one before. Each commit costs the server a
 * round trip's system calls, wake-ups and bookkeeping, whatever it holds: one
 * document with 50 writers committed about two keystrokes per transaction at
 * 2,000/s, and paced 2 ms apart the server's CPU per keystroke fell by about
 * a tenth there and a sixth at 250/s (Postgres': a third), with the
 * acknowledgment's p99 no later. Under load, durability costs one commit per
 * batch instead of one per keystroke; with no load, an append is committed at
 * the end of the event-loop turn it arrived in.
 *
 * A failed batch is retried while its error looks transient (with exponential
 * backoff and jitter, so that instances recovering together do not retry in
 * step); then every append in it rejects with `unavailable`. No error is
 * swallowed: an append's promise settles exactly once, after COMMIT or with
 * the reason it did not happen.
 *
 * Memory is bounded: appends that would hold more than `maxQueuedBytes`
 * waiting for their commit are refused at once with `overloaded` rather than
 * queued, so a database that stalls costs a bounded amount of memory, and the
 * caller hears at once that nothing was stored.
 */
export class GroupCommit {
  private queue: Waiter[] = [];
  private draining: Promise<void> | undefined;
  /** Bytes of the appends queued or in the batch being committed. */
  private pendingBytes = 0;
  /** When the last batch started (`performance.now()`), which paces the next (see the class). */
  private lastBatchStart = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: GroupCommitOptions) {}

  /**
   * Resolves once `update` is committed; rejects with `unavailable` if its
   * batch failed, or at once with `overloaded` if it does not fit in
   * `maxQueuedBytes` (unless nothing else is pending).
   */
  append(
    name: string,
    update: Uint8Array,
    author: string | null = null,
    acceptedBy: string | null = null,
  ): Promise<void> {
    const pending = this.pendingBytes + update.length;
    if (pending > this.options.maxQueuedBytes && this.pendingBytes > 0) {
      return Promise.reject(
        new PersistenceError(
          "overloaded",
          `${this.pendingBytes} bytes are already waiting for their commit (maxQueuedBytes ${this.options.maxQueuedBytes})`,
        ),
      );
    }
    this.pendingBytes = pending;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ name, update, author, acceptedBy, resolve, reject });
      this.draining ??= this.drainAfterThisTurn();
    });
  }

  /** Resolves when every append queued so far has settled. */
  async idle(): Promise<void> {
    while (this.draining !== undefined) await this.draining;
  }

  /**
   * Starts the first batch once the event loop has handled everything it
   * read in this turn, not at the first append: updates that arrive together
   * (from many sockets in one poll) then share one commit, and, applied
   * together once it returns, one broadcast. Started at once, the first
   * update went alone and the rest waited for its commit, so at a steady
   * rate nearly every update was its own commit and its own broadcast.
   */
  private async drainAfterThisTurn(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    await this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        // Awaited only when there is something to wait for: the batch is taken in the same tick otherwise. A
        // timer can fire early (it counts from the event loop's cached clock, which lags behind a busy turn).
        for (let wait = this.untilNextBatch(); wait > 0; wait = this.untilNextBatch()) await delay(wait);
        this.lastBatchStart = performance.now();
        const batch = this.takeBatch();
        try {
          await this.commit(batch);
          for (const waiter of batch) waiter.resolve();
        } catch (error) {
          for (const waiter of batch) waiter.reject(error);
        } finally {
          for (const waiter of batch) this.pendingBytes -= waiter.update.length;
        }
      }
    } finally {
      this.draining = undefined;
    }
  }

  /** How long until the next batch may start (ms; see the class). */
  private untilNextBatch(): number {
    return this.lastBatchStart + this.options.minCommitIntervalMs - performance.now();
  }

  private takeBatch(): Waiter[] {
    let count = 0;
    let bytes = 0;
    for (const waiter of this.queue) {
      if (count === this.options.maxBatchUpdates || (count > 0 && bytes + waiter.update.length > MAX_BATCH_BYTES)) {
        break;
      }
      count++;
      bytes += waiter.update.length;
    }
    return this.queue.splice(0, count);
  }

  private async commit(batch: readonly Waiter[]): Promise<void> {
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      let written: WrittenBatch;
      try {
        written = await this.options.write(batch);
      } catch (error) {
        if (attempt === ATTEMPTS || !isTransient(error)) {
          throw new PersistenceError(
            "unavailable",
            `could not commit ${batch.length} updates (${attempt} attempts): ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
        }
        await delay(BACKOFF_MS * 4 ** (attempt - 1) * (0.5 + Math.random() / 2));
        continue;
      }
      this.options.onBatchCommitted({
        updates: batch.length,
        rows: written.rows,
        bytes: written.bytes,
        seconds: (performance.now() - started) / 1000,
      });
      return;
    }
  }
}
