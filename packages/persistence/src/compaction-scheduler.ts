import type { CompactionResult } from "./store.js";

const ignore = () => {};

/**
 * Decides when compactions run, per document:
 * - one at a time per document in this process (the advisory lock covers
 *   other processes), and callers asking while one runs share the next one,
 *   which starts when the running one ends and so covers everything they
 *   appended before asking;
 * - automatically, in the background, once a document's log has reached the
 *   threshold (counted from loads and appends), with failures reported.
 */
export class CompactionScheduler {
  /** The compaction of a document that callers are waiting for and that has not started yet. */
  private readonly queued = new Map<string, Promise<CompactionResult>>();
  /** Settles after the last compaction scheduled for a document; never rejects. */
  private readonly tails = new Map<string, Promise<void>>();
  /** Log rows per document not covered by a compaction that started. */
  private readonly logRows = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly run: (name: string) => Promise<CompactionResult>,
    /** 0 turns automatic compaction off. */
    private readonly threshold: number,
    private readonly onBackgroundError: (error: unknown, name: string) => void,
  ) {}

  compact(name: string): Promise<CompactionResult> {
    const queued = this.queued.get(name);
    if (queued !== undefined) return queued;
    const previous = this.tails.get(name) ?? Promise.resolve();
    const compaction = previous.then(() => {
      this.queued.delete(name);
      // Rows appended from now on may be missed by this compaction; count them afresh.
      this.logRows.delete(name);
      return this.run(name);
    });
    this.queued.set(name, compaction);
    const tail = compaction.then(ignore, ignore).then(() => {
      if (this.tails.get(name) === tail) this.tails.delete(name);
    });
    this.tails.set(name, tail);
    return compaction;
  }

  /** A load found `rows` log rows. */
  loaded(name: string, rows: number): void {
    this.logRows.set(name, rows);
    this.maybeCompact(name);
  }

  /**
   * A commit added `rows` log rows to the document. Rows, not appends: a
   * batch stores a short run of one author's small appends as one merged row,
   * which a load applies at about the cost of a snapshot of the same content.
   * Counted per append, a fast writer's document was compacted (all of it
   * read, folded and rewritten) up to a hundred times as often as its log's
   * length called for.
   */
  wrote(name: string, rows: number): void {
    this.logRows.set(name, (this.logRows.get(name) ?? 0) + rows);
    this.maybeCompact(name);
  }

  /** The document is gone; forget its count. */
  forget(name: string): void {
    this.logRows.delete(name);
  }

  /** No more automatic compactions; resolves when every scheduled compaction has settled. */
  async stop(): Promise<void> {
    this.stopped = true;
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }

  private maybeCompact(name: string): void {
    const rows = this.logRows.get(name) ?? 0;
    if (this.stopped || this.threshold === 0 || rows < this.threshold || this.queued.has(name)) return;
    this.compact(name).catch((error: unknown) => this.onBackgroundError(error, name));
  }
}
