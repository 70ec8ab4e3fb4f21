import type { AuthoredRanges } from "./attribution.js";
import { Encoding, type StoredUpdate, type UnappliedRow } from "./encoding.js";
import type { MergedRows } from "./merge-thread.js";
import type { SqlClient, SqlExecutor } from "./sql-client.js";
import type { CompactionResult } from "./store.js";
import { readStoredDocumentIn } from "./stored-document.js";

// The class half of the two-key advisory lock keeps document locks apart from
// other users of advisory locks on the same database (the one-key migration
// lock lives in a separate key space).
const DOCUMENT_LOCK_CLASS = 0x74_64_6d_00;

/**
 * Takes the transaction-scoped lock that serialises compaction and deletion
 * of one document across every instance. Two names that hash alike merely
 * wait for each other. Appends never take it.
 */
export async function lockDocument(tx: SqlExecutor, name: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(${DOCUMENT_LOCK_CLASS}, hashtext($1))`, [name]);
}

/** A row of the update log. */
export interface LogRow {
  /** A bigint: `pg` reads it as a string, PGlite perhaps as a bigint. Only ever stringified. */
  readonly seq: string | bigint | number;
  readonly data: Uint8Array;
  readonly encoding: number;
  /** The user id it was appended with, or null. */
  readonly author: string | null;
  /** Who accepted the suggestion it makes, or null (see migration 0011). */
  readonly acceptedBy: string | null;
}

/** Authorship rows: `action` 1 for insertions, 2 for deletions (see migration 0003). */
const AuthorshipAction = { insertion: 1, deletion: 2 } as const;

/** Writes attributed id ranges into `tandem_authorship`, in one statement. */
async function writeAuthorship(tx: SqlExecutor, name: string, ranges: AuthoredRanges): Promise<void> {
  const rows = [
    ...ranges.insertions.map((range) => ({ ...range, action: AuthorshipAction.insertion })),
    ...ranges.deletions.map((range) => ({ ...range, action: AuthorshipAction.deletion })),
  ];
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO tandem_authorship (document_name, action, client, clock, length, author, accepted_by)
     SELECT $1, * FROM unnest($2::smallint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::text[])`,
    [
      name,
      rows.map((row) => row.action),
      rows.map((row) => row.client),
      rows.map((row) => row.clock),
      rows.map((row) => row.length),
      rows.map((row) => row.author),
      rows.map((row) => row.acceptedBy ?? null),
    ],
  );
}

/** Reads a document's folded authorship. */
export async function readAuthorship(sql: SqlExecutor, name: string): Promise<AuthoredRanges> {
  const rows = await sql.query<{
    action: number;
    client: string;
    clock: string;
    length: string;
    author: string;
    acceptedBy: string | null;
  }>(
    `SELECT action, client, clock, length, author, accepted_by AS "acceptedBy"
     FROM tandem_authorship WHERE document_name = $1`,
    [name],
  );
  const ranges = {
    insertions: [] as AuthoredRanges["insertions"][number][],
    deletions: [] as AuthoredRanges["deletions"][number][],
  };
  for (const row of rows) {
    const range = {
      client: Number(row.client),
      clock: Number(row.clock),
      length: Number(row.length),
      author: row.author,
      ...(row.acceptedBy === null ? {} : { acceptedBy: row.acceptedBy }),
    };
    (row.action === AuthorshipAction.insertion ? ranges.insertions : ranges.deletions).push(range);
  }
  return ranges;
}

/** What a compaction did, with the log rows it could not apply (they stay in the log). */
export interface CompactionOutcome extends CompactionResult {
  readonly unapplied: readonly UnappliedRow<LogRow>[];
}

/**
 * Folds a document's log into its snapshot, in one transaction under the
 * document's advisory lock, so two instances never compact one document at
 * once while appends (which take no lock) continue.
 *
 * `merge` folds the snapshot and the rows into one state and attributes the
 * rows' edits (see `mergeStoredUpdates`; the store runs it on its merge
 * thread). The attribution is written in the same transaction that deletes
 * the rows, so who wrote what is never lost nor counted twice. Exactly the
 * rows that were read are deleted, by their seq, so rows committed meanwhile (whatever their
 * seq: identity values become visible out of order) survive for the next load
 * or compaction. A failure or crash at any step rolls the transaction back and
 * leaves the snapshot and the log as they were: the document stays loadable
 * and complete. With `rewrite`, a snapshot is merged again even when the log
 * is empty (for a merge that drops deleted content).
 */
export async function compactDocument(
  sql: SqlClient,
  name: string,
  merge: (snapshot: StoredUpdate | null, rows: readonly LogRow[]) => Promise<MergedRows<LogRow>>,
  { rewrite = false }: { readonly rewrite?: boolean } = {},
): Promise<CompactionOutcome> {
  return sql.transaction(async (tx) => {
    await lockDocument(tx, name);
    const { found, snapshot, rows } = await readStoredDocumentIn(tx, name);
    if (!found) return { foldedRows: 0, snapshotBytes: 0, unapplied: [] };
    if (rows.length === 0 && (!rewrite || snapshot === null)) {
      return { foldedRows: 0, snapshotBytes: snapshot?.data.byteLength ?? 0, unapplied: [] };
    }

    const { state, unapplied, attribution } = await merge(snapshot, rows);

    // A row that threw stays in the log: it may hold edits a later Yjs applies.
    const kept = new Set(unapplied.map(({ row }) => row));
    const foldedRows = rows.filter((row) => !kept.has(row));
    const folded = foldedRows.map((row) => String(row.seq));
    const lastAuthor = foldedRows.findLast((row) => row.author !== null)?.author ?? null;
    if (attribution) await writeAuthorship(tx, name, attribution);
    // The seqs as one comma-separated text: `pg` escapes an array parameter element by element, which for
    // 100,000 rows held the event loop for tens of milliseconds.
    await tx.query(
      "DELETE FROM tandem_updates WHERE document_name = $1 AND seq = ANY(string_to_array($2, ',')::bigint[])",
      [name, folded.join(",")],
    );
    // Last: this locks the document's row until the commit, and every append
    // batch that touches the document waits for that lock (the batch's upsert),
    // so it is held for this statement and the commit only.
    await tx.query(
      `UPDATE tandem_documents SET snapshot = $2, snapshot_encoding = $3, snapshot_bytes = $4,
         last_author = COALESCE($5, last_author) WHERE name = $1`,
      [name, state, Encoding.V2, state.length, lastAuthor],
    );
    return { foldedRows: folded.length, snapshotBytes: state.length, unapplied };
  });
}
