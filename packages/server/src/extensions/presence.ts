import type { Connection, Extension } from "@hocuspocus/server";
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
 * States relayed from other instances through Redis were stamped by the
 * instance their client is connected to and pass through untouched.
 */
export function presenceIdentity(): Extension {
  // The awareness client ids in the frame a connection is handling right now.
  // Hocuspocus handles one frame per connection at a time and awaits
  // beforeHandleMessage before it applies the frame, so the ids recorded here
  // are those of the frame that beforeHandleAwareness then sees.
  const inFlight = new WeakMap<Connection, ReadonlySet<number>>();

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
      for (const [clientId, state] of states) {
        // Hocuspocus decodes the frame into a scratch Awareness, whose own
        // local state shows up here too: only ids the client sent are real.
        const held = own.has(clientId);
        const heldByOther =
          !held &&
          document.getConnections().some((other) => other !== connection && document.getClients(other).has(clientId));
        const refused =
          !identity ||
          // Ids the frame did not carry, and those whose state is over MAX_AWARENESS_STATE_BYTES (frames.ts).
          !sent?.has(clientId) ||
          heldByOther ||
          (!held && own.size >= MAX_AWARENESS_CLIENTS_PER_CONNECTION) ||
          // A presence state is an object; y-protocols would pass a bare number or string along.
          typeof state !== "object" ||
          state === null ||
          Array.isArray(state);
        if (refused) {
          states.delete(clientId);
          continue;
        }
        own.add(clientId);
        // The server vouches for who this is; whatever the client claimed is replaced.
        states.set(clientId, { ...state, user: presentUserOf(identity) });
      }
    },
  };
}
