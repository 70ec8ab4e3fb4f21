import type { Extension, Hocuspocus } from "@hocuspocus/server";
import type { DocumentStore } from "@tandem/persistence";
import { checkCommentsUpdate, parseDocumentName, permissionsOf } from "@tandem/protocol";
import { accessTo } from "../auth/identity.js";
import { TandemServerError } from "../errors.js";
import { makeAcceptedChanges } from "../history/accepted-changes.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { type ConnectionContext, frameOf } from "../protocol/socket-session.js";
import type { DurableLog } from "./durable-log.js";

/** What {@link commentsGuard} needs. */
export interface CommentsGuardOptions {
  readonly store: DocumentStore;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Where the changes of accepted suggestions are made and stored. */
  readonly durable: DurableLog;
}

/**
 * Comment ownership. Commenters and up may write a `#comments` document, but
 * it holds everyone's threads, so each update is checked against the comments
 * layout (`checkCommentsUpdate` in @tandem/protocol) as the connection's
 * token-stamped identity: only a comment's author may edit or delete it,
 * nobody may write as someone else, and anyone with comment rights may reply,
 * react, resolve or reopen. Suggestions live here too: anyone with comment
 * rights may propose one, only its author revise or withdraw it, and only a
 * role that may write the content (editor, owner) accept or reject it. The
 * user id and the role come from the token, never from the update.
 *
 * An update that accepts suggestions carries each one's change to the
 * content: the server makes it, credited to the suggester and the acceptor
 * when it is exactly the proposal (see `makeAcceptedChanges`), before the
 * decision is applied, so the two land together and nobody sees a decision
 * without its change.
 *
 * The check runs in `beforeHandleMessage` with a priority above the default
 * (100) of the other extensions, so it runs before the durable log appends:
 * a refused update is neither stored nor applied, broadcast or acknowledged.
 * It closes the connection with 4403: the client kit never sends such an
 * update (it offers edit and delete on the user's own comments only), and
 * since the refused change stays in the client's document and would come back
 * in its next sync step 2, retrying cannot help.
 *
 * It reads the live document without decoding or copying it, so its cost
 * grows with the update, not the document; content documents skip it.
 * Read-only connections skip it too: nothing of theirs is applied. Updates
 * relayed from other instances through Redis do not pass through here; their
 * own instance checked them.
 */
export function commentsGuard({ store, metrics, logger, durable }: CommentsGuardOptions): Extension {
  let hocuspocus: Hocuspocus | undefined;
  return {
    extensionName: "tandem-comments-guard",
    priority: 200,

    async onConfigure({ instance }) {
      hocuspocus = instance;
    },

    async beforeHandleMessage({ update: bytes, connection, document, documentName, context }) {
      const update = frameOf(bytes)?.update;
      if (update === undefined || connection.readOnly || !parseDocumentName(documentName).isComments) return;
      const { session, identity } = context as ConnectionContext;
      // Hocuspocus hands over messages only after authentication, which sets the identity; without one nothing passes.
      const verdict = identity
        ? checkCommentsUpdate(document, update, {
            id: identity.id,
            name: identity.name,
            program: identity.program,
            // Deciding a suggestion is writing the content, so it takes the content's write permission.
            canDecide: permissionsOf(accessTo(identity, documentName)?.role ?? "viewer").writeContent,
          })
        : { ok: false as const, reason: "the connection has no identity" };
      if (verdict.ok) {
        if (verdict.accepted && identity && hocuspocus) {
          const contentName = parseDocumentName(documentName).content;
          const context = { hocuspocus, store, durable, metrics, logger };
          await makeAcceptedChanges(context, contentName, identity.id, verdict.accepted);
        }
        return;
      }
      metrics.errors.inc({ code: "comments-update-refused" });
      session.logger.warn(
        { document: documentName, user: identity?.id, reason: verdict.reason },
        "comments update refused: closing the connection; nothing was stored or applied",
      );
      session.close("Forbidden");
      // Rethrown so that the durable log and Hocuspocus skip the message.
      throw new TandemServerError("forbidden", `comments update refused: ${verdict.reason}`);
    },
  };
}
