import * as Y from "yjs";
import type { DecodedUpdate } from "../protocol/frames.js";
import type { SocketSession } from "../protocol/socket-session.js";

/**
 * Whether everything `update` holds is integrated in `document`: each of its
 * structs lies below the document's state for its client (Yjs integrates a
 * client's structs in clock order, so the state is the next clock it lacks),
 * and so does each range it deletes (a deletion of structs the document does
 * not have yet waits, pending, until they come).
 */
export function isIntegrated(update: DecodedUpdate, document: Y.Doc): boolean {
  for (const struct of update.structs) {
    if (struct instanceof Y.Skip) continue;
    if (Y.getState(document.store, struct.id.client) < struct.id.clock + struct.length) return false;
  }
  for (const [client, ranges] of update.ds.clients) {
    const state = Y.getState(document.store, client);
    for (const range of ranges) if (state < range.clock + range.len) return false;
  }
  return true;
}

/** An acknowledgment that may go once every append numbered up to `upTo` has committed. */
interface HeldAcknowledgment {
  readonly upTo: number;
  readonly send: () => void;
}

/** An acknowledgment of an update whose content the live document holds pending: it lacks what the update builds on. */
interface WaitingAcknowledgment {
  readonly session: SocketSession;
  readonly update: DecodedUpdate;
  readonly bytes: number;
  readonly send: () => void;
}

/**
 * The acknowledgments of one live document, and the durable watermark they
 * wait for.
 *
 * Every append of the document's content takes the next number when it
 * starts. An acknowledgment the server is about to send is held with the
 * number of the last append started so far, and goes once every append up to
 * it has committed: the content it acknowledges, and everything that content
 * was built on (the live document held it, so its append started earlier),
 * is then in the log. Appends may commit out of order (a retried batch); the
 * watermark is the lowest number still in flight.
 *
 * An update whose content cannot integrate yet (it builds on something the
 * document lacks, which the same connection should send next, as a provider
 * does when it reconnects with offline edits) is not stored, since nothing of
 * it was integrated; its acknowledgment waits until the content integrates,
 * which starts its append, and then for that append like any other.
 *
 * Once {@link discard}ed (an append failed and the document is being reset),
 * nothing is ever released again, and whoever awaits {@link whenCommitted}
 * hears why.
 */
export class AcknowledgmentLedger {
  private started = 0;
  /** Numbers of the appends not yet committed, ascending. */
  private readonly inFlight: number[] = [];
  private held: HeldAcknowledgment[] = [];
  private waiting: WaitingAcknowledgment[] = [];
  /** The rejections of the promises {@link whenCommitted} gave that have not settled. */
  private readonly promised = new Set<(reason: unknown) => void>();
  /** Why the ledger was discarded, once it was. */
  private discarded: { readonly reason: unknown } | undefined;

  /** Numbers an append that starts now; pass the number to {@link committed} once it has. */
  begin(): number {
    this.started += 1;
    this.inFlight.push(this.started);
    return this.started;
  }

  /** Releases the acknowledgments that no longer wait for an append in flight. */
  committed(append: number): void {
    const at = this.inFlight.indexOf(append);
    if (at !== -1) this.inFlight.splice(at, 1);
    this.release();
  }

  /**
   * Holds `send` until everything the document holds now is committed; sends
   * it at once when nothing is in flight.
   */
  hold(send: () => void): void {
    if (this.discarded !== undefined) return;
    if (this.inFlight.length === 0) send();
    else this.held.push({ upTo: this.started, send });
  }

  /**
   * Resolves once everything the document holds now is committed, as
   * {@link hold} would send; rejects with the reason the ledger is discarded
   * if that comes first (the document was reset: what it held may be lost).
   */
  whenCommitted(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.discarded !== undefined) {
        reject(this.discarded.reason);
        return;
      }
      this.promised.add(reject);
      this.hold(() => {
        this.promised.delete(reject);
        resolve();
      });
    });
  }

  /**
   * Holds `send`, the acknowledgment of `update` from `session`, until the
   * document has integrated all of `update` and that is committed.
   *
   * @returns the bytes of updates from `session` that wait so, this one included.
   */
  holdUntilIntegrated(session: SocketSession, update: DecodedUpdate, bytes: number, send: () => void): number {
    if (this.discarded !== undefined) return 0;
    this.waiting.push({ session, update, bytes, send });
    return this.waitingBytes(session);
  }

  /** Moves the waiting acknowledgments whose updates `document` has integrated by now to the held ones. */
  integrated(document: Y.Doc): void {
    if (this.waiting.length === 0) return;
    const still: WaitingAcknowledgment[] = [];
    for (const entry of this.waiting) {
      if (entry.session.isClosed) continue;
      if (isIntegrated(entry.update, document)) this.held.push({ upTo: this.started, send: entry.send });
      else still.push(entry);
    }
    this.waiting = still;
    this.release();
  }

  /**
   * Drops every acknowledgment held or waiting, and any later one; rejects
   * what {@link whenCommitted} promised with `reason`.
   */
  discard(reason: unknown): void {
    this.discarded = { reason };
    this.held = [];
    this.waiting = [];
    for (const reject of this.promised) reject(reason);
    this.promised.clear();
  }

  private waitingBytes(session: SocketSession): number {
    let bytes = 0;
    for (const entry of this.waiting) if (entry.session === session) bytes += entry.bytes;
    return bytes;
  }

  private release(): void {
    if (this.discarded !== undefined) return;
    const floor = this.inFlight[0] ?? Number.POSITIVE_INFINITY;
    let released = 0;
    while (released < this.held.length && (this.held[released] as HeldAcknowledgment).upTo < floor) released++;
    if (released === 0) return;
    const due = this.held.splice(0, released);
    for (const { send } of due) send();
  }
}
