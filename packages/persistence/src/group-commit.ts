/** One queued append. */
export interface PendingAppend {
  readonly name: string;
  readonly update: Uint8Array;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit: while one batch is being committed, new appends queue up and
 * are committed together by the next transaction. Under load, durability costs
 * one commit per batch instead of one per keystroke; with no load, an append
 * is committed at once.
 */
export class GroupCommit {
  private queue: PendingAppend[] = [];
  private draining: Promise<void> | undefined;

  constructor(
    private readonly commit: (batch: readonly PendingAppend[]) => Promise<void>,
    private readonly maxBatch: number,
  ) {}

  /** Resolves once `update` is committed; rejects if its batch failed. */
  append(name: string, update: Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ name, update, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** Resolves when every append queued so far has settled. */
  async idle(): Promise<void> {
    while (this.draining !== undefined) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.commit(batch);
          for (const pending of batch) pending.resolve();
        } catch (error) {
          for (const pending of batch) pending.reject(error);
        }
      }
    } finally {
      this.draining = undefined;
    }
  }
}
