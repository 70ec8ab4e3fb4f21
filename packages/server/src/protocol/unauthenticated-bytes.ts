/** One socket, as far as the account of bytes queued before authentication is concerned. */
export interface UnauthenticatedHolder {
  /** Bytes held for this socket's documents that have not authenticated yet. */
  queuedBeforeAuthentication(): number;
}

/**
 * The server-wide account of bytes that sockets have queued for documents
 * that have not authenticated yet. Hocuspocus caps this per socket (5 MiB),
 * but not across sockets: twenty sockets queueing 4.4 MiB each took a heap
 * from 25 to 204 MB without a single valid token. A frame that takes the
 * total past `limit` closes its socket; and while the total is above three
 * quarters of the limit, new sockets are refused, which leaves the last
 * quarter to sockets already open that are still authenticating.
 *
 * A socket's figure is read when it queues (after each frame it sends) and
 * dropped when it closes. Queues also empty when a document authenticates or
 * is refused, which nobody reports here; so the running total can only be too
 * high, never too low, and it is counted again, exactly, before it is
 * believed to be past the limit.
 */
export class UnauthenticatedBytes {
  private total = 0;
  private readonly holders = new Map<UnauthenticatedHolder, number>();

  constructor(readonly limit: number) {}

  /**
   * Reads what `holder` queues now. False when it holds more than before and
   * the server-wide total is past the limit.
   */
  record(holder: UnauthenticatedHolder): boolean {
    const grew = this.set(holder, holder.queuedBeforeAuthentication());
    return !grew || this.total <= this.limit || this.recount() <= this.limit;
  }

  /** Drops a closed socket from the account. */
  forget(holder: UnauthenticatedHolder): void {
    this.set(holder, 0);
  }

  /** Whether the total is above three quarters of the limit, so that a new socket should be refused. */
  get isFull(): boolean {
    const admissionLimit = (this.limit * 3) / 4;
    return this.total > admissionLimit && this.recount() > admissionLimit;
  }

  /** The exact total now. */
  get bytes(): number {
    return this.recount();
  }

  private recount(): number {
    for (const holder of [...this.holders.keys()]) this.set(holder, holder.queuedBeforeAuthentication());
    return this.total;
  }

  /** Records `bytes` for `holder`; true when that is more than it had. */
  private set(holder: UnauthenticatedHolder, bytes: number): boolean {
    const before = this.holders.get(holder) ?? 0;
    if (bytes === 0) this.holders.delete(holder);
    else this.holders.set(holder, bytes);
    this.total += bytes - before;
    return bytes > before;
  }
}
