import { type Document, type Extension, isTransactionOrigin } from "@hocuspocus/server";
import { type DocumentStore, isPersistenceError } from "@tandem/persistence";
import type { CloseCodeName } from "@tandem/protocol";
import { shareLoadedState } from "../documents/encoded-state.js";
import { onUpdateFirst } from "../documents/first-update-listener.js";
import { withoutUpdateEvents } from "../documents/quiet-load.js";
import { TandemServerError } from "../errors.js";
import type { LiveDocuments } from "../live-documents.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { Frame } from "../protocol/frames.js";
import { type ConnectionContext, frameOf, type SocketSession } from "../protocol/socket-session.js";
import { AcknowledgmentLedger, isIntegrated } from "./acknowledgments.js";
import { relayedOrigin } from "./redis.js";

/**
 * The most bytes of updates one connection may have waiting, per document,
 * for content they build on. A provider that reconnects with offline edits
 * sends what the user types meanwhile before its sync step 2 carries what
 * that builds on, so a little must wait; a connection past this sends what
 * will never apply (a clock gap, fuzzed structs) and is closed with 4400.
 */
const MAX_WAITING_BYTES = 256 * 1024;

/**
 * The most bytes of content a live document may hold pending (Yjs keeps what
 * cannot integrate yet in memory, merged), from all connections together:
 * past it, the connection that went over is closed and the pending content
 * dropped. Nothing pending was stored or acknowledged, and a client whose
 * update waited sends it again with what it builds on in its sync step 2.
 */
const MAX_PENDING_BYTES = 1024 * 1024;

function pendingBytes(document: Document): number {
  const { pendingStructs, pendingDs } = document.store;
  return (pendingStructs?.update.length ?? 0) + (pendingDs?.length ?? 0);
}

/**
 * The metric code and close code for an append the store refused: a store
 * whose commit queue is full (`overloaded`: the database is slow) sends the
 * clients away to come back later, perhaps to another instance (4503);
 * anything else is a storage failure (4500).
 */
function appendFailure(error: unknown): [string, CloseCodeName] {
  if (isPersistenceError(error, "overloaded")) return ["append-overloaded", "ShuttingDown"];
  return ["append-failed", "StorageUnavailable"];
}

/**
 * The context of a Hocuspocus direct connection that edits a live document
 * on someone's behalf (history's restore and revert, an accepted
 * suggestion): what its transactions integrate is stored with `author` as
 * its author, and `acceptedBy` as who accepted it.
 */
export interface AuthoredEditContext {
  /** The user id the edit is made for. */
  readonly author: string;
  /** For an accepted suggestion the server checked and made: who accepted it (`author` proposed it). */
  readonly acceptedBy?: string;
}

/** Who a stored update is credited to. */
interface Credit {
  readonly author?: string;
  readonly acceptedBy?: string;
}

/**
 * Who made what a transaction on a live document integrated: the user whose
 * token opened the connection it came from (only writers' updates are
 * applied), whether it was a keystroke or a sync step 2 carrying what a
 * client typed offline; or the person a direct connection edits for (with
 * who accepted it, for an accepted suggestion). Unknown for anything else,
 * such as this instance's pending content that a relayed update let
 * integrate.
 */
function creditOf(origin: unknown): Credit {
  if (!isTransactionOrigin(origin)) return {};
  if (origin.source === "connection") {
    const author = (origin.connection.context as Partial<ConnectionContext>).identity?.id;
    return author === undefined ? {} : { author };
  }
  if (origin.source !== "local") return {};
  const { author, acceptedBy } = (origin.context ?? {}) as Partial<AuthoredEditContext>;
  if (author === undefined) return {};
  return acceptedBy === undefined ? { author } : { author, acceptedBy };
}

/** The durable log: a Hocuspocus extension, and the gate every acknowledgment passes. */
export interface DurableLog {
  readonly extension: Extension;
  /**
   * Resolves once everything `document` (a live document) holds now is
   * committed; rejects with the store's error if the document is reset
   * first, when what it held may be lost. An edit made on the server (a
   * restore) awaits this before it is reported done, as a client's edit
   * awaits its acknowledgment.
   */
  committed(document: Document): Promise<void>;
  /**
   * Called by the socket with each acknowledgment (a positive SyncStatus) it
   * is about to send to `address` (a document name, perhaps followed by `\0`
   * and a session id): `send` runs once everything the document held when it
   * was called is committed, or never (the document was reset, see
   * {@link durableLog}).
   */
  acknowledge(session: SocketSession, address: string, send: () => void): void;
}

/** Settings of {@link durableLog}. */
export interface DurableLogOptions {
  readonly store: DocumentStore;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /**
   * Called with each committed update and its author, in commit order
   * (scale-out relays it to other instances; webhooks find events in it).
   */
  readonly onCommitted?: (documentName: string, update: Uint8Array, author: string | undefined) => void;
}

/**
 * Deliver before commit, acknowledge after. See docs/persistence.md ("The
 * path of an edit") for the design and why it is safe.
 *
 * What a live document integrates is stored: its `update` event (which Yjs
 * encodes once for Hocuspocus's broadcast anyway) holds exactly what a
 * transaction added, so a sync step 2 stores only what the server lacked, an
 * update that cannot integrate yet stores nothing, and nothing is decoded
 * again on the way to the store. Each append carries its author, from the
 * transaction's origin (see {@link creditOf}), in the same row
 * (docs/history.md). The append starts in that event, before
 * Hocuspocus broadcasts the update or sends its acknowledgment, so the
 * acknowledgment, held by the socket until the document's durable watermark
 * passes it, waits for this append and every one started before it.
 *
 * When an append fails, the live document holds content the log lacks, and
 * may already have sent it to others, who may have typed on top of it. The
 * document is reset at once: its held acknowledgments are dropped, its
 * connections closed with 4500 (4503 when the store refused the append for
 * a full commit queue), and it is dropped, to be loaded from the log by the
 * next connection. Every client that held the lost content (its author, and
 * everyone it reached) sends it again in its sync step 2 when it reconnects.
 *
 * Updates relayed from other instances (committed there) are not stored,
 * except what their transaction integrates of this instance's own pending
 * content. Read-only connections' updates are never applied, so never
 * stored; their acknowledgments (a sync step 2 the document already holds)
 * wait like any other, since the document may hold uncommitted content.
 */
export function durableLog({ store, metrics, logger, onCommitted }: DurableLogOptions): DurableLog {
  let documents: LiveDocuments | undefined;
  const ledgers = new WeakMap<Document, AcknowledgmentLedger>();
  // The update each connection (socket and address) is handling: Hocuspocus
  // handles one message per connection at a time and answers each sync step 2
  // or update from a writer with one acknowledgment, right after applying it.
  // A socket's map goes once its acknowledgments are all sent: kept, every
  // idle writer's socket would hold an empty map (about 200 bytes) for its life.
  const handling = new WeakMap<SocketSession, Map<string, Frame>>();

  function reset(documentName: string, document: Document, error: unknown): void {
    const ledger = ledgers.get(document);
    if (ledger === undefined || documents?.isDropped(document)) return;
    ledger.discard(error);
    const [code, closeWith] = appendFailure(error);
    metrics.errors.inc({ code });
    logger.error(
      { err: error, document: documentName, connections: document.getConnectionsCount() },
      "append failed: resetting the document; nothing more is acknowledged, its clients resend what the log lacks",
    );
    for (const connection of document.getConnections())
      (connection.context as ConnectionContext).session.close(closeWith);
    documents?.dropDocument(document);
  }

  function appendIntegrated(
    documentName: string,
    document: Document,
    ledger: AcknowledgmentLedger,
    update: Uint8Array,
    credit: Credit,
  ) {
    const append = ledger.begin();
    const started = performance.now();
    metrics.appendsInFlight.inc();
    store.append(documentName, update, { encodedByYjs: true, ...credit }).then(
      () => {
        metrics.appendsInFlight.dec();
        metrics.updatesIn.inc();
        metrics.appendSeconds.observe((performance.now() - started) / 1000);
        ledger.committed(append);
        onCommitted?.(documentName, update, credit.author);
      },
      (error: unknown) => {
        metrics.appendsInFlight.dec();
        reset(documentName, document, error);
      },
    );
  }

  const extension: Extension = {
    extensionName: "tandem-durable-log",

    async onConfigure({ instance }) {
      documents = instance as LiveDocuments;
    },

    async onLoadDocument({ documentName, document, context }) {
      const started = performance.now();
      try {
        const { logRows, state } = await withoutUpdateEvents(document, () => store.load(documentName, document));
        if (state !== undefined) shareLoadedState(document, state);
        logger.debug({ document: documentName, logRows, ms: performance.now() - started }, "document loaded");
      } catch (error) {
        metrics.errors.inc({ code: "load-failed" });
        const session = (context as Partial<ConnectionContext> | undefined)?.session;
        (session?.logger ?? logger).error({ err: error, document: documentName }, "could not load the document");
        // The client retries with backoff; a permission-denied answer alone would stop it for good.
        session?.close("StorageUnavailable");
        throw error;
      }
      const ledger = new AcknowledgmentLedger();
      ledgers.set(document, ledger);
      // Ahead of Hocuspocus' own listener, which gathers the update for its broadcast at the end of the turn: the
      // group commit's batch for this turn then starts first, and Postgres commits while the server sends the update
      // to everyone, instead of after. One document, 50 writers, 250 updates/s: acknowledgment p99 lower in 9 of 10
      // alternating runs (median 4.46 ms against 4.84), delivery no later (bench/src/report/analysis.md).
      onUpdateFirst(document, (update, origin) => {
        // Committed on the instance it came from; a reset document stores nothing more.
        if (origin === relayedOrigin || documents?.isDropped(document)) return;
        appendIntegrated(documentName, document, ledger, update, creditOf(origin));
        ledger.integrated(document);
      });
    },

    async beforeHandleMessage({ update: bytes, connection, context }) {
      const { session } = context as ConnectionContext;
      // Hocuspocus goes on handling what a connection had queued after it
      // closed: a connection closed for sending what cannot apply (or by a
      // reset) would go on filling the live document. Thrown, the queue is dropped.
      if (session.isClosed) throw new TandemServerError("closed", "the connection is closed");
      const frame = frameOf(bytes);
      if (frame?.update === undefined || connection.readOnly) return;
      let frames = handling.get(session);
      if (frames === undefined) {
        frames = new Map();
        handling.set(session, frames);
      }
      frames.set(connection.messageAddress, frame);
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
    committed(document) {
      const ledger = ledgers.get(document);
      if (ledger === undefined) {
        return Promise.reject(new TandemServerError("storage-failed", `${document.name} is not a live document`));
      }
      return ledger.whenCommitted();
    },
    acknowledge(session, address, send) {
      const frames = handling.get(session);
      const frame = frames?.get(address);
      if (frames?.delete(address) && frames.size === 0) handling.delete(session);
      const separator = address.indexOf("\0");
      const documentName = separator === -1 ? address : address.slice(0, separator);
      const document = documents?.documents.get(documentName);
      // Never acknowledge for a document that is not live here: a reset one's connections are closing.
      const ledger = document && ledgers.get(document);
      if (document === undefined || ledger === undefined) return;
      if (frame?.decoded === undefined || frame.update === undefined || isIntegrated(frame.decoded, document)) {
        ledger.hold(send);
        return;
      }
      const waiting = ledger.holdUntilIntegrated(session, frame.decoded, frame.update.length, send);
      const pending = pendingBytes(document);
      if (waiting > MAX_WAITING_BYTES || pending > MAX_PENDING_BYTES) {
        metrics.errors.inc({ code: "unapplicable-update" });
        session.logger.warn(
          { document: documentName, waitingBytes: waiting, pendingBytes: pending },
          "updates that do not apply: closing the connection; none of them was stored",
        );
        session.close("MalformedMessage");
        if (pending > MAX_PENDING_BYTES) {
          document.store.pendingStructs = null;
          document.store.pendingDs = null;
        }
      }
    },
  };
}
