import * as Y from "yjs";

/** How a stored Yjs payload is encoded; kept in the `encoding` columns. */
export const Encoding = { V1: 1, V2: 2 } as const;

/** A stored Yjs payload: a snapshot, a log row or a version. */
export interface StoredUpdate {
  readonly data: Uint8Array;
  readonly encoding: number;
}

/** A log row that threw while being applied; see {@link applyStoredUpdates}. */
export interface UnappliedRow<Row> {
  readonly row: Row;
  readonly error: unknown;
}

function applyOne(doc: Y.Doc, { data, encoding }: StoredUpdate): void {
  if (encoding === Encoding.V2) Y.applyUpdateV2(doc, data);
  else if (encoding === Encoding.V1) Y.applyUpdate(doc, data);
  else throw new Error(`unknown update encoding ${encoding}`);
}

/**
 * Applies a snapshot and log rows to `doc` in one Yjs transaction, so that
 * observers see one change. Load and compaction both use it, so a compacted
 * document is exactly what loading its log gave.
 *
 * A snapshot that does not apply throws: going on without it would drop the
 * whole compacted history. A log row that throws does not stop the others:
 * appends are validated, so it should never happen, but a single such row
 * (written by an older version or another writer) must not make a document
 * unloadable for good. It is returned instead, for the caller to report.
 */
export function applyStoredUpdates<Row extends StoredUpdate>(
  doc: Y.Doc,
  snapshot: StoredUpdate | null,
  rows: readonly Row[],
): UnappliedRow<Row>[] {
  const unapplied: UnappliedRow<Row>[] = [];
  Y.transact(doc, () => {
    if (snapshot !== null) applyOne(doc, snapshot);
    for (const row of rows) {
      try {
        applyOne(doc, row);
      } catch (error) {
        unapplied.push({ row, error });
      }
    }
  });
  return unapplied;
}

/** The state {@link mergeStoredUpdates} folded, and the log rows (by index) that threw. */
export interface MergedState {
  /** The whole document as one V2 update. */
  readonly state: Uint8Array;
  readonly unapplied: readonly { readonly index: number; readonly error: unknown }[];
}

/**
 * Loads a snapshot and log rows into a fresh Y.Doc and returns what `read`
 * makes of it, with the log rows (by index) that threw.
 */
export function readStoredUpdates<T>(
  snapshot: StoredUpdate | null,
  rows: readonly StoredUpdate[],
  read: (doc: Y.Doc) => T,
): { readonly value: T; readonly unapplied: MergedState["unapplied"] } {
  const doc = new Y.Doc();
  try {
    const unapplied = applyStoredUpdates(doc, snapshot, rows).map(({ row, error }) => ({
      index: rows.indexOf(row),
      error,
    }));
    return { value: read(doc), unapplied };
  } finally {
    doc.destroy();
  }
}

/**
 * Folds a snapshot and log rows into one V2 state, by loading them into a
 * fresh Y.Doc and re-encoding (V2 is about half the size of V1 for text): linear
 * in the number of updates, where `Y.mergeUpdates` over long lists is not.
 */
export function mergeStoredUpdates(snapshot: StoredUpdate | null, rows: readonly StoredUpdate[]): MergedState {
  const { value, unapplied } = readStoredUpdates(snapshot, rows, (doc) => Y.encodeStateAsUpdateV2(doc));
  return { state: value, unapplied };
}
