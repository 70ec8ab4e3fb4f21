import type { Document, Extension } from "@hocuspocus/server";
import { type DocumentStore, isPersistenceError } from "@tandem/persistence";
import { parseDocumentName } from "@tandem/protocol";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { type ListedMetadata, listedMetadataOf, storedMetadata } from "./metadata.js";
import { searchTextOf, textDigest } from "./search-text.js";

const listedKeys = ["title", "kind", "status", "owner", "contributors", "targetDate", "priority"] as const;

// No contributors and none recorded are the same, so that a document stored before specs had them is not rewritten.
const normal = (value: unknown) => (Array.isArray(value) && value.length === 0 ? null : (value ?? null));

function fingerprint(metadata: Partial<ListedMetadata>): string {
  return JSON.stringify(listedKeys.map((key) => normal(metadata[key])));
}

/**
 * Mirrors each document's title and `meta` (kind, status, owner and the
 * other spec fields, which live in the document, edited live) into the
 * store's metadata, and its body as plain text into the store's search text,
 * so that listing and searching documents needs no document loaded.
 *
 * It runs on Hocuspocus' `onStoreDocument`, which is debounced (2 s, at most
 * 10 s) and flushed when the last person leaves, and writes only what changed:
 * `setMetadata` also moves the document's "last edited" time (the search
 * text does not, and is written once per load, as the store cannot tell
 * what it holds without reading it back). A failed write
 * is logged and counted, and retried at the next change or load, because the
 * document itself (not the mirror) is the source of truth. Throwing instead
 * would keep Hocuspocus from unloading the document, and retry nothing.
 */
export function metadataMirror(store: DocumentStore, metrics: Metrics, logger: Logger): Extension {
  // What the store holds for each live document, as far as this instance knows.
  const mirrored = new WeakMap<Document, string>();
  // A digest of the search text the store holds for each live document.
  const searchable = new WeakMap<Document, string>();

  async function mirror(documentName: string, document: Document): Promise<void> {
    if (parseDocumentName(documentName).isComments) return;
    try {
      // Inside the try too: the metadata is read from what clients wrote.
      const metadata = listedMetadataOf(document);
      if (metadata === null) return;
      const next = fingerprint(metadata);
      if (mirrored.get(document) !== next) {
        await store.setMetadata(documentName, storedMetadata(metadata));
        mirrored.set(document, next);
      }
      const text = searchTextOf(document);
      if (text === null) return;
      const digest = textDigest(text);
      if (searchable.get(document) === digest) return;
      await store.setSearchText(documentName, text);
      searchable.set(document, digest);
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
        // Not `stat`, which counts the log: this read delays every client waiting for the load.
        const metadata = await store.metadata(documentName);
        if (metadata) mirrored.set(document, fingerprint(metadata as Partial<ListedMetadata>));
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
