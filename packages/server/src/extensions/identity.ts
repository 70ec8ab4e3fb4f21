import { Forbidden } from "@hocuspocus/common";
import type { Document, Extension } from "@hocuspocus/server";
import { type Authenticator, accessTo } from "../auth/identity.js";
import { TandemServerError } from "../errors.js";
import type { ConnectionContext } from "../socket-session.js";

/**
 * Authentication, roles and presence identity.
 *
 * A token that does not verify closes the whole socket with 4401 (every
 * document on it shares the token, and the client must fetch a new one); a
 * valid token without access to one document is refused for that document
 * only. Viewers, and commenters on content, connect read-only: Hocuspocus then
 * neither applies nor acknowledges their updates, and the durable log does not
 * store them.
 */
export function identityExtension(authenticator: Authenticator): Extension {
  // Which socket owns each awareness client id of a document, so that no
  // connection can publish presence under someone else's client id.
  const owners = new WeakMap<Document, Map<number, string>>();

  return {
    extensionName: "tandem-identity",

    async onAuthenticate({ token, documentName, connectionConfig, context }) {
      const { session } = context as ConnectionContext;
      let identity: ConnectionContext["identity"];
      try {
        identity = await authenticator.authenticate(token);
      } catch (error) {
        if (!(error instanceof TandemServerError)) throw error;
        session.logger.info({ document: documentName, reason: error.message }, "unauthorized");
        session.close("Unauthorized");
        throw Forbidden;
      }
      const access = accessTo(identity, documentName);
      if (!access) {
        session.logger.info({ document: documentName, user: identity.id }, "forbidden");
        throw Forbidden;
      }
      connectionConfig.readOnly = !access.canWrite;
      session.logger.info({ document: documentName, user: identity.id, role: access.role }, "authenticated");
      return { identity };
    },

    async beforeHandleAwareness({ states, context, document, socketId }) {
      const identity = (context as ConnectionContext | undefined)?.identity;
      if (!identity) return;
      const byClient = owners.get(document) ?? new Map<number, string>();
      owners.set(document, byClient);
      for (const [clientId, state] of states) {
        const owner = byClient.get(clientId);
        if (owner !== undefined && owner !== socketId) {
          states.delete(clientId);
          continue;
        }
        byClient.set(clientId, socketId);
        // The server vouches for who this is; whatever the client said is replaced.
        if (state !== null && typeof state === "object") {
          state.user = { id: identity.id, name: identity.name, color: identity.color };
        }
      }
    },
  };
}
