import type { Extension } from "@hocuspocus/server";
import type { DocumentStore } from "@tandem/persistence";
import * as Y from "yjs";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { ConnectionContext } from "../socket-session.js";
import { frameOf } from "../socket-session.js";

/**
 * Acknowledged means durable. Hocuspocus awaits `beforeHandleMessage` before
 * it applies a message and answers with its sync status, so appending here
 * means a client hears "synced" only for edits that are committed. A failed
 * append closes the connection (4500) without applying or acknowledging; the
 * client keeps the edit as unsynced and sends it again when it reconnects.
 */
export function durableLog(store: DocumentStore, metrics: Metrics, logger: Logger): Extension {
  return {
    extensionName: "tandem-durable-log",

    async onLoadDocument({ documentName, document }) {
      const started = performance.now();
      const { logRows } = await store.load(documentName, document);
      logger.debug({ document: documentName, logRows, ms: performance.now() - started }, "document loaded");
    },

    async beforeHandleMessage({ update: frameBytes, connection, document, documentName, context }) {
      const frame = frameOf(frameBytes);
      if (frame?.update === undefined || connection.readOnly) return;
      // A sync step 2 carries the client's whole state on every (re)connect;
      // only what the server lacks needs storing.
      const missing = Y.diffUpdate(frame.update, Y.encodeStateVector(document));
      if (isEmptyUpdate(missing)) return;
      const started = performance.now();
      try {
        await store.append(documentName, missing);
      } catch (error) {
        metrics.errors.inc({ code: "storage-unavailable" });
        (context as ConnectionContext).session.logger.error(
          { err: error, document: documentName },
          "append failed; closing the connection so the client resends",
        );
        (context as ConnectionContext).session.close("StorageUnavailable");
        throw error;
      }
      metrics.updatesIn.inc();
      metrics.appendSeconds.observe((performance.now() - started) / 1000);
    },

    async afterUnloadDocument({ documentName }) {
      try {
        const result = await store.compact(documentName);
        logger.debug({ document: documentName, ...result }, "compacted on unload");
      } catch (error) {
        metrics.errors.inc({ code: "compaction-failed" });
        logger.error({ err: error, document: documentName }, "compaction on unload failed; the log stays loadable");
      }
    },
  };
}

function isEmptyUpdate(update: Uint8Array): boolean {
  const { structs, ds } = Y.decodeUpdate(update);
  return structs.length === 0 && ds.clients.size === 0;
}
