import type { LogRow } from "./compaction.js";
import { Encoding, type StoredUpdate } from "./encoding.js";
import type { SqlClient, SqlExecutor } from "./sql-client.js";

/** The stored state of a document: its snapshot and log rows, as one consistent read. */
export interface StoredDocument {
  readonly found: boolean;
  readonly snapshot: StoredUpdate | null;
  /** In seq order (numeric), the order Yjs integrates fastest. */
  readonly rows: readonly LogRow[];
  /** The author of the newest row that has one, else the last one compaction kept. */
  readonly lastAuthor: string | null;
}

// One statement, so that the snapshot and the log come from one database
// snapshot: a compaction committing in between can neither hide rows nor show
// them twice. All rows are read, never "seq above x": identity values become
// visible at commit, out of order.
//
// The log comes back as one row of aggregates, not one row per update: `pg`
// parses each row of a result field by field, which for a 100,000-row log
// took 135 ms of the main thread's CPU against 17 ms for the aggregates, and
// sorting the rows of a union took Postgres longer than reading them. Bytes
// travel as base64, which Node decodes several times faster than the hex
// text `pg` receives bytea as. Every aggregate sees the rows in the same
// order, so the n-th entries of each belong together; the subquery's order
// (the primary key's) is the one Postgres feeds them in practice, but SQL
// does not promise it, so `readStoredDocument` checks it.
//
// A snapshot larger than SNAPSHOT_INLINE_BYTES is left out of the statement
// and read in pieces of SNAPSHOT_PIECE_BYTES instead: `pg` parses a field in
// one go, and an 8 MB snapshot was one turn of the event loop of 80-210 ms,
// during which no other document's edit got through.
const READ_SQL = `
  SELECT d.name IS NOT NULL AS found, octet_length(d.snapshot) AS snapshot_bytes,
         CASE WHEN octet_length(d.snapshot) <= $2 THEN encode(d.snapshot, 'base64') END AS snapshot,
         d.snapshot_encoding, d.last_author, l.data, l.lengths, l.encodings, l.seqs, l.authors, l.accepted_by
  FROM (
    SELECT encode(string_agg(data, ''::bytea), 'base64') AS data,
           string_agg(octet_length(data)::text, ',') AS lengths,
           string_agg(encoding::text, ',') AS encodings,
           string_agg(seq::text, ',') AS seqs,
           json_agg(author) AS authors,
           json_agg(accepted_by) AS accepted_by
    FROM (SELECT seq, data, encoding, author, accepted_by FROM tandem_updates WHERE document_name = $1 ORDER BY seq) u
  ) l
  LEFT JOIN tandem_documents d ON d.name = $1`;

interface ReadRow {
  found: boolean;
  /** A number from `pg`, perhaps a bigint or a string from other clients: only ever passed to Number. */
  snapshot_bytes: number | string | null;
  /** As base64; null when there is none, or when it is too large to read inline (see SNAPSHOT_INLINE_BYTES). */
  snapshot: string | null;
  snapshot_encoding: number | null;
  last_author: string | null;
  /** The log rows' bytes, one after the other (null: no rows). */
  data: string | null;
  lengths: string | null;
  encodings: string | null;
  seqs: string | null;
  authors: (string | null)[] | null;
  accepted_by: (string | null)[] | null;
}

/** The log rows the aggregates hold, as views into one buffer, in seq order. */
function logRows({ data, lengths, encodings, seqs, authors, accepted_by: acceptors }: ReadRow): LogRow[] {
  if (data === null || lengths === null || encodings === null || seqs === null || authors === null) return [];
  const bytes = Buffer.from(data, "base64");
  const encodingList = encodings.split(",");
  const seqList = seqs.split(",");
  const rows: LogRow[] = [];
  let start = 0;
  for (const [index, length] of lengths.split(",").entries()) {
    const end = start + Number(length);
    rows.push({
      seq: seqList[index] as string,
      data: bytes.subarray(start, end),
      encoding: Number(encodingList[index]),
      author: authors[index] ?? null,
      acceptedBy: acceptors?.[index] ?? null,
    });
    start = end;
  }
  if (start !== bytes.byteLength) throw new Error("the log's aggregates do not add up");
  return inSeqOrder(rows);
}

/** Orders two seqs: digits without leading zeros, so the shorter is the smaller, and of equal lengths the first in text order. */
const bySeq = (a: LogRow, b: LogRow) => {
  const [x, y] = [String(a.seq), String(b.seq)];
  return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
};

/** `rows`, sorted by seq if Postgres fed the aggregates in another order. */
function inSeqOrder(rows: LogRow[]): LogRow[] {
  for (let i = 1; i < rows.length; i++) {
    if (bySeq(rows[i - 1] as LogRow, rows[i] as LogRow) > 0) return rows.sort(bySeq);
  }
  return rows;
}

/** The largest snapshot read in the statement that reads the log; a larger one is read in pieces. */
const SNAPSHOT_INLINE_BYTES = 1024 * 1024;

/**
 * The bytes of a snapshot read in one statement, when it is read in pieces.
 * Each piece is one turn of `pg` parsing its base64 text into fresh memory,
 * whose pages the kernel maps at first touch: in the isolation benchmark's
 * 8 MB load, on a VM where that costs about 3 ms a MiB, a 1 MiB piece took
 * 14–21 ms of the event loop and a 256 KiB one mostly 3–8 ms (CPU profiles
 * of the server), for a round trip to Postgres more per 256 KiB.
 */
const SNAPSHOT_PIECE_BYTES = 256 * 1024;

const PIECE_SQL = `SELECT encode(substring(snapshot from $2 for $3), 'base64') AS piece FROM tandem_documents WHERE name = $1`;

/**
 * The snapshot of `bytes` bytes, read piece by piece into one buffer, each
 * piece a statement of its own, so that `pg` parses one piece per turn.
 */
async function readSnapshotInPieces(sql: SqlExecutor, name: string, bytes: number): Promise<Buffer> {
  const snapshot = Buffer.allocUnsafe(bytes);
  for (let offset = 0; offset < bytes; offset += SNAPSHOT_PIECE_BYTES) {
    const [row] = await sql.query<{ piece: string | null }>(PIECE_SQL, [name, offset + 1, SNAPSHOT_PIECE_BYTES]);
    const expected = Math.min(SNAPSHOT_PIECE_BYTES, bytes - offset);
    if (row?.piece == null || snapshot.write(row.piece, offset, "base64") !== expected) {
      throw new Error("the snapshot changed while it was read in pieces");
    }
  }
  return snapshot;
}

async function readRow(sql: SqlExecutor, name: string): Promise<ReadRow> {
  const [row] = await sql.query<ReadRow>(READ_SQL, [name, SNAPSHOT_INLINE_BYTES]);
  if (row === undefined) throw new Error("the log's aggregates returned no row");
  return row;
}

/** The bytes of the snapshot the statement left out for being too large (0: it left none out). */
function leftOut(row: ReadRow): number {
  return row.snapshot === null && row.snapshot_bytes !== null ? Number(row.snapshot_bytes) : 0;
}

/** The snapshot the statement held, decoded (null: it has none, or left it out). */
function inlineSnapshot(row: ReadRow): Buffer | null {
  return row.snapshot === null ? null : Buffer.from(row.snapshot, "base64");
}

function storedDocument(row: ReadRow, snapshotData: Uint8Array | null): StoredDocument {
  const rows = logRows(row);
  const snapshot =
    snapshotData === null ? null : { data: snapshotData, encoding: row.snapshot_encoding ?? Encoding.V2 };
  const lastAuthor = rows.findLast((log) => log.author !== null)?.author ?? (row.found ? row.last_author : null);
  return { found: row.found, snapshot, rows, lastAuthor };
}

/**
 * Reads a document's snapshot and log as one consistent state, through `sql`,
 * in which the snapshot must not change between statements: a transaction
 * that holds the document's lock (compaction, the only writer of snapshots,
 * takes it), or a REPEATABLE READ one. A snapshot larger than
 * {@link SNAPSHOT_INLINE_BYTES} is read in pieces.
 */
export async function readStoredDocumentIn(sql: SqlExecutor, name: string): Promise<StoredDocument> {
  const row = await readRow(sql, name);
  const bytes = leftOut(row);
  return storedDocument(row, bytes > 0 ? await readSnapshotInPieces(sql, name, bytes) : inlineSnapshot(row));
}

/**
 * Reads a document's snapshot and log as one consistent state (see
 * {@link StoredDocument}): in one statement, unless the snapshot is larger
 * than {@link SNAPSHOT_INLINE_BYTES}; then the read is made again, the
 * snapshot in pieces, in one REPEATABLE READ transaction, so that every piece
 * and the log come from one database snapshot even if a compaction replaces
 * the snapshot meanwhile.
 */
export async function readStoredDocument(sql: SqlClient, name: string): Promise<StoredDocument> {
  const row = await readRow(sql, name);
  if (leftOut(row) === 0) return storedDocument(row, inlineSnapshot(row));
  return sql.transaction(async (tx) => {
    await tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    return readStoredDocumentIn(tx, name);
  });
}
