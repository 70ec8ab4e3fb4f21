import type { Document, Extension, Hocuspocus } from "@hocuspocus/server";
import type { DocumentStore } from "@tandem/persistence";
import { CloseCodes, commentsDocumentName } from "@tandem/protocol";
import type { Unloads } from "./unloads.js";

const closeEvent = { code: CloseCodes.DocumentDeleted.code, reason: CloseCodes.DocumentDeleted.reason };

function closeAll(document: Document | undefined): void {
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
 * Other instances behind Redis are not told: a client connected to another
 * instance keeps its copy until it disconnects (see docs/api.md).
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
      if (this.gated.has(documentName)) closeAll(document);
    },
  };

  constructor(
    private readonly store: DocumentStore,
    private readonly unloads: Unloads,
  ) {}

  /** Deletes `name` and its comments; resolves with whether the store had it. */
  async delete(hocuspocus: Hocuspocus, name: string): Promise<boolean> {
    const names = [name, commentsDocumentName(name)];
    for (const each of names) this.gated.add(each);
    try {
      for (const each of names) closeAll(hocuspocus.documents.get(each));
      await this.unloads.whenUnloaded(hocuspocus, names);
      const [deleted] = await Promise.all(names.map((each) => this.store.delete(each)));
      return deleted === true;
    } finally {
      for (const each of names) this.gated.delete(each);
    }
  }
}
