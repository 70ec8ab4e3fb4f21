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
 *
 * A load's reconciliation (see `afterLoadDocument`) is started, not awaited:
 * Hocuspocus answers none of a loading document's clients until every
 * `afterLoadDocument` hook has returned, and this one reads the store, may
 * write it twice and turns the whole body into text. The mirror's work on a
 * document runs one call after another, so that a store cannot overtake the
 * load's reconciliation, nor an earlier store still writing; a document
 * unloads only once they are done.
 */
export function metadataMirror(store: DocumentStore, metrics: Metrics, logger: Logger): Extension {
  // What the store holds for each live document, as far as this instance knows.
  const mirrored = new WeakMap<Document, string>();
  // A digest of the search text the store holds for each live document.
  const searchable = new WeakMap<Document, string>();
  // The last of each live document's mirror calls, which the next one waits for.
  const queued = new WeakMap<Document, Promise<void>>();

  /** Runs `work` once the document's earlier mirror calls are done (none of them rejects). */
  function serially(document: Document, work: () => Promise<void>): Promise<void> {
    const next = (queued.get(document) ?? Promise.resolve()).then(work);
    queued.set(document, next);
    return next;
  }

  function failed(documentName: string, error: unknown): void {
    // A server shutting down closes the store under the last flush; the next load reconciles.
    if (isPersistenceError(error, "closed")) return;
    metrics.errors.inc({ code: "metadata-mirror-failed" });
    logger.error({ err: error, document: documentName }, "could not mirror document metadata; retrying on next change");
  }

  /** The document's listed metadata as it is now; undefined (reported) when it cannot be read from what clients wrote. */
  function listed(documentName: string, document: Document): ListedMetadata | null | undefined {
    try {
      return listedMetadataOf(document);
    } catch (error) {
      failed(documentName, error);
      return undefined;
    }
  }

  /** Writes `metadata` (the document's, when the mirror was called) and the body's text, if they changed. */
  async function mirror(documentName: string, document: Document, metadata: ListedMetadata | null): Promise<void> {
    if (metadata === null) return;
    try {
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
      failed(documentName, error);
    }
  }

  /** Repairs a mirror write that was lost (a crash inside the debounce, a failed write), and writes the search text. */
  async function reconcile(documentName: string, document: Document, metadata: ListedMetadata | null): Promise<void> {
    try {
      // Not `stat`, which counts the log.
      const stored = await store.metadata(documentName);
      if (stored) mirrored.set(document, fingerprint(stored as Partial<ListedMetadata>));
    } catch (error) {
      // A server shutting down closes the store under a load's reconciliation; the next load does it.
      if (isPersistenceError(error, "closed")) return;
      logger.error({ err: error, document: documentName }, "could not read document metadata");
      return;
    }
    await mirror(documentName, document, metadata);
  }

  return {
    extensionName: "tandem-document-metadata",

    async afterLoadDocument({ documentName, document }) {
      if (parseDocumentName(documentName).isComments) return;
      // Read as loaded: the hooks after this one may add root types that a
      // document without metadata lacks (the webhooks' watch of `meta`).
      const metadata = listed(documentName, document);
      if (metadata === undefined) return;
      // Not awaited: the document's clients are answered meanwhile (see above).
      void serially(document, () => reconcile(documentName, document, metadata));
    },

    // Deleting a document, and shutting down, wait for its unload: a mirror
    // write after that would list a deleted document again, or meet a closed store.
    async beforeUnloadDocument({ document }) {
      await queued.get(document);
    },

    async onStoreDocument({ documentName, document }) {
      if (parseDocumentName(documentName).isComments) return;
      await serially(document, async () => {
        const metadata = listed(documentName, document);
        if (metadata !== undefined) await mirror(documentName, document, metadata);
      });
    },
  };
}
