import { type Extension, OutgoingMessage } from "@hocuspocus/server";
import * as encoding from "lib0/encoding";
import { encodedStateVector, encodedUpdate } from "../documents/encoded-state.js";
import type { Metrics } from "../metrics.js";
import { FramedPayload } from "../protocol/framed-payload.js";
import { isStandIn, MessageType } from "../protocol/frames.js";
import { type ConnectionContext, frameOf } from "../protocol/socket-session.js";

/** y-protocols sync sub-messages. */
const SyncStep1 = 0;
const SyncStep2 = 1;

/**
 * A sync message, its head encoded and its payload kept apart (lib0's
 * encoder would copy a large payload into each of its growing buffers, then
 * once more, and a joiner's answer is the whole document).
 */
function syncMessage(address: string, step: number, payload: Uint8Array): FramedPayload {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, address);
  encoding.writeVarUint(encoder, MessageType.Sync);
  encoding.writeVarUint(encoder, step);
  encoding.writeVarUint(encoder, payload.byteLength);
  return new FramedPayload(encoding.toUint8Array(encoder), payload);
}

// The sync step 2 of the last address that got a shared update: joiners of
// one document share its plain name, so they share the message too.
const framed = new WeakMap<Uint8Array, { readonly address: string; readonly message: FramedPayload }>();

/** The sync step 2 carrying `update` to `address`. */
function stepTwoMessage(address: string, update: Uint8Array): FramedPayload {
  const kept = framed.get(update);
  if (kept?.address === address) return kept.message;
  const message = syncMessage(address, SyncStep2, update);
  framed.set(update, { address, message });
  return message;
}

/**
 * Answers every sync step 1, as Hocuspocus v4 would, from encodings shared
 * among joiners: Hocuspocus encodes the whole document again for each client
 * that joins (`Y.encodeStateAsUpdate` against its empty state vector), so 50
 * clients joining a large document cost 50 full encodings one after another
 * on the event loop. Here a document's state is encoded once per state and
 * state vector (see encoded-state), and so is its state vector.
 *
 * It also acknowledges every sync step 2 that holds nothing (what a joining
 * client sends back), as Hocuspocus would after applying it (a writer) or
 * after finding it in a `Y.snapshot` of the whole document (a read-only
 * connection): an empty update changes nothing and is held by every state,
 * so there is nothing to apply, check or store. The acknowledgment still
 * waits, like any other, for what the document holds to be committed (the
 * durable log holds it).
 *
 * The SocketSession hands Hocuspocus a stand-in for each such frame (see
 * `standIn`) that passes through Hocuspocus's per-connection queue, so this
 * hook runs exactly where Hocuspocus would have answered: after every earlier
 * message of the connection, once it is authenticated and its document
 * loaded. It sends what Hocuspocus sends, in its order: the `beforeSync`
 * hooks run, then, for a step 1, the server's own sync step 1 and then the
 * sync step 2 answer; for a step 2, the acknowledgment. It must be the last
 * `beforeHandleMessage` hook, so that a hook that refuses the message (by
 * throwing) keeps it unanswered.
 */
export function syncAnswers(metrics: Metrics): Extension {
  return {
    extensionName: "tandem-sync-answers",
    // After every other message hook (default priority 100), before the unload watcher's 0.
    priority: 1,

    async beforeHandleMessage({ update: bytes, connection, document, documentName, context, instance }) {
      if (!isStandIn(bytes)) return;
      const frame = frameOf(bytes);
      const payload = frame?.stateVector ?? frame?.update;
      if (frame === undefined || payload === undefined) return;
      await instance.hooks("beforeSync", {
        clientsCount: document.getConnectionsCount(),
        context,
        document,
        documentName,
        connection,
        type: frame.sync === "step1" ? SyncStep1 : SyncStep2,
        payload,
      });
      const address = connection.messageAddress;
      if (frame.stateVector === undefined) {
        connection.send(new OutgoingMessage(address).writeSyncStatus(true).toUint8Array());
        return;
      }
      connection.send(syncMessage(address, SyncStep1, encodedStateVector(document)).joined());
      const answer = encodedUpdate(document, frame.stateVector);
      metrics.syncAnswers.inc({ state: answer.encoded ? "encoded" : "shared" });
      (context as ConnectionContext).session.sendFramed(stepTwoMessage(address, answer.update));
    },
  };
}
