import type { Extension } from "@hocuspocus/server";
import { parseDocumentName, threadsOf } from "@tandem/protocol";
import type * as Y from "yjs";
import { relayedOrigin } from "../extensions/redis.js";
import { type CommentEvent, commentEvents } from "./comment-events.js";
import type { WebhookOutbox } from "./outbox.js";

/** Edits of one document not yet announced by a `document.updated`. */
interface Burst {
  readonly editors: Set<string>;
  updates: number;
  readonly firstAt: Date;
  lastAt: Date;
  timer: NodeJS.Timeout | undefined;
}

// Where a comments transaction's events wait for the update that carries them (Yjs hands user code `meta` for this).
const COMMENT_EVENTS = Symbol("tandem-webhook-comment-events");

/** Events found in live documents, queued once the updates that carry them are committed. */
export interface WebhookEventSource {
  readonly extension: Extension;
  /** The durable log's `onCommitted`: `update` (of a live document here) is committed. */
  committed(documentName: string, update: Uint8Array, author: string | undefined): void;
  /** Drops a document's pending `document.updated` (it was deleted). */
  forget(documentName: string): void;
  /** Announces every pending burst now: the server is shutting down. */
  flush(): void;
}

/**
 * Turns what the durable log commits into webhook events:
 *
 * - `document.updated`, debounced: once a content document's committed
 *   edits pause for `debounceMs`, one event names everyone whose edits it
 *   covers; a burst that never pauses is announced every ten quiet periods.
 *   Bursts live in memory: a server killed during the quiet period does not
 *   announce its last one (a graceful shutdown does, see {@link flush}).
 * - `document.created`, for a document that had nothing stored when it was
 *   loaded, at its first committed edit (documents made through the API are
 *   announced by the API).
 * - `comment.created`, `comment.resolved`, `mention.created`: read from the
 *   transactions of a live `#comments` document (see `commentEvents`) when
 *   they integrate, held on the update they produce, and queued when that
 *   update is committed: an update that is never committed (its append
 *   failed) announces nothing.
 *
 * Updates relayed from other instances announce nothing here: the instance
 * that committed them does.
 */
export function webhookEventSource(outbox: WebhookOutbox, debounceMs: number): WebhookEventSource {
  const bursts = new Map<string, Burst>();
  const fresh = new Set<string>();
  const heldEvents = new WeakMap<Uint8Array, readonly CommentEvent[]>();
  const maxBurstMs = debounceMs * 10;

  function announce(documentName: string): void {
    const burst = bursts.get(documentName);
    if (burst === undefined) return;
    clearTimeout(burst.timer);
    bursts.delete(documentName);
    void outbox.emit("document.updated", {
      document: documentName,
      editors: [...burst.editors].sort(),
      updates: burst.updates,
      firstEditAt: burst.firstAt.toISOString(),
      lastEditAt: burst.lastAt.toISOString(),
    });
  }

  function edited(documentName: string, author: string | undefined): void {
    const now = new Date();
    const burst = bursts.get(documentName) ?? {
      editors: new Set<string>(),
      updates: 0,
      firstAt: now,
      lastAt: now,
      timer: undefined,
    };
    bursts.set(documentName, burst);
    if (author !== undefined) burst.editors.add(author);
    burst.updates++;
    burst.lastAt = now;
    if (now.getTime() - burst.firstAt.getTime() >= maxBurstMs) {
      announce(documentName);
      return;
    }
    clearTimeout(burst.timer);
    burst.timer = setTimeout(() => announce(documentName), debounceMs);
    // A pending announcement must not keep the process alive; shutdown flushes it.
    burst.timer.unref();
  }

  function watchComments(document: Y.Doc, content: string): void {
    threadsOf(document).observeDeep((events, transaction) => {
      if (transaction.origin === relayedOrigin) return;
      const found = commentEvents(document, content, events);
      if (found.length > 0) transaction.meta.set(COMMENT_EVENTS, found);
    });
    document.on("update", (update: Uint8Array, _origin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => {
      const found = transaction.meta.get(COMMENT_EVENTS) as readonly CommentEvent[] | undefined;
      if (found !== undefined) heldEvents.set(update, found);
    });
  }

  const extension: Extension = {
    extensionName: "tandem-webhook-events",

    // After the load, so that what was stored before is not announced again.
    async afterLoadDocument({ documentName, document }) {
      const { content, isComments } = parseDocumentName(documentName);
      if (isComments) watchComments(document, content);
      else if (document.store.clients.size === 0) fresh.add(documentName);
    },

    async afterUnloadDocument({ documentName }) {
      fresh.delete(documentName);
    },
  };

  return {
    extension,
    committed(documentName, update, author) {
      const { isComments } = parseDocumentName(documentName);
      if (isComments) {
        const found = heldEvents.get(update);
        heldEvents.delete(update);
        for (const event of found ?? []) void outbox.emit(event.type, event.data as never);
        return;
      }
      if (fresh.delete(documentName)) {
        void outbox.emit("document.created", { document: documentName, createdBy: author ?? null, title: null });
      }
      edited(documentName, author);
    },
    forget(documentName) {
      clearTimeout(bursts.get(documentName)?.timer);
      bursts.delete(documentName);
    },
    flush() {
      for (const documentName of [...bursts.keys()]) announce(documentName);
    },
  };
}
