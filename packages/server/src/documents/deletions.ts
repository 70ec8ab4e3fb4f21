import type { Document, Extension, Hocuspocus } from "@hocuspocus/server";
import type { DocumentStore } from "@tandem/persistence";
import { CloseCodes, commentsDocumentName } from "@tandem/protocol";
import type { Unloads } from "./unloads.js";

const closeEvent = { code: CloseCodes.DocumentDeleted.code, reason: CloseCodes.DocumentDeleted.reason };

/** Closes every connection to `document` with {@link CloseCodes.DocumentDeleted}. */
export function closeAsDeleted(document: Document | undefined): void {
  for (const connection of document?.getConnections() ?? []) connection.close(closeEvent);
}

/**
 * Deletes documents that may be open: a document and its comments document
 * are closed for everyone with {@link CloseCodes.DocumentDeleted}, unloaded
 * (the durable log flushes and compacts as for any unload), and only then
 * deleted from the store, so that nothing of them is written back after.
 *
 * While a deletion runs, the names are gated: a load that starts then fails
 * (a client reconnecting at that moment must not load the old state and then
 * append to a document whose log is being deleted), and one already past
 * that point is closed as soon as it has loaded.
 *
 * Other instances behind Redis are told through `announce` (the relay's
 * `publishDeleted`), before the store forgets the document: they close their
 * connections to it the same way, and their unloads compact what they held
 * before it is deleted here. (An edit one of them commits in that moment,
 * after the delete started and before its socket closed, can outlive the
 * deletion as a document of its own; docs/api.md says so.)
 */
export class Deletions {
  private readonly gated = new Set<string>();

  /** Refuses loads of gated documents; first in the chain, before anything loads them. */
  readonly extension: Extension = {
    extensionName: "tandem-deletions",
    priority: 1000,
    onLoadDocument: async ({ documentName }) => {
      if (this.gated.has(documentName)) throw new Error(`${documentName} is being deleted`);
    },
    afterLoadDocument: async ({ documentName, document }) => {
      if (this.gated.has(documentName)) closeAsDeleted(document);
    },
  };

  constructor(
    private readonly store: DocumentStore,
    private readonly unloads: Unloads,
    private readonly announce?: (name: string) => void,
  ) {}

  /** Deletes `name` and its comments; resolves with whether the store had it. */
  async delete(hocuspocus: Hocuspocus, name: string): Promise<boolean> {
    const names = [name, commentsDocumentName(name)];
    for (const each of names) this.gated.add(each);
    try {
      for (const each of names) {
        closeAsDeleted(hocuspocus.documents.get(each));
        this.announce?.(each);
      }
      await this.unloads.whenUnloaded(hocuspocus, names);
      const [deleted] = await Promise.all(names.map((each) => this.store.delete(each)));
      return deleted === true;
    } finally {
      for (const each of names) this.gated.delete(each);
    }
  }
}
