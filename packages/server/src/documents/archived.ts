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
  /**
   * Reads in flight, per content document. The clients of a join storm ask
   * together, and one read answers them all: fifty queries queued in the pool
   * would delay each other and the document's own load behind them.
   */
  private readonly reading = new Map<string, Promise<boolean>>();

  /** `announce` tells the other instances (the Redis relay's `publishAccessChanged`). */
  constructor(
    private readonly store: DocumentStore,
    private readonly announce?: (name: string) => void,
  ) {}

  /**
   * Whether `name` (a content or comments document) belongs to an archived
   * document. Callers that ask while a read of the same document is in flight
   * share its answer; a change of the archive ({@link reapply}) starts a
   * fresh read, so nothing asked after it gets an answer read before it.
   */
  isArchived(name: string): Promise<boolean> {
    const content = parseDocumentName(name).content;
    const inFlight = this.reading.get(content);
    if (inFlight !== undefined) return inFlight;
    const read = this.read(content).finally(() => {
      if (this.reading.get(content) === read) this.reading.delete(content);
    });
    this.reading.set(content, read);
    return read;
  }

  private async read(content: string): Promise<boolean> {
    const metadata = await this.store.metadata(content);
    return typeof metadata?.archivedAt === "string";
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
    // Not a read in flight, which may have started before the change: the next ones share this one.
    this.reading.delete(content);
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
