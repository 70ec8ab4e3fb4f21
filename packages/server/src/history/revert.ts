import * as Y from "yjs";
import type { Include } from "./content-tree.js";
import type { AuthorLookup } from "./render.js";

/** Whether `doc` holds the item `id` as deleted (an item it does not hold at all is not). */
function isDeletedIn(doc: Y.Doc, id: Y.ID): boolean {
  const structs = doc.store.clients.get(id.client);
  if (structs === undefined || id.clock >= Y.getState(doc.store, id.client)) return false;
  return structs[Y.findIndexSS(structs, id.clock)]?.deleted ?? false;
}

/**
 * Which items a document shows once everything `author` changed since the
 * state `since` is reverted (see docs/history.md): their items newer than
 * `since` go, their deletions newer than `since` come back, everything else
 * is as it is. Asked of a history document (deleted content kept) that holds
 * the live state.
 */
export function revertedView(lookup: AuthorLookup, author: string, since: Y.Doc): Include {
  const insertedSince = (id: Y.ID) =>
    id.clock >= Y.getState(since.store, id.client) && lookup.insertedBy(id) === author;
  const deletedSince = (id: Y.ID) => lookup.deletedBy(id) === author && !isDeletedIn(since, id);
  return (id, deleted) => {
    if (insertedSince(id)) return false;
    return !deleted || deletedSince(id);
  };
}
