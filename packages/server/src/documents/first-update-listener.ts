import type * as Y from "yjs";

/** What Yjs calls a document's `update` listeners with. */
export type UpdateListener = (update: Uint8Array, origin: unknown, document: Y.Doc, transaction: Y.Transaction) => void;

/**
 * Registers `listener` for `document`'s `update` event ahead of the listeners
 * it already has: Yjs calls a document's listeners in the order they were
 * registered, and Hocuspocus registers its own (which gathers the update for
 * the broadcast) when it creates the document, before any extension can.
 */
export function onUpdateFirst(document: Y.Doc, listener: UpdateListener): void {
  const earlier = [...(document._observers.get("update") ?? [])] as UpdateListener[];
  for (const registered of earlier) document.off("update", registered);
  document.on("update", listener);
  for (const registered of earlier) document.on("update", registered);
}
