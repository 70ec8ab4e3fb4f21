import { randomUUID } from "node:crypto";
import {
  type Document,
  type Extension,
  type Hocuspocus,
  IncomingMessage,
  MessageReceiver,
  OutgoingMessage,
  type RedisTransactionOrigin,
} from "@hocuspocus/server";
import type { DocumentStore } from "@tandem/persistence";
import { CloseCodes } from "@tandem/protocol";
import { Redis, type RedisOptions } from "ioredis";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as Y from "yjs";
import { closeAsDeleted } from "../documents/deletions.js";
import { TandemServerError } from "../errors.js";
import type { Logger } from "../logger.js";
import { MessageType } from "../protocol/frames.js";
import type { ConnectionContext } from "../protocol/socket-session.js";

/**
 * The origin of a committed update relayed from another instance: stored
 * there, so not stored again here.
 */
export const relayedOrigin: RedisTransactionOrigin = { source: "redis" };

/**
 * The origin of a relayed update applied while the live document holds
 * content of its own clients pending (it builds on something not yet here).
 * The relayed update may be what that content lacks, and then the
 * transaction integrates it too: what it integrates is stored.
 */
export const relayedOverPendingOrigin: RedisTransactionOrigin = { source: "redis" };

/** y-protocols' sync update sub-message. */
const SyncUpdate = 2;

/** Scale-out over Redis: relays committed updates and presence between instances. */
export interface CommittedRelay {
  readonly extension: Extension;
  /**
   * Publishes an update this instance has committed to the document's log.
   * Called in commit order; a failed publish is logged (the update is durable
   * either way, and instances that missed it load it with the document).
   */
  publishCommitted(documentName: string, update: Uint8Array): void;
  /**
   * Tells the other instances that `documentName` is being deleted: each
   * closes its connections to it with `document-deleted` (4410), as the
   * deleting instance does with its own.
   */
  publishDeleted(documentName: string): void;
  /**
   * Tells the other instances that who may write `documentName` changed (it
   * was archived or unarchived): each calls its `onAccessChanged`.
   */
  publishAccessChanged(documentName: string): void;
}

/** What the relay does for the rest of the server when another instance says so. */
export interface RelayOptions {
  /** Another instance changed who may write `documentName` (see {@link CommittedRelay.publishAccessChanged}). */
  readonly onAccessChanged?: (documentName: string) => void;
}

/** The payload of the stateless message that carries {@link CommittedRelay.publishAccessChanged}. */
const ACCESS_CHANGED = "tandem:access-changed";

/** ioredis options for a `redis://` or `rediss://` URL. */
export function redisOptions(redisUrl: string): RedisOptions {
  const url = new URL(redisUrl);
  const db = url.pathname.slice(1);
  if (db !== "" && !/^\d+$/.test(db))
    throw new TandemServerError("invalid-config", `redisUrl: "${db}" is not a database number`);
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"), // an IPv6 literal comes bracketed
    port: Number(url.port || 6379),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(db !== "" ? { db: Number(db) } : {}),
    ...(url.protocol === "rediss:" ? { tls: {} } : {}),
  };
}

/**
 * Scale-out: every instance subscribes to a Redis channel per loaded
 * document (under `prefix`, so that deployments and test runs sharing one
 * Redis stay apart) and publishes there what it committed, and presence.
 *
 * Why not @hocuspocus/extension-redis: it announces every change of the
 * live document with a state vector, and peers answer with whatever their
 * live document holds beyond it. Tandem delivers an update to its clients
 * before its commit, so a live document holds uncommitted content, and an
 * instance that received some would acknowledge edits built on it that its
 * origin could still lose. Here only committed updates travel, so every
 * instance's live document is its own clients' content (committed or not)
 * plus committed content of others, and an acknowledgment on any instance
 * never depends on another instance's uncommitted edit.
 *
 * A document is subscribed to before the store reads it (this extension's
 * `onLoadDocument` runs first, by priority): an update committed elsewhere
 * after the read is published after the subscription, so it arrives; one
 * committed before is in the read. No instance asks another for its state.
 */
export function redisRelay(
  redisUrl: string,
  prefix: string,
  store: DocumentStore,
  logger: Logger,
  options: RelayOptions = {},
): CommittedRelay {
  const connection = redisOptions(redisUrl);
  const identifier = randomUUID();
  const pub = new Redis({ ...connection, connectionName: `${prefix}-publish` });
  const sub = new Redis({ ...connection, connectionName: `${prefix}-subscribe` });
  let instance: Hocuspocus | undefined;
  // Documents between their subscription and their arrival in instance.documents (while the store reads them).
  const loading = new Map<string, Document>();
  // Awareness changes per document, published once per event-loop turn.
  const awarenessChanges = new Map<string, { document: Document; clients: Set<number> }>();

  const channel = (documentName: string) => `${prefix}:${documentName}`;
  const reportError = (what: string) => (error: unknown) => logger.error({ err: error }, `redis: ${what} failed`);
  for (const client of [pub, sub]) client.on("error", reportError("connection"));

  // A message is the sender's identifier (so that an instance ignores its own), then a Hocuspocus frame.
  const prefixBytes = (() => {
    const encoder = encoding.createEncoder();
    encoding.writeVarString(encoder, identifier);
    return encoding.toUint8Array(encoder);
  })();
  function publish(documentName: string, frame: Uint8Array): void {
    const message = new Uint8Array(prefixBytes.length + frame.length);
    message.set(prefixBytes);
    message.set(frame, prefixBytes.length);
    pub.publish(channel(documentName), Buffer.from(message.buffer)).catch(reportError("publish"));
  }

  function documentNamed(documentName: string): Document | undefined {
    return instance?.documents.get(documentName) ?? loading.get(documentName);
  }

  function receive(data: Buffer): void {
    const decoder = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if (decoding.readVarString(decoder) === identifier) return;
    const frame = decoding.readTailAsUint8Array(decoder);
    const reader = decoding.createDecoder(frame);
    const documentName = decoding.readVarString(reader);
    const document = documentNamed(documentName);
    if (document === undefined) return;
    const type = decoding.readVarUint(reader);
    if (type === MessageType.Close) {
      // The only close an instance publishes; any other reason is not ours to act on.
      if (decoding.readVarString(reader) === CloseCodes.DocumentDeleted.reason) closeAsDeleted(document);
      return;
    }
    if (type === MessageType.Stateless) {
      if (decoding.readVarString(reader) === ACCESS_CHANGED) options.onAccessChanged?.(documentName);
      return;
    }
    if (type === MessageType.Sync) {
      if (decoding.readVarUint(reader) !== SyncUpdate) return;
      const update = decoding.readVarUint8Array(reader);
      const pending = document.store.pendingStructs !== null || document.store.pendingDs !== null;
      Y.applyUpdate(document, update, pending ? relayedOverPendingOrigin : relayedOrigin);
      return;
    }
    // Presence, and a peer asking for it when it loads the document. Nothing
    // else is answered: a sync step 1 would be answered with live content.
    if (type !== MessageType.Awareness && type !== MessageType.QueryAwareness) return;
    // MessageReceiver reads on after the document name, and writes its reply after one.
    const message = new IncomingMessage(frame);
    message.writeVarString(message.readVarString());
    new MessageReceiver(message, relayedOrigin)
      .apply(document, undefined, (reply) => publish(documentName, reply))
      .catch(reportError("applying presence"));
  }

  /**
   * What was published while the subscriber was away is not replayed by
   * Redis. Once it is back, each live document is subscribed to again (the
   * promise settles when Redis confirms) and then re-read from the store: a
   * commit made elsewhere is in that read or arrives on the channel. What the
   * read adds was committed, so it is applied as relayed and not stored again.
   */
  async function catchUp(): Promise<void> {
    for (const [documentName, document] of instance?.documents ?? []) {
      await sub.subscribe(channel(documentName));
      const stored = new Y.Doc();
      await store.load(documentName, stored);
      if (!document.isDestroyed) {
        Y.applyUpdate(document, Y.encodeStateAsUpdate(stored, Y.encodeStateVector(document)), relayedOrigin);
      }
      stored.destroy();
    }
  }
  let subscriberReady = false;
  sub.on("ready", () => {
    if (subscriberReady) catchUp().catch(reportError("catching up after a reconnect"));
    subscriberReady = true;
  });

  sub.on("messageBuffer", (_channel: Buffer, data: Buffer) => {
    try {
      receive(data);
    } catch (error) {
      reportError("applying a relayed message")(error);
    }
  });

  function publishAwareness(documentName: string): void {
    const changed = awarenessChanges.get(documentName);
    awarenessChanges.delete(documentName);
    if (changed === undefined || changed.document.isDestroyed) return;
    try {
      const message = new OutgoingMessage(documentName).createAwarenessUpdateMessage(changed.document.awareness, [
        ...changed.clients,
      ]);
      publish(documentName, message.toUint8Array());
    } catch (error) {
      // Runs from a timer: a throw here would take the process down.
      reportError("publishing presence")(error);
    }
  }

  const extension: Extension = {
    extensionName: "tandem-redis-relay",
    // Above the durable log, so that onLoadDocument subscribes before the store reads.
    priority: 1000,

    async onConfigure({ instance: configured }) {
      instance = configured;
    },

    async onLoadDocument({ documentName, document, context }) {
      loading.set(documentName, document);
      try {
        await sub.subscribe(channel(documentName));
      } catch (error) {
        loading.delete(documentName);
        reportError(`subscribing to ${documentName}`)(error);
        // The client retries with backoff; a permission-denied answer alone would stop it for good.
        (context as Partial<ConnectionContext> | undefined)?.session?.close("StorageUnavailable");
        throw error;
      }
    },

    async afterLoadDocument({ documentName }) {
      loading.delete(documentName);
      publish(documentName, new OutgoingMessage(documentName).writeQueryAwareness().toUint8Array());
    },

    async onAwarenessUpdate({ documentName, document, added, updated, removed, transactionOrigin }) {
      if (transactionOrigin === relayedOrigin) return;
      let changed = awarenessChanges.get(documentName);
      if (changed === undefined || changed.document !== document) {
        changed = { document, clients: new Set() };
        awarenessChanges.set(documentName, changed);
        setImmediate(() => publishAwareness(documentName));
      }
      for (const client of [...added, ...updated, ...removed]) changed.clients.add(client);
    },

    async afterUnloadDocument({ documentName, instance: unloadedFrom }) {
      // A fast reconnect may have loaded it again already.
      if (unloadedFrom.documents.has(documentName) || unloadedFrom.loadingDocuments.has(documentName)) return;
      loading.delete(documentName);
      await sub.unsubscribe(channel(documentName));
    },

    async onDestroy() {
      pub.disconnect(false);
      sub.disconnect(false);
    },
  };

  return {
    extension,
    publishCommitted(documentName, update) {
      const message = new OutgoingMessage(documentName).createSyncMessage().writeUpdate(update);
      publish(documentName, message.toUint8Array());
    },
    publishAccessChanged(documentName) {
      publish(documentName, new OutgoingMessage(documentName).writeStateless(ACCESS_CHANGED).toUint8Array());
    },
    publishDeleted(documentName) {
      const message = new OutgoingMessage(documentName).writeCloseMessage(CloseCodes.DocumentDeleted.reason);
      publish(documentName, message.toUint8Array());
    },
  };
}
