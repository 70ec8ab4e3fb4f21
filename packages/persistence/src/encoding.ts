/**
 * The merge thread runs this module from source in the tests (Node's type
 * stripping), so its relative imports name `.ts` files; the build rewrites
 * them to `.js`.
 */
import * as Y from "yjs";
import {
  AttributionRecorder,
  type AuthoredRanges,
  type AuthoredUpdate,
  changesSince,
  type IdRange,
} from "./attribution.ts";

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

/** What a row would add to `doc`, for `recorder`; nothing for a row without author. */
function examine(recorder: AttributionRecorder | undefined, doc: Y.Doc, row: AuthoredUpdate) {
  const { data, encoding, author, acceptedBy } = row;
  if (recorder === undefined || author === undefined || author === null) return undefined;
  const decoded = encoding === Encoding.V2 ? Y.decodeUpdateV2(data) : Y.decodeUpdate(data);
  return recorder.examine(doc, author, decoded, acceptedBy ?? undefined);
}

/**
 * Applies a snapshot and log rows to `doc` in one Yjs transaction, so that
 * observers see one change. Load and compaction both use it, so a compacted
 * document is exactly what loading its log gave. With a `recorder`, the
 * authors of rows that have one are recorded as they apply.
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
  recorder?: AttributionRecorder,
): UnappliedRow<Row>[] {
  const unapplied: UnappliedRow<Row>[] = [];
  Y.transact(doc, () => {
    if (snapshot !== null) applyOne(doc, snapshot);
    for (const row of rows) {
      try {
        const changes = examine(recorder, doc, row);
        applyOne(doc, row);
        if (changes) recorder?.record(changes);
      } catch (error) {
        unapplied.push({ row, error });
      }
    }
  });
  return unapplied;
}

/** What {@link mergeStoredUpdates} should do besides folding. */
export interface MergeOptions {
  /**
   * Keep the content of deleted items (a Y.Doc with `gc: false`). Compaction
   * does, so that history can bring deleted text back (see docs/history.md);
   * versions do not need it.
   */
  readonly keepDeleted?: boolean;
  /** Record who inserted and deleted what, from the rows' `author`. */
  readonly attribute?: boolean;
  /** Work out what changed since this earlier state of the document (null: since it was empty). */
  readonly since?: StoredUpdate | null;
  /** Skip encoding the merged state when only attribution or changes are wanted. */
  readonly encode?: boolean;
}

/** The state {@link mergeStoredUpdates} folded, and the log rows (by index) that threw. */
export interface MergedState {
  /** The whole document as one V2 update; empty when `encode` was false. */
  readonly state: Uint8Array;
  readonly unapplied: readonly { readonly index: number; readonly error: unknown }[];
  /** With `attribute`: who inserted and deleted what, by the rows' authors. */
  readonly attribution?: AuthoredRanges;
  /** With `since`: the ids inserted, and those deleted, since that state. */
  readonly changes?: { readonly inserted: readonly IdRange[]; readonly deleted: readonly IdRange[] };
}

/** How {@link readStoredUpdates} loads the stored document. */
export interface ReadOptions {
  /** Keep the content of deleted items (a Y.Doc with `gc: false`); see {@link MergeOptions.keepDeleted}. */
  readonly keepDeleted?: boolean | undefined;
  /** Records who inserted and deleted what as the rows apply. */
  readonly recorder?: AttributionRecorder | undefined;
}

/**
 * Loads a snapshot and log rows into a fresh Y.Doc and returns what `read`
 * makes of it, with the log rows (by index) that threw.
 */
export function readStoredUpdates<T>(
  snapshot: StoredUpdate | null,
  rows: readonly StoredUpdate[],
  read: (doc: Y.Doc) => T,
  { keepDeleted = false, recorder }: ReadOptions = {},
): { readonly value: T; readonly unapplied: MergedState["unapplied"] } {
  const doc = new Y.Doc({ gc: !keepDeleted });
  try {
    const unapplied = applyStoredUpdates(doc, snapshot, rows, recorder).map(({ row, error }) => ({
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
export function mergeStoredUpdates(
  snapshot: StoredUpdate | null,
  rows: readonly StoredUpdate[],
  options: MergeOptions = {},
): MergedState {
  const recorder = options.attribute ? new AttributionRecorder() : undefined;
  const { value, unapplied } = readStoredUpdates(
    snapshot,
    rows,
    (doc) => ({
      state: options.encode === false ? new Uint8Array() : Y.encodeStateAsUpdateV2(doc),
      ...(options.since === undefined ? {} : { changes: changesFrom(options.since, doc) }),
    }),
    { keepDeleted: options.keepDeleted, recorder },
  );
  return { ...value, unapplied, ...(recorder ? { attribution: recorder.result() } : {}) };
}

/** What changed in `doc` since an earlier state of it (null: since it was empty). */
function changesFrom(since: StoredUpdate | null, doc: Y.Doc): NonNullable<MergedState["changes"]> {
  const previous = new Y.Doc();
  try {
    if (since !== null) applyOne(previous, since);
    return changesSince(previous, doc);
  } finally {
    previous.destroy();
  }
}
