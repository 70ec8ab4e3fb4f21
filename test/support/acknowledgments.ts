import * as decoding from "lib0/decoding";
import * as Y from "yjs";
import type { Client } from "./server-harness.js";

/** Hocuspocus's SyncStatus message type: the server's acknowledgment (1) or refusal (0) of one update. */
const SyncStatus = 8;

/** What a client typed, and which of it the server acknowledged. */
export interface AcknowledgmentTracker {
  /** The client's own updates so far, each its own message, in the order sent. */
  readonly sent: readonly Uint8Array[];
  /** Its own updates the server acknowledged: the first ones sent (one acknowledgment per update, in order). */
  acknowledged(): Uint8Array[];
  /** Called with the index of each update as its acknowledgment arrives, before the provider handles it. */
  onAcknowledged(listener: (index: number) => void): void;
}

/**
 * Tracks a client that is synced and has no unsynced changes: from here on,
 * each update it sends is one message (the provider does not batch by
 * default) and each positive SyncStatus acknowledges the oldest one not yet
 * acknowledged. Valid until the client reconnects.
 */
export function trackAcknowledgments(client: Client): AcknowledgmentTracker {
  const sent: Uint8Array[] = [];
  let acknowledged = 0;
  const listeners: ((index: number) => void)[] = [];
  client.doc.on("update", (update: Uint8Array, origin: unknown) => {
    if (origin !== client.provider) sent.push(update);
  });
  client.provider.on("message", ({ event }: { event: MessageEvent }) => {
    // A decoder of its own: the provider hands every listener one shared decoder.
    const decoder = decoding.createDecoder(new Uint8Array(event.data as ArrayBuffer));
    decoding.readVarString(decoder);
    if (decoding.readVarUint(decoder) !== SyncStatus || decoding.readVarUint(decoder) !== 1) return;
    const index = acknowledged++;
    for (const listener of listeners) listener(index);
  });
  return {
    sent,
    acknowledged: () => sent.slice(0, acknowledged),
    onAcknowledged: (listener) => listeners.push(listener),
  };
}

/** Whether `doc` holds everything `updates` hold (merged). */
export function containsAll(doc: Y.Doc, updates: readonly Uint8Array[]): boolean {
  if (updates.length === 0) return true;
  return Y.snapshotContainsUpdate(Y.snapshot(doc), Y.mergeUpdates([...updates]));
}
