import type { Extension } from "@hocuspocus/server";
import { type DocumentStore, isPersistenceError } from "@tandem/persistence";
import { type CloseCodeName, parseDocumentName } from "@tandem/protocol";
import * as Y from "yjs";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { DecodedUpdate, Frame } from "../protocol/frames.js";
import { type ConnectionContext, frameOf, type SocketSession } from "../protocol/socket-session.js";

/** Whether a decoded update holds nothing: no struct and no deletion. */
function holdsNothing({ structs, ds }: DecodedUpdate): boolean {
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
function entirelyMissing(decoded: DecodedUpdate, document: Y.Doc): boolean {
  if (holdsNothing(decoded)) return false;
  return decoded.structs.every((struct) => struct.id.clock >= Y.getState(document.store, struct.id.client));
}

/** How an append ended: `stored`, or failed with `error` (already logged and counted, its connection closed). */
type AppendOutcome = { readonly stored: true } | { readonly stored: false; readonly error: unknown };

const stored: AppendOutcome = { stored: true };

/** The durable log: a Hocuspocus extension, and the socket-side start of keystroke appends. */
export interface DurableLog {
  readonly extension: Extension;
  /**
   * Starts storing a keystroke the moment its frame arrives at the socket,
   * before Hocuspocus queues it. Hocuspocus handles one connection's messages
   * one at a time, awaiting `beforeHandleMessage` for each, so if each append
   * started there, a client's burst of keystrokes would cost one commit after
   * another. Started here, the burst joins one group commit, and each
   * message's hook only awaits its own append.
   *
   * Only sync updates (what typing sends) to a content document that this
   * socket was authenticated to write qualify: they are authorised already,
   * and a keystroke is new content, so it is stored as it came. Sync steps go
   * through the hook, which stores only what the live document lacks, and so
   * does the `#comments` document, whose ownership check must see the live
   * document before anything is stored. An update stored early whose message
   * is then never handled (its socket closed first) was authorised and is
   * valid; it is simply applied at the next load, as Yjs updates are
   * idempotent.
   */
  appendEarly(bytes: Uint8Array, frame: Frame, session: SocketSession): void;
}

// Appends started by appendEarly, keyed by the frame's bytes, which
// Hocuspocus hands to beforeHandleMessage; entries go away with the frame.
const earlyAppends = new WeakMap<Uint8Array, Promise<AppendOutcome>>();

/**
 * Acknowledged means durable.
 *
 * Hocuspocus awaits `beforeHandleMessage` before it applies a message and
 * answers with its sync status, so awaiting the append there means that a
 * client hears "synced" only for edits that are committed, and that the live
 * document (and so every broadcast, and every state vector the server sends)
 * only ever holds durable content. Hocuspocus's debounced `onStoreDocument` is
 * not used for durability at all.
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
export function durableLog(store: DocumentStore, metrics: Metrics, logger: Logger): DurableLog {
  async function append(
    session: SocketSession,
    documentName: string,
    update: Uint8Array,
    author: string | undefined,
  ): Promise<AppendOutcome> {
    const started = performance.now();
    metrics.appendsInFlight.inc();
    try {
      // The author is stored in the same row: who wrote an edit commits with the edit (docs/history.md).
      await store.append(documentName, update, author === undefined ? {} : { author });
    } catch (error) {
      const [code, closeWith] = appendFailure(error);
      metrics.errors.inc({ code });
      session.logger.error(
        { err: error, document: documentName },
        "append failed: closing the connection; nothing was applied or acknowledged",
      );
      session.close(closeWith);
      return { stored: false, error };
    } finally {
      metrics.appendsInFlight.dec();
    }
    metrics.updatesIn.inc();
    metrics.appendSeconds.observe((performance.now() - started) / 1000);
    return stored;
  }

  /** Appends what of a frame's update the durable live document lacks, if anything. */
  function appendMissing(
    session: SocketSession,
    documentName: string,
    frame: Frame,
    document: Y.Doc,
    author: string | undefined,
  ) {
    const { update } = frame;
    if (update === undefined) return stored;
    // A sync step 2 carries the client's whole state on every (re)connect; it
    // usually adds nothing, and then nothing is stored. Checking costs a pass
    // over the document, as does the sync step 2 the server sends back, so
    // it is done for sync steps only, not per keystroke.
    if (frame.sync === "step2" && Y.snapshotContainsUpdate(Y.snapshot(document), update)) return stored;
    const missing =
      frame.decoded && entirelyMissing(frame.decoded, document)
        ? update
        : Y.diffUpdate(update, Y.encodeStateVector(document));
    if (missing !== update && holdsNothing(Y.decodeUpdate(missing))) return stored;
    return append(session, documentName, missing, author);
  }

  const extension: Extension = {
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
      const { session, identity } = context as ConnectionContext;
      const outcome = await (earlyAppends.get(bytes) ??
        appendMissing(session, documentName, frame, document, identity?.id));
      // Rethrown so that Hocuspocus neither applies nor acknowledges the message.
      if (!outcome.stored) throw outcome.error;
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

  return {
    extension,
    appendEarly(bytes, frame, session) {
      if (frame.sync !== "update" || frame.update === undefined || !session.canWrite(frame.documentName)) return;
      if (parseDocumentName(frame.documentName).isComments) return;
      earlyAppends.set(bytes, append(session, frame.documentName, frame.update, session.writerOf(frame.documentName)));
    },
  };
}
