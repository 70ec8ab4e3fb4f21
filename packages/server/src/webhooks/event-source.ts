import type { Extension } from "@hocuspocus/server";
import { parseDocumentName, threadsOf } from "@tandem/protocol";
import type * as Y from "yjs";
import { relayedOrigin } from "../extensions/redis.js";
import { type CommentEvent, commentEvents } from "./comment-events.js";
import { type MetaChange, metaChanges, metaOf } from "./meta-changes.js";
import type { WebhookOutbox } from "./outbox.js";

/** Edits of one document not yet announced by a `document.updated`. */
interface Burst {
  readonly editors: Set<string>;
  updates: number;
  readonly firstAt: Date;
  lastAt: Date;
  timer: NodeJS.Timeout | undefined;
}

// Where a transaction's events wait for the update that carries them (Yjs hands user code `meta` for this).
const COMMENT_EVENTS = Symbol("tandem-webhook-comment-events");
const META_CHANGES = Symbol("tandem-webhook-meta-changes");

/** What a committed update carried, held until it is committed. */
interface Held {
  readonly document: Y.Doc;
  readonly comments: readonly CommentEvent[];
  readonly meta: readonly MetaChange[];
}

/**
 * Who else hears of what the event source finds, once committed (the
 * notifications): the same detection serves webhooks and inboxes.
 */
export interface CommittedListener {
  /** Comment events of a `#comments` document; `document` is its live Y.Doc. */
  comments(documentName: string, events: readonly CommentEvent[], document: Y.Doc, author: string | undefined): void;
  /** A spec's status or owner changed in a content document. */
  metaChanged(documentName: string, changes: readonly MetaChange[], document: Y.Doc, author: string | undefined): void;
  /** A content document's edit by `author` was committed. */
  edited(documentName: string, author: string | undefined): void;
}

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
 * that committed them does. A `listener` hears the same comment events, and
 * the status and owner changes of specs, on the same terms (the notifications).
 */
export function webhookEventSource(
  outbox: WebhookOutbox,
  debounceMs: number,
  listener?: CommittedListener,
): WebhookEventSource {
  const bursts = new Map<string, Burst>();
  const fresh = new Set<string>();
  const heldEvents = new WeakMap<Uint8Array, Held>();
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
    // Restarting the burst's one timer, not a new timer per committed update: a fast writer commits thousands a second.
    if (burst.timer !== undefined) burst.timer.refresh();
    else {
      burst.timer = setTimeout(() => announce(documentName), debounceMs);
      // A pending announcement must not keep the process alive; shutdown flushes it.
      burst.timer.unref();
    }
  }

  function holdOnUpdate(document: Y.Doc): void {
    document.on("update", (update: Uint8Array, _origin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => {
      const comments = (transaction.meta.get(COMMENT_EVENTS) as readonly CommentEvent[] | undefined) ?? [];
      const meta = (transaction.meta.get(META_CHANGES) as readonly MetaChange[] | undefined) ?? [];
      if (comments.length > 0 || meta.length > 0) heldEvents.set(update, { document, comments, meta });
    });
  }

  function watchComments(document: Y.Doc, content: string): void {
    threadsOf(document).observeDeep((events, transaction) => {
      if (transaction.origin === relayedOrigin) return;
      const found = commentEvents(document, content, events);
      if (found.length > 0) transaction.meta.set(COMMENT_EVENTS, found);
    });
    holdOnUpdate(document);
  }

  function watchMeta(document: Y.Doc): void {
    metaOf(document).observe((event, transaction) => {
      if (transaction.origin === relayedOrigin) return;
      const found = metaChanges(event);
      if (found.length > 0) transaction.meta.set(META_CHANGES, found);
    });
    holdOnUpdate(document);
  }

  const extension: Extension = {
    extensionName: "tandem-webhook-events",

    // After the load, so that what was stored before is not announced again.
    async afterLoadDocument({ documentName, document }) {
      const { content, isComments } = parseDocumentName(documentName);
      if (isComments) watchComments(document, content);
      else {
        if (listener !== undefined) watchMeta(document);
        if (document.store.clients.size === 0) fresh.add(documentName);
      }
    },

    async afterUnloadDocument({ documentName }) {
      fresh.delete(documentName);
    },
  };

  return {
    extension,
    committed(documentName, update, author) {
      const { isComments } = parseDocumentName(documentName);
      const held = heldEvents.get(update);
      heldEvents.delete(update);
      if (isComments) {
        for (const event of held?.comments ?? []) void outbox.emit(event.type, event.data as never);
        if (held !== undefined) listener?.comments(documentName, held.comments, held.document, author);
        return;
      }
      if (held !== undefined && held.meta.length > 0)
        listener?.metaChanged(documentName, held.meta, held.document, author);
      listener?.edited(documentName, author);
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
