import * as Y from "yjs";
import { Encoding } from "./encoding.js";
import type { QueuedAppend, WrittenBatch } from "./group-commit.js";
import type { SqlExecutor } from "./sql-client.js";

// Only short runs of small updates are merged: Y.mergeUpdates costs about
// 10 µs an update at these sizes and grows super-linearly on long lists.
const MAX_MERGED_UPDATES = 100;
const MAX_MERGED_UPDATE_BYTES = 16 * 1024;

interface LogRow {
  readonly name: string;
  readonly data: Uint8Array;
  readonly author: string | null;
  readonly acceptedBy: string | null;
}

/**
 * The rows of one batch: appends to the same document by the same author
 * are merged into one row per short run of small updates, which saves a row
 * header, an index entry and their WAL per keystroke under load. A row has
 * one author (and acceptor), so appends of different authors are never
 * merged. Arrival order is kept.
 */
function rowsOf(batch: readonly QueuedAppend[]): LogRow[] {
  const runs = new Map<
    string,
    { name: string; author: string | null; acceptedBy: string | null; runs: Uint8Array[][] }
  >();
  for (const { name, update, author, acceptedBy } of batch) {
    // JSON keeps the parts apart whatever characters they hold.
    const key = JSON.stringify([name, author, acceptedBy]);
    let documentRuns = runs.get(key)?.runs;
    if (documentRuns === undefined) {
      documentRuns = [];
      runs.set(key, { name, author, acceptedBy, runs: documentRuns });
    }
    // A run of two or more holds only small updates, so its first one tells.
    const last = documentRuns.at(-1);
    if (isSmall(update) && last?.[0] !== undefined && isSmall(last[0]) && last.length < MAX_MERGED_UPDATES) {
      last.push(update);
    } else {
      documentRuns.push([update]);
    }
  }
  const rows: LogRow[] = [];
  for (const { name, author, acceptedBy, runs: documentRuns } of runs.values()) {
    for (const run of documentRuns) {
      for (const data of merged(run)) rows.push({ name, data, author, acceptedBy });
    }
  }
  return rows;
}

const isSmall = (update: Uint8Array) => update.length <= MAX_MERGED_UPDATE_BYTES;

// Batches of up to this many documents and rows use a prepared statement per
// shape (at most 32 × 32 per connection, usually far fewer: a document's rows
// are merged per author, so rows ≈ documents × writers). Postgres then spends about 90 µs on a
// one-row batch instead of 200-260 µs parsing and planning it every time.
const MAX_PREPARED_SHAPE = 32;

/** The statement for a batch of `documents` documents and `rows` log rows (see {@link writeBatch}). */
function statementText(documents: number, rows: number): string {
  const first = documents + 1;
  return `WITH documents AS (
       INSERT INTO tandem_documents (name) VALUES ${Array.from({ length: documents }, (_, i) => `($${i + 1})`).join(", ")}
       ON CONFLICT (name) DO UPDATE SET updated_at = now()
       WHERE tandem_documents.updated_at < now() - interval '1 second'
       RETURNING 1
     )
     INSERT INTO tandem_updates (document_name, data, encoding, author, accepted_by)
     SELECT name, data, ${Encoding.V1}, author, accepted_by
     FROM (VALUES ${Array.from({ length: rows }, (_, i) => `($${first + 4 * i}::text, $${first + 4 * i + 1}::bytea, $${first + 4 * i + 2}::text, $${first + 4 * i + 3}::text)`).join(", ")}) AS batch (name, data, author, accepted_by)
     WHERE (SELECT count(*) FROM documents) >= 0`;
}

// Built once per shape: under load nearly every commit has one of a few
// shapes, and building the text again cost about 5 µs of each commit.
const preparedStatements = new Map<number, { readonly name: string; readonly text: string }>();

/** The prepared statement for a batch of this shape (both counts at most {@link MAX_PREPARED_SHAPE}). */
function preparedStatement(documents: number, rows: number): { readonly name: string; readonly text: string } {
  const shape = documents * (MAX_PREPARED_SHAPE + 1) + rows;
  let statement = preparedStatements.get(shape);
  if (statement === undefined) {
    statement = { name: `tandem_append_${documents}_${rows}`, text: statementText(documents, rows) };
    preparedStatements.set(shape, statement);
  }
  return statement;
}

function merged(run: Uint8Array[]): Uint8Array[] {
  if (run.length === 1) return run;
  try {
    return [Y.mergeUpdates(run)];
  } catch {
    // Every update was validated, so this is not expected; but one odd
    // update must not fail the appends of everyone else in the batch.
    return run;
  }
}

/**
 * Writes a group-commit batch as one statement, so one round trip to
 * Postgres and its implicit transaction: the document rows first (created if
 * new, locked, `updated_at` bumped), then the log rows. Four round trips
 * (BEGIN, two inserts, COMMIT) cost more than the commit itself on a busy
 * machine, and every acknowledgment waits for them.
 *
 * `updated_at` moves at most once a second: bumping it is an update that
 * cannot be HOT (the column is indexed), so it writes a new row version and
 * two index entries, about 200 bytes of WAL, which per keystroke was a third
 * of all the WAL an edit cost. The row is locked either way (ON CONFLICT DO
 * UPDATE locks rows its WHERE skips), which is what delete() relies on.
 *
 * The log insert reads the upsert's row count in a one-time filter (always
 * true), which makes Postgres finish the upsert before it inserts a log row
 * (an unreferenced data-modifying CTE would run last). Documents are upserted
 * in name order, so that two instances writing the same documents take their
 * row locks in one order and cannot deadlock.
 */
export async function writeBatch(sql: SqlExecutor, batch: readonly QueuedAppend[]): Promise<WrittenBatch> {
  const rows = rowsOf(batch);
  const names = [...new Set(rows.map((row) => row.name))].sort();
  const values = [...names, ...rows.flatMap((row) => [row.name, row.data, row.author, row.acceptedBy])];
  if (names.length <= MAX_PREPARED_SHAPE && rows.length <= MAX_PREPARED_SHAPE) {
    const { name, text } = preparedStatement(names.length, rows.length);
    await sql.query(text, values, name);
  } else {
    await sql.query(statementText(names.length, rows.length), values);
  }
  const rowsPerDocument = new Map<string, number>();
  for (const { name } of rows) rowsPerDocument.set(name, (rowsPerDocument.get(name) ?? 0) + 1);
  return { rows: rows.length, bytes: rows.reduce((sum, row) => sum + row.data.length, 0), rowsPerDocument };
}
