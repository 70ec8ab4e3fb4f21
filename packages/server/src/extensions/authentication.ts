import { Forbidden } from "@hocuspocus/common";
import type { Extension } from "@hocuspocus/server";
import type { AuditRecorder } from "../audit/recorder.js";
import { type Authenticator, accessTo } from "../auth/identity.js";
import type { ArchivedDocuments } from "../documents/archived.js";
import { TandemServerError } from "../errors.js";
import type { ConnectionContext } from "../protocol/socket-session.js";

/**
 * Authentication and roles, per document a socket opens.
 *
 * A token that does not verify closes the whole socket with 4401: the client
 * must get a new token before anything on it can work. So does a token that
 * expires while its document is open, the moment it expires (`SocketSession`'s
 * `expireAt`): a token is not only checked at the door. A valid token without
 * access to a document is refused for that document only (Hocuspocus's
 * permission-denied message), and the socket's other documents go on.
 *
 * Viewers, and commenters on content documents, connect read-only. Hocuspocus
 * v4 then answers their updates with a negative sync status and applies
 * nothing (a read-only client's sync step 2 that adds nothing is still
 * acknowledged, so a viewer syncs normally), and the durable log stores
 * nothing from them. Ignoring such writes rather than closing with 4403 is
 * deliberate: an editor binding can produce local changes on its own (an
 * empty document gets its initial structure), and a viewer must not be thrown
 * out, with a code that says "do not retry", for that.
 *
 * The role is `accessTo`'s: the token's, raised by share links the person
 * opened (the authenticator given is `withShareLinks`'s, which adds them).
 * A link that stops working ends the connections it opened (`LiveShareLinks`).
 *
 * An archived document is read-only for every role (see {@link ArchivedDocuments}).
 *
 * A refused token is recorded in the audit log (`sign-in.refused`).
 */
export function authentication(
  authenticator: Authenticator,
  audit: AuditRecorder,
  archive: ArchivedDocuments,
): Extension {
  return {
    extensionName: "tandem-authentication",

    async onAuthenticate({ token, documentName, connectionConfig, context }) {
      const { session } = context as ConnectionContext;
      let identity: NonNullable<ConnectionContext["identity"]>;
      try {
        identity = await authenticator.authenticate(token);
      } catch (error) {
        if (!(error instanceof TandemServerError)) throw error;
        session.logger.info({ document: documentName, reason: error.message }, "unauthorized");
        session.close("Unauthorized");
        // Not awaited: the refusal must not wait for the database (record never rejects).
        void audit.record({
          action: "sign-in.refused",
          actor: null,
          document: documentName,
          from: session.address,
          details: { via: "websocket", reason: error.message.slice(0, 200) },
        });
        throw Forbidden;
      }
      const access = accessTo(identity, documentName);
      if (!access) {
        session.logger.info({ document: documentName, user: identity.id }, "no access to the document");
        throw Forbidden;
      }
      let archived = false;
      try {
        // Asked only of those who could write: a viewer's open costs no query.
        archived = access.canWrite && (await archive.isArchived(documentName));
      } catch (error) {
        session.logger.error({ err: error, document: documentName }, "could not read whether the document is archived");
        // The client retries with backoff; a permission-denied answer alone would stop it for good.
        session.close("StorageUnavailable");
        throw error;
      }
      connectionConfig.readOnly = !access.canWrite || archived;
      session.authenticated();
      if (identity.expiresAt !== undefined) session.expireAt(identity.expiresAt);
      session.info(
        { document: documentName, user: identity.id, role: access.role, readOnly: connectionConfig.readOnly, archived },
        "authenticated",
      );
      return { identity } satisfies Partial<ConnectionContext>;
    },
  };
}
