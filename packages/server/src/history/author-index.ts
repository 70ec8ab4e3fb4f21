import type { AuthoredRange } from "@tandem/persistence";
import type * as Y from "yjs";
import { rangeHolding } from "./ranges.js";
import type { AuthorLookup } from "./render.js";

/** Ranges of one client, sorted by clock, for binary search. */
type ClientRanges = readonly AuthoredRange[];

function byClient(ranges: readonly AuthoredRange[]): Map<number, ClientRanges> {
  const grouped = new Map<number, AuthoredRange[]>();
  for (const range of ranges) {
    const list = grouped.get(range.client) ?? [];
    list.push(range);
    grouped.set(range.client, list);
  }
  for (const list of grouped.values()) list.sort((a, b) => a.clock - b.clock);
  return grouped;
}

/** The range holding `clock`, if any. Ranges of one author never overlap; of two, either may be found. */
function find(ranges: ClientRanges | undefined, clock: number): AuthoredRange | undefined {
  if (ranges === undefined) return undefined;
  return rangeHolding(ranges, clock, (range) => ({ from: range.clock, to: range.clock + range.length }));
}

/** Looks up who inserted and who deleted an item, from a document's attribution (`store.readAttribution`). */
export function authorIndex(attribution: {
  readonly insertions: readonly AuthoredRange[];
  readonly deletions: readonly AuthoredRange[];
}): AuthorLookup {
  const insertions = byClient(attribution.insertions);
  const deletions = byClient(attribution.deletions);
  return {
    insertedBy: (id: Y.ID) => find(insertions.get(id.client), id.clock)?.author ?? null,
    deletedBy: (id: Y.ID) => find(deletions.get(id.client), id.clock)?.author ?? null,
    acceptedBy: (id: Y.ID, change: "inserted" | "deleted") =>
      find((change === "inserted" ? insertions : deletions).get(id.client), id.clock)?.acceptedBy ?? null,
  };
}
