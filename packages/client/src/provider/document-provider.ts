import { HocuspocusProvider, type HocuspocusProviderConfiguration, MessageType } from "@hocuspocus/provider";
import * as encoding from "lib0/encoding";
import { writeSyncStep1 } from "y-protocols/sync";

/** Options of {@link DocumentProvider}: Hocuspocus's, and the origin of updates loaded from this device. */
export type DocumentProviderOptions = HocuspocusProviderConfiguration & {
  /**
   * The transaction origin of updates applied from a local copy (y-indexeddb
   * applies its stored state with itself as the origin). Such an update can be
   * the whole document, so it is never sent as one.
   */
  readonly localOrigin?: unknown;
};

const OPEN = 1; // WebSocket.OPEN

/**
 * A Hocuspocus provider that sends a local change only over an open socket.
 *
 * Stock, every change made while the socket is down becomes one queued
 * message, and the whole queue is sent the moment the socket opens again: 20 s
 * of typing became 773 messages at once, which the server closed as
 * rate-limited (4429). The queue is not needed at all. Every (re)connect
 * starts with the sync protocol's state exchange: the provider sends sync
 * step 1 (its state vector), the server answers with its own, and the
 * provider's sync step 2 carries everything the server lacks, in one message.
 * So a change made before this connection's exchange has started is only
 * counted (it is waiting), not queued; the exchange delivers it, and the
 * server's acknowledgment of that step 2 (durable, on a Tandem server) brings
 * the count to zero. The provider resets its count to one as the exchange
 * starts: that one is the step 2. (A change sent between the socket opening
 * and the exchange starting would be acknowledged after the reset, and bring
 * the count to zero while the step 2 is still on its way.)
 *
 * Updates loaded from this device (`localOrigin`) were never counted by this
 * page and may hold the whole document: instead of sending them, the provider
 * asks for a fresh exchange if the socket is open (one added change until it
 * is acknowledged); if it is not, the next connection's exchange carries them.
 */
export class DocumentProvider extends HocuspocusProvider {
  private readonly localOrigin: unknown;
  /** Whether this connection's state exchange has started: from then on, changes are sent as they happen. */
  private exchanging = false;

  constructor(options: DocumentProviderOptions) {
    super(options);
    this.localOrigin = options.localOrigin;
  }

  private get canSend(): boolean {
    return this.exchanging && this.isAttached && this.configuration.websocketProvider.webSocket?.readyState === OPEN;
  }

  /**
   * Whether the server has acknowledged everything this document holds: the
   * state exchange on the open socket is done and no change is waiting.
   */
  get allAcknowledged(): boolean {
    return this.canSend && this.isSynced && this.unsyncedChanges === 0;
  }

  override startSync(): void {
    super.startSync();
    this.exchanging = true;
  }

  override onClose(): void {
    this.exchanging = false;
    super.onClose();
  }

  override documentUpdateHandler(update: Uint8Array, origin: unknown): void {
    if (origin === this) return;
    if (this.localOrigin !== undefined && origin === this.localOrigin) {
      if (this.canSend) this.exchangeState();
      return;
    }
    if (this.canSend) super.documentUpdateHandler(update, origin);
    else this.incrementUnsyncedChanges();
  }

  /**
   * Sends sync step 1 now. The server answers with sync step 2 and a step 1
   * of its own, which this provider answers with a step 2 holding what the
   * server lacks; the server acknowledges that, so it counts as one change.
   * (The provider's own `forceSync` would reset the count to one and lose
   * changes still in flight.)
   */
  private exchangeState(): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarString(encoder, this.effectiveName);
    encoding.writeVarUint(encoder, MessageType.Sync);
    writeSyncStep1(encoder, this.document);
    this.incrementUnsyncedChanges();
    this.configuration.websocketProvider.send(encoding.toUint8Array(encoder));
  }
}
