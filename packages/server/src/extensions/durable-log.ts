import type { Extension } from "@hocuspocus/server";
import { type DocumentStore, isPersistenceError } from "@tandem/persistence";
import type { CloseCodeName } from "@tandem/protocol";
import * as Y from "yjs";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { DecodedUpdate } from "../protocol/frames.js";
import { type ConnectionContext, frameOf } from "../protocol/socket-session.js";

function isEmptyUpdate(update: Uint8Array): boolean {
  const { structs, ds } = Y.decodeUpdate(update);
  return structs.length === 0 && ds.clients.size === 0;
}

/**
 * The metric code and close code for an append the store refused: bytes it
 * cannot store are the client's fault (4400); a store whose commit queue is
 * full (`overloaded`: the database is slow) sends the client away to come back
 * later, perhaps to another instance (4503); anything else is a storage
 * failure (4500).
 */
function appendFailure(error: unknown): [string, CloseCodeName] {
  if (isPersistenceError(error, "invalid-update")) return ["invalid-update", "MalformedMessage"];
  if (isPersistenceError(error, "overloaded")) return ["append-overloaded", "ShuttingDown"];
  return ["append-failed", "StorageUnavailable"];
}

/**
 * Whether all of an update is missing from `document`: it holds something
 * (a struct or a deletion), and each of its structs starts at or after what
 * the document holds of that struct's client. Then diffing it against the
 * document's state vector would return all of it (a diff keeps the delete set
 * whole), so a keystroke, which is always such an update, is stored as it
 * came without encoding the state vector and re-encoding the update.
 */
function entirelyMissing({ structs, ds }: DecodedUpdate, document: Y.Doc): boolean {
  if (structs.length === 0 && ds.clients.size === 0) return false;
  return structs.every((struct) => struct.id.clock >= Y.getState(document.store, struct.id.client));
}

/**
 * Acknowledged means durable.
 *
 * Hocuspocus awaits `beforeHandleMessage` before it applies a message and
 * answers with its sync status, so appending there means that a client hears
 * "synced" only for edits that are committed, and that the live document (and
 * so every broadcast, and every state vector the server sends) only ever holds
 * durable content. Hocuspocus's debounced `onStoreDocument` is not used for
 * durability at all.
 *
 * A failed append (after the store's own retries, or refused at once because
 * the store's commit queue is full) closes the connection with 4500 (4503)
 * without applying or acknowledging anything: the client keeps the edit as
 * unsynced and sends it again in its sync step 2 when it reconnects.
 *
 * Updates relayed from other instances through Redis never pass through
 * here (they are applied without a connection), so they are not stored twice:
 * their own instance stored them before applying them.
 */
export function durableLog(store: DocumentStore, metrics: Metrics, logger: Logger): Extension {
  return {
    extensionName: "tandem-durable-log",

    async onLoadDocument({ documentName, document, context }) {
      const started = performance.now();
      try {
        const { logRows } = await store.load(documentName, document);
        logger.debug({ document: documentName, logRows, ms: performance.now() - started }, "document loaded");
      } catch (error) {
        metrics.errors.inc({ code: "load-failed" });
        const session = (context as Partial<ConnectionContext> | undefined)?.session;
        (session?.logger ?? logger).error({ err: error, document: documentName }, "could not load the document");
        // The client retries with backoff; a permission-denied answer alone would stop it for good.
        session?.close("StorageUnavailable");
        throw error;
      }
    },

    async beforeHandleMessage({ update: bytes, connection, document, documentName, context }) {
      const frame = frameOf(bytes);
      // A read-only connection's updates are never applied (see the authentication extension), so never stored.
      if (frame?.update === undefined || connection.readOnly) return;
      // A sync step 2 carries the client's whole state on every (re)connect; it
      // usually adds nothing, and then nothing is stored. Checking costs a pass
      // over the document, as does the sync step 2 the server sends back, so
      // it is done for sync steps only, not per keystroke.
      if (frame.sync === "step2" && Y.snapshotContainsUpdate(Y.snapshot(document), frame.update)) return;
      // Only what the durable live document lacks needs storing.
      const missing =
        frame.decoded && entirelyMissing(frame.decoded, document)
          ? frame.update
          : Y.diffUpdate(frame.update, Y.encodeStateVector(document));
      if (missing !== frame.update && isEmptyUpdate(missing)) return;
      const started = performance.now();
      metrics.appendsInFlight.inc();
      try {
        await store.append(documentName, missing);
      } catch (error) {
        const { session } = context as ConnectionContext;
        const [code, closeWith] = appendFailure(error);
        metrics.errors.inc({ code });
        session.logger.error(
          { err: error, document: documentName },
          "append failed: closing the connection; nothing was applied or acknowledged",
        );
        session.close(closeWith);
        // Rethrown so that Hocuspocus neither applies nor acknowledges the message.
        throw error;
      } finally {
        metrics.appendsInFlight.dec();
      }
      metrics.updatesIn.inc();
      metrics.appendSeconds.observe((performance.now() - started) / 1000);
    },

    async afterUnloadDocument({ documentName }) {
      try {
        const result = await store.compact(documentName);
        logger.debug({ document: documentName, ...result }, "compacted on unload");
      } catch (error) {
        // Not fatal: the log stays loadable, and the next unload or threshold compacts it.
        metrics.errors.inc({ code: "compaction-failed" });
        logger.error({ err: error, document: documentName }, "compaction on unload failed");
      }
    },
  };
}
