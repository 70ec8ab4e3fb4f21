import * as Y from "yjs";

/** A run of Yjs item ids: the `length` clocks of `client` from `clock`. */
export interface IdRange {
  readonly client: number;
  readonly clock: number;
  readonly length: number;
}

/** Who inserted, or deleted, a run of Yjs items. */
export interface AuthoredRange extends IdRange {
  /** The user id of the author, as the server's token named them. */
  readonly author: string;
  /**
   * For an accepted suggestion the server made: the user id of whoever
   * accepted it (`author` is the suggester). Absent for everything else.
   */
  readonly acceptedBy?: string;
}

/** Insertions and deletions, each a list of authored id ranges. */
export interface AuthoredRanges {
  readonly insertions: readonly AuthoredRange[];
  readonly deletions: readonly AuthoredRange[];
}

/** A stored update (see encoding.ts) with the author it was appended with (null or absent: unknown). */
export interface AuthoredUpdate {
  readonly data: Uint8Array;
  readonly encoding: number;
  readonly author?: string | null;
  /** Who accepted the suggestion the update makes (see {@link AuthoredRange.acceptedBy}); null or absent: nobody. */
  readonly acceptedBy?: string | null;
}

// Who a range is credited to, as one sortable key.
const creditOf = (range: AuthoredRange) => JSON.stringify([range.author, range.acceptedBy ?? null]);

/**
 * Sorts ranges by author (and acceptor), client and clock and merges those
 * of one author and client that touch or overlap: a person typing sends one
 * update per keystroke, each a range right after the last, and they fold
 * into one.
 */
export function coalesce(ranges: readonly AuthoredRange[]): AuthoredRange[] {
  const sorted = ranges
    .map((range) => ({ range, credit: creditOf(range) }))
    .sort(
      (a, b) =>
        (a.credit < b.credit ? -1 : a.credit > b.credit ? 1 : 0) ||
        a.range.client - b.range.client ||
        a.range.clock - b.range.clock,
    );
  const merged: AuthoredRange[] = [];
  let lastCredit: string | undefined;
  for (const { range, credit } of sorted) {
    const last = merged.at(-1);
    if (last && lastCredit === credit && last.client === range.client && range.clock <= last.clock + last.length) {
      const end = Math.max(last.clock + last.length, range.clock + range.length);
      merged[merged.length - 1] = { ...last, length: end - last.clock };
    } else {
      merged.push(range);
      lastCredit = credit;
    }
  }
  return merged;
}

/**
 * The parts of the ids `clock … clock + length - 1` of `client` that `doc`
 * does not hold as deleted: present and alive, or not there at all (an item
 * inserted and deleted by the same update, or one still to arrive).
 */
function notYetDeleted(doc: Y.Doc, client: number, clock: number, length: number): IdRange[] {
  const ranges: IdRange[] = [];
  const end = clock + length;
  const state = Y.getState(doc.store, client);
  let position = clock;
  const structs = doc.store.clients.get(client);
  if (structs !== undefined && position < state) {
    for (let index = Y.findIndexSS(structs, position); position < Math.min(end, state); index++) {
      const struct = structs[index] as Y.Item | Y.GC;
      const structEnd = Math.min(end, struct.id.clock + struct.length);
      if (!struct.deleted) ranges.push({ client, clock: position, length: structEnd - position });
      position = structEnd;
    }
  }
  position = Math.max(position, state);
  if (position < end) ranges.push({ client, clock: position, length: end - position });
  return ranges;
}

/** What one row adds to a document, worked out before the row is applied. */
export interface RowChanges {
  readonly author: string;
  readonly acceptedBy?: string;
  readonly insertions: IdRange[];
  readonly deletions: IdRange[];
}

/**
 * Records who inserted and who deleted which items while stored updates are
 * applied in order (snapshot first, then the log in seq order).
 *
 * Only what a row adds counts: items the document does not hold yet, and
 * deletions of items not yet deleted. That matters because an update can
 * carry more than its author did: a client's sync step 2 on reconnecting
 * carries its whole delete set (Yjs diffs keep it whole), which names
 * everyone's deletions, and relayed content may reach the log twice. The
 * first row that brings an item, or its deletion, is its author's.
 */
export class AttributionRecorder {
  private readonly insertions: AuthoredRange[] = [];
  private readonly deletions: AuthoredRange[] = [];

  /**
   * What an update by `author` (accepted by `acceptedBy`, for a suggestion),
   * decoded, would add to `doc`; call it just before applying the update.
   */
  examine(
    doc: Y.Doc,
    author: string,
    { structs, ds }: ReturnType<typeof Y.decodeUpdate>,
    acceptedBy?: string,
  ): RowChanges {
    const insertions: IdRange[] = [];
    for (const struct of structs) {
      // GC structs stand for content already deleted and Skip structs for gaps: neither is new writing.
      if (!(struct instanceof Y.Item)) continue;
      const { client, clock } = struct.id;
      const from = Math.max(clock, Y.getState(doc.store, client));
      if (from < clock + struct.length) insertions.push({ client, clock: from, length: clock + struct.length - from });
    }
    const deletions: IdRange[] = [];
    for (const [client, items] of ds.clients) {
      for (const { clock, len } of items) deletions.push(...notYetDeleted(doc, client, clock, len));
    }
    return { author, ...(acceptedBy === undefined ? {} : { acceptedBy }), insertions, deletions };
  }

  /** Keeps what {@link examine} found, once the row applied. */
  record({ author, acceptedBy, insertions, deletions }: RowChanges): void {
    const credit = acceptedBy === undefined ? { author } : { author, acceptedBy };
    for (const range of insertions) this.insertions.push({ ...range, ...credit });
    for (const range of deletions) this.deletions.push({ ...range, ...credit });
  }

  result(): AuthoredRanges {
    return { insertions: coalesce(this.insertions), deletions: coalesce(this.deletions) };
  }
}

/**
 * What changed from `previous` to `current`, two states of one document:
 * the items `current` has that `previous` had not, and the items deleted in
 * `current` that were alive in `previous` or not in it at all.
 */
export function changesSince(previous: Y.Doc, current: Y.Doc): { inserted: IdRange[]; deleted: IdRange[] } {
  const inserted: IdRange[] = [];
  for (const client of current.store.clients.keys()) {
    const clock = Y.getState(current.store, client);
    const from = Y.getState(previous.store, client);
    if (from < clock) inserted.push({ client, clock: from, length: clock - from });
  }
  const deleted: IdRange[] = [];
  for (const [client, items] of Y.createDeleteSetFromStructStore(current.store).clients) {
    for (const { clock, len } of items) deleted.push(...notYetDeleted(previous, client, clock, len));
  }
  return { inserted, deleted };
}

/** The authors of `ranges` who touched any id in `ids`. */
export function authorsTouching(ids: readonly IdRange[], ranges: readonly AuthoredRange[]): Set<string> {
  const byClient = new Map<number, AuthoredRange[]>();
  for (const range of ranges) {
    const list = byClient.get(range.client) ?? [];
    list.push(range);
    byClient.set(range.client, list);
  }
  const authors = new Set<string>();
  for (const { client, clock, length } of ids) {
    for (const range of byClient.get(client) ?? []) {
      if (range.clock < clock + length && clock < range.clock + range.length) authors.add(range.author);
    }
  }
  return authors;
}
