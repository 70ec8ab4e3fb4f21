import type { Connection, Document, Extension } from "@hocuspocus/server";
import * as encoding from "lib0/encoding";
import { type Identity, presentUserOf } from "../auth/identity.js";
import type { AwarenessEntry } from "../protocol/frames.js";
import type { ConnectionContext, SocketSession } from "../protocol/socket-session.js";
import { frameOf } from "../protocol/socket-session.js";

/**
 * Awareness client ids one connection may hold. A provider uses one (its
 * Y.Doc's client id; a second only if Yjs changes it); the cap stops one
 * frame from filling everybody's presence list with thousands of entries.
 */
export const MAX_AWARENESS_CLIENTS_PER_CONNECTION = 4;

/**
 * Presence identity, stamped by the server: every awareness state a
 * connection publishes gets `user = { id, name, color }` from its token
 * (plus `program: true` when the token is a program's, see `presentUserOf`),
 * whatever the client wrote there, and a connection may only publish states
 * for awareness client ids that no other connection of the document holds —
 * so nobody can appear as someone else, or move someone else's cursor.
 *
 * Ownership lives in Hocuspocus's own per-connection client sets
 * (`document.getClients(connection)`), which Hocuspocus clears, and whose
 * states it removes, when the connection closes. Hocuspocus itself only adds
 * ids it sees for the first time, so a client that reconnects to a document
 * still loaded would otherwise hold no ids (and leave a ghost behind when it
 * goes); the hook adds them itself.
 *
 * Finding who else holds an id must not cost a look at every connection: at
 * 1,000 clients moving their cursors once a second that was a million checks
 * a second. A per-document index from client id to the connection that holds
 * it answers instead; every id enters a client set through this hook, which
 * records it there, and a connection's entries go when it closes. The index
 * only points: an owner counts only while its live client set still has the
 * id, so an entry left behind can never refuse anybody.
 *
 * A client's own awareness frames take a short way ({@link Presence.publish}):
 * checked and stamped here, then applied to the document's awareness, which
 * broadcasts them. Hocuspocus' way decodes each frame into a scratch Y.Doc
 * and Awareness (a random guid, maps, an interval timer) and runs every
 * extension's message and awareness hooks on it: with 1,000 people moving
 * their cursors once a second, most of the server's work. Frames of a
 * connection Hocuspocus has not yet established, and every frame when the
 * host's extensions hook into messages or awareness, go Hocuspocus' way and
 * get the same checks in `beforeHandleAwareness`. The short way does not
 * queue behind a sync message of the same connection that Hocuspocus is
 * still applying: a cursor may then reach the others a moment before the
 * text it points into, which their editors resolve when the text arrives,
 * as they do for any cursor whose text they lack.
 *
 * States relayed from other instances through Redis were stamped by the
 * instance their client is connected to and pass through untouched.
 */
/** The presence extension, and the short way for a client's own awareness frames. */
export interface Presence {
  readonly extension: Extension;
  /**
   * Checks, stamps and applies `awareness` (an awareness frame's states) from
   * the connection of `session` at `address` (a document name, perhaps
   * followed by `\0` and a session id). False when no established connection
   * is there: the frame then goes Hocuspocus' way.
   */
  publish(session: SocketSession, address: string, awareness: ReadonlyMap<number, AwarenessEntry>): boolean;
}

export function presenceIdentity(): Presence {
  // The awareness states in the frame a connection is handling right now.
  // Hocuspocus handles one frame per connection at a time and awaits
  // beforeHandleMessage before it applies the frame, so the ids recorded here
  // are those of the frame that beforeHandleAwareness then sees.
  const inFlight = new WeakMap<Connection, ReadonlyMap<number, AwarenessEntry>>();
  // Per document: which connection holds each awareness client id (see above).
  const owners = new WeakMap<Document, Map<number, Connection>>();
  // Connections whose close already clears their entries.
  const indexed = new WeakSet<Connection>();
  // Per socket: its established connections, by message address (the short way's lookup).
  const established = new WeakMap<SocketSession, Map<string, Connection>>();

  /** Whether a connection other than `connection` holds `clientId` now. */
  const heldByOther = (
    document: Document,
    index: Map<number, Connection>,
    connection: Connection,
    clientId: number,
  ) => {
    const owner = index.get(clientId);
    return owner !== undefined && owner !== connection && document.getClients(owner).has(clientId);
  };

  /** Records that `connection` holds `clientId`, and forgets its ids when it closes. */
  const record = (
    index: Map<number, Connection>,
    connection: Connection,
    own: ReadonlySet<number>,
    clientId: number,
  ) => {
    index.set(clientId, connection);
    if (indexed.has(connection)) return;
    indexed.add(connection);
    // Hocuspocus drops the connection's entry on close but leaves the set
    // itself as it was, so `own` still names the ids to forget. One that has
    // moved to another connection since is that connection's, and stays.
    connection.onClose(() => {
      for (const clientId of own) if (index.get(clientId) === connection) index.delete(clientId);
    });
  };

  /**
   * What `connection` may publish of `states` (by client id; `sent`: the
   * frame's own entries): refused states are deleted, the others stamped
   * with who `identity` says this is.
   */
  const admit = (
    document: Document,
    connection: Connection,
    identity: Identity | undefined,
    sent: ReadonlyMap<number, AwarenessEntry> | undefined,
    states: Map<number, unknown>,
  ) => {
    const own = document.getClients(connection);
    let index = owners.get(document);
    if (index === undefined) {
      index = new Map();
      owners.set(document, index);
    }
    for (const [clientId, state] of states) {
      const held = own.has(clientId);
      const refused =
        !identity ||
        // Ids the frame did not carry (Hocuspocus decodes the frame into a
        // scratch Awareness, whose own local state shows up here too), and
        // those whose state is over MAX_AWARENESS_STATE_BYTES (frames.ts).
        !sent?.has(clientId) ||
        (!held &&
          (own.size >= MAX_AWARENESS_CLIENTS_PER_CONNECTION || heldByOther(document, index, connection, clientId))) ||
        // A presence state is an object; y-protocols would pass a bare number or string along.
        typeof state !== "object" ||
        state === null ||
        Array.isArray(state);
      if (refused) {
        states.delete(clientId);
        continue;
      }
      if (!held) {
        own.add(clientId);
        record(index, connection, own, clientId);
      }
      // The server vouches for who this is; whatever the client claimed is replaced.
      states.set(clientId, { ...state, user: presentUserOf(identity) });
    }
  };

  const extension: Extension = {
    extensionName: "tandem-presence-identity",

    async connected({ connection, context }) {
      const { session } = context as ConnectionContext;
      let connections = established.get(session);
      if (connections === undefined) {
        connections = new Map();
        established.set(session, connections);
      }
      const address = connection.messageAddress;
      connections.set(address, connection);
      connection.onClose(() => {
        if (connections.get(address) === connection) connections.delete(address);
      });
    },

    async beforeHandleMessage({ update, connection }) {
      const sent = frameOf(update)?.awareness;
      if (sent) inFlight.set(connection, sent);
    },

    async beforeHandleAwareness({ states, context, connection, document }) {
      if (!connection) return; // relayed from another instance: stamped there
      const sent = inFlight.get(connection);
      inFlight.delete(connection);
      admit(document, connection, (context as ConnectionContext | undefined)?.identity, sent, states);
    },
  };

  return {
    extension,
    publish(session, address, awareness) {
      const connection = established.get(session)?.get(address);
      if (connection === undefined) return false;
      const { document } = connection;
      const states = new Map<number, unknown>();
      for (const [clientId, { state }] of awareness) states.set(clientId, state);
      admit(document, connection, (connection.context as ConnectionContext).identity, awareness, states);
      if (states.size === 0) return true;
      // y-protocols' awareness update, as encodeAwarenessUpdate writes it.
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, states.size);
      for (const [clientId, state] of states) {
        encoding.writeVarUint(encoder, clientId);
        encoding.writeVarUint(encoder, awareness.get(clientId)?.clock ?? 0);
        encoding.writeVarString(encoder, JSON.stringify(state));
      }
      document.applyAwarenessUpdate(connection, encoding.toUint8Array(encoder));
      return true;
    },
  };
}
