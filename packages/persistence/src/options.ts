import { PersistenceError } from "./errors.js";

/** Options shared by every store. */
export interface StoreOptions {
  /**
   * Compact a document in the background once its log has this many rows
   * (counted from appends and loads in this process). Default 1000; 0 turns
   * automatic compaction off.
   */
  readonly compactAfterRows?: number;
  /** Called after each group-commit transaction; the server turns it into metrics. */
  readonly onBatchCommitted?: (batch: CommitBatch) => void;
  /**
   * Failures no caller is waiting for (automatic compaction, a log row that
   * does not apply, an idle connection dropping) are reported here. Without
   * it they become process warnings; they are never swallowed.
   */
  readonly onBackgroundError?: (error: PersistenceError) => void;
  /** The most appends one transaction commits. Default 500, at most 10000. */
  readonly maxBatchUpdates?: number;
  /**
   * The most bytes of appends waiting for their commit (queued, or in the
   * transaction being committed). An append that would go past it is refused
   * at once with `overloaded`, so a stalled database cannot make the queue grow
   * without bound. One append alone is always accepted, however large. Default
   * 64 MiB.
   */
  readonly maxQueuedBytes?: number;
  /**
   * The least time from the start of one group-commit transaction to the
   * start of the next (ms). Appends that arrive sooner wait for the rest of it
   * and share the next transaction; an append after a quiet spell commits at
   * the end of its event-loop turn, as with 0. Default 2, at most 1000.
   */
  readonly minCommitIntervalMs?: number;
  /**
   * Called after each slice of a large document's load, before the next
   * slice waits for a turn of the event loop of its own: a place for work
   * that keeps that turn short. `tandem-server` collects V8's young
   * generation there once it has grown (young-generation.ts in
   * `@tandem/server`). A throw is reported to {@link onBackgroundError} and
   * the load goes on.
   */
  readonly betweenLoadSlices?: () => void;
}

/** What one group-commit transaction wrote. */
export interface CommitBatch {
  /** Appends acknowledged by this commit. */
  readonly updates: number;
  /** Log rows written (small appends to one document in one batch share a row). */
  readonly rows: number;
  /** Bytes of update data written. */
  readonly bytes: number;
  /** From the first attempt to the commit, retries included. */
  readonly seconds: number;
}

/** {@link StoreOptions} checked and completed with defaults. */
export interface ResolvedStoreOptions {
  readonly compactAfterRows: number;
  readonly maxBatchUpdates: number;
  readonly maxQueuedBytes: number;
  readonly minCommitIntervalMs: number;
  readonly betweenLoadSlices: () => void;
  readonly onBatchCommitted: (batch: CommitBatch) => void;
  readonly onBackgroundError: (error: PersistenceError) => void;
}

// Postgres allows 65535 parameters per statement; each row takes four, each document one.
const MAX_BATCH_UPDATES = 10_000;

function checkCount(value: number, what: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new PersistenceError("invalid-argument", `${what} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** Checks `options` (throwing `invalid-argument`) and fills in the defaults. */
export function resolveStoreOptions(options: StoreOptions): ResolvedStoreOptions {
  const onBackgroundError = options.onBackgroundError ?? ((error: PersistenceError) => process.emitWarning(error));
  const { onBatchCommitted, betweenLoadSlices } = options;
  return {
    compactAfterRows: checkCount(options.compactAfterRows ?? 1000, "compactAfterRows", 0, Number.MAX_SAFE_INTEGER),
    maxBatchUpdates: checkCount(options.maxBatchUpdates ?? 500, "maxBatchUpdates", 1, MAX_BATCH_UPDATES),
    maxQueuedBytes: checkCount(
      options.maxQueuedBytes ?? 64 * 1024 * 1024,
      "maxQueuedBytes",
      1,
      Number.MAX_SAFE_INTEGER,
    ),
    minCommitIntervalMs: checkCount(options.minCommitIntervalMs ?? 2, "minCommitIntervalMs", 0, 1000),
    betweenLoadSlices: () => {
      try {
        betweenLoadSlices?.();
      } catch (error) {
        onBackgroundError(new PersistenceError("invalid-argument", "betweenLoadSlices threw", { cause: error }));
      }
    },
    // A throwing metrics callback must neither fail nor repeat a batch that is committed.
    onBatchCommitted: (batch) => {
      try {
        onBatchCommitted?.(batch);
      } catch (error) {
        onBackgroundError(new PersistenceError("invalid-argument", "onBatchCommitted threw", { cause: error }));
      }
    },
    onBackgroundError,
  };
}
