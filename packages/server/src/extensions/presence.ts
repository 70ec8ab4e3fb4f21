import type { Connection, Document, Extension } from "@hocuspocus/server";
import { presentUserOf } from "../auth/identity.js";
import type { ConnectionContext } from "../protocol/socket-session.js";
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
 * States relayed from other instances through Redis were stamped by the
 * instance their client is connected to and pass through untouched.
 */
export function presenceIdentity(): Extension {
  // The awareness client ids in the frame a connection is handling right now.
  // Hocuspocus handles one frame per connection at a time and awaits
  // beforeHandleMessage before it applies the frame, so the ids recorded here
  // are those of the frame that beforeHandleAwareness then sees.
  const inFlight = new WeakMap<Connection, ReadonlySet<number>>();
  // Per document: which connection holds each awareness client id (see above).
  const owners = new WeakMap<Document, Map<number, Connection>>();
  // Connections whose close already clears their entries.
  const indexed = new WeakSet<Connection>();

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

  return {
    extensionName: "tandem-presence-identity",

    async beforeHandleMessage({ update, connection }) {
      const clients = frameOf(update)?.awarenessClients;
      if (clients) inFlight.set(connection, clients);
    },

    async beforeHandleAwareness({ states, context, connection, document }) {
      if (!connection) return; // relayed from another instance: stamped there
      const identity = (context as ConnectionContext | undefined)?.identity;
      const sent = inFlight.get(connection);
      inFlight.delete(connection);
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
    },
  };
}
