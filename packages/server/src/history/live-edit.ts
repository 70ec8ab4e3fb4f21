import type { Hocuspocus } from "@hocuspocus/server";
import type { DocumentStore } from "@tandem/persistence";
import * as Y from "yjs";

/**
 * Makes one edit on a live document, durably and attributed, for history
 * (a restore, a revert), whether or not anyone has the document open:
 *
 * 1. `edit` is worked out and made on a copy of the live document, in one
 *    transaction, under a Yjs client id of its own;
 * 2. the resulting update is appended to the store with `author`, and
 *    committed, before anyone sees it (acknowledged means durable, here too);
 * 3. it is applied to the live document through a Hocuspocus direct
 *    connection, which broadcasts it to every client (and through Redis to
 *    other instances) and runs the store hooks, as any edit does.
 *
 * Edits others make between 1 and 3 merge with it as concurrent edits do.
 * Resolves with whether there was anything to change.
 */
export async function editLive(
  hocuspocus: Hocuspocus,
  store: DocumentStore,
  name: string,
  author: string,
  edit: (copy: Y.Doc) => void,
): Promise<boolean> {
  const connection = await hocuspocus.openDirectConnection(name, { history: true });
  try {
    const live = connection.document;
    if (live === null) throw new Error(`the direct connection to ${name} closed at once`);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(live));
    let update: Uint8Array | undefined;
    copy.on("update", (change: Uint8Array) => {
      update = change;
    });
    copy.transact(() => edit(copy));
    copy.destroy();
    if (update === undefined) return false;
    const made = update;
    await store.append(name, made, { author });
    await connection.transact((document) => Y.applyUpdate(document, made));
    return true;
  } finally {
    await connection.disconnect();
  }
}
