import { DocumentFields } from "@tandem/protocol";
import type * as Y from "yjs";

/** A change of a spec's status or owner, as a transaction on its `meta` map made it. */
export interface MetaChange {
  readonly field: "status" | "owner";
  /** The value before, as stored (untrusted: a client wrote it). */
  readonly from: unknown;
  readonly to: unknown;
}

const watched = ["status", "owner"] as const;

/** The status and owner changes in one event of a content document's `meta` map. */
export function metaChanges(event: Y.YMapEvent<unknown>): MetaChange[] {
  const found: MetaChange[] = [];
  for (const field of watched) {
    const change = event.keys.get(field);
    if (change === undefined) continue;
    const to = event.target.get(field);
    if (to !== change.oldValue) found.push({ field, from: change.oldValue, to });
  }
  return found;
}

/** The `meta` map of a content document. */
export function metaOf(document: Y.Doc): Y.Map<unknown> {
  return document.getMap(DocumentFields.meta);
}
