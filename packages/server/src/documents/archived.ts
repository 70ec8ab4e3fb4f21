import { type Hocuspocus, OutgoingMessage } from "@hocuspocus/server";
import type { DocumentStore } from "@tandem/persistence";
import { commentsDocumentName, parseDocumentName } from "@tandem/protocol";
import { accessTo } from "../auth/identity.js";
import type { ConnectionContext } from "../protocol/socket-session.js";

/**
 * Archived documents are read-only for everyone until they are unarchived:
 * every role is capped at viewer, for the content and the comments alike.
 * A connection opened to an archived document is read-only (Hocuspocus then
 * applies none of its updates); the REST API refuses its writes with 403.
 *
 * Archiving is a fact of the store (`archivedAt` in the document's
 * metadata), read when a connection that could write authenticates, so
 * every instance agrees. Connections already open are changed in place by
 * {@link reapply}, on this instance by the archive route ({@link changed})
 * and on the others through Redis: the server sends each one its new scope (Hocuspocus's
 * authenticated message, which the provider takes at any time), so a page
 * turns read-only or editable without reconnecting.
 */
export class ArchivedDocuments {
  /** `announce` tells the other instances (the Redis relay's `publishAccessChanged`). */
  constructor(
    private readonly store: DocumentStore,
    private readonly announce?: (name: string) => void,
  ) {}

  /** Whether `name` (a content or comments document) belongs to an archived document. */
  async isArchived(name: string): Promise<boolean> {
    const info = await this.store.stat(parseDocumentName(name).content);
    return typeof info?.metadata.archivedAt === "string";
  }

  /** After `name` was archived or unarchived: {@link reapply} here, and tell the other instances. */
  async changed(hocuspocus: Hocuspocus, name: string): Promise<void> {
    await this.reapply(hocuspocus, name);
    // Both: another instance may have either open without the other, and each has a channel of its own.
    for (const each of [name, commentsDocumentName(name)]) this.announce?.(each);
  }

  /**
   * Gives every connection to `name` and its comments on this instance the
   * scope its token and the archive allow now, telling the clients whose
   * scope changed.
   */
  async reapply(hocuspocus: Hocuspocus, name: string): Promise<void> {
    const content = parseDocumentName(name).content;
    const archived = await this.isArchived(content);
    for (const each of [content, commentsDocumentName(content)]) {
      for (const connection of hocuspocus.documents.get(each)?.getConnections() ?? []) {
        const identity = (connection.context as Partial<ConnectionContext> | undefined)?.identity;
        if (identity === undefined) continue;
        const readOnly = archived || accessTo(identity, each)?.canWrite !== true;
        if (connection.readOnly === readOnly) continue;
        connection.readOnly = readOnly;
        connection.send(new OutgoingMessage(each).writeAuthenticated(readOnly).toUint8Array());
      }
    }
  }
}
