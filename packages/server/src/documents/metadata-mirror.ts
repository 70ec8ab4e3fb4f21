import type { Document, Extension } from "@hocuspocus/server";
import { type DocumentStore, isPersistenceError } from "@tandem/persistence";
import { parseDocumentName } from "@tandem/protocol";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { type ListedMetadata, listedMetadataOf } from "./metadata.js";

function fingerprint(metadata: Partial<ListedMetadata>): string {
  return JSON.stringify([metadata.title ?? "", metadata.kind ?? null, metadata.status ?? null, metadata.owner ?? null]);
}

/**
 * Mirrors each document's title, kind, status and owner (which live in the
 * document, edited live) into the store's metadata, so that listing documents
 * needs no document loaded.
 *
 * It runs on Hocuspocus' `onStoreDocument`, which is debounced (2 s, at most
 * 10 s) and flushed when the last person leaves, and writes only what changed:
 * `setMetadata` also moves the document's "last edited" time. A failed write
 * is logged and counted, and retried at the next change or load, because the
 * document itself (not the mirror) is the source of truth. Throwing instead
 * would keep Hocuspocus from unloading the document, and retry nothing.
 */
export function metadataMirror(store: DocumentStore, metrics: Metrics, logger: Logger): Extension {
  // What the store holds for each live document, as far as this instance knows.
  const mirrored = new WeakMap<Document, string>();

  async function mirror(documentName: string, document: Document): Promise<void> {
    if (parseDocumentName(documentName).isComments) return;
    try {
      // Inside the try too: the metadata is read from what clients wrote.
      const metadata = listedMetadataOf(document);
      if (metadata === null) return;
      const next = fingerprint(metadata);
      if (mirrored.get(document) === next) return;
      await store.setMetadata(documentName, { ...metadata });
      mirrored.set(document, next);
    } catch (error) {
      // A server shutting down closes the store under the last flush; the next load reconciles.
      if (isPersistenceError(error, "closed")) return;
      metrics.errors.inc({ code: "metadata-mirror-failed" });
      logger.error(
        { err: error, document: documentName },
        "could not mirror document metadata; retrying on next change",
      );
    }
  }

  return {
    extensionName: "tandem-document-metadata",

    async afterLoadDocument({ documentName, document }) {
      if (parseDocumentName(documentName).isComments) return;
      // Reconciles a mirror write that was lost (a crash inside the debounce, a failed write).
      try {
        const info = await store.stat(documentName);
        if (info) mirrored.set(document, fingerprint(info.metadata as Partial<ListedMetadata>));
      } catch (error) {
        logger.error({ err: error, document: documentName }, "could not read document metadata");
        return;
      }
      await mirror(documentName, document);
    },

    async onStoreDocument({ documentName, document }) {
      await mirror(documentName, document);
    },
  };
}
