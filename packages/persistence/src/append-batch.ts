import * as Y from "yjs";
import { Encoding } from "./encoding.js";
import type { QueuedAppend, WrittenBatch } from "./group-commit.js";
import type { SqlClient } from "./sql-client.js";

// Only short runs of small updates are merged: Y.mergeUpdates costs about
// 10 µs an update at these sizes and grows super-linearly on long lists.
const MAX_MERGED_UPDATES = 100;
const MAX_MERGED_UPDATE_BYTES = 16 * 1024;

interface LogRow {
  readonly name: string;
  readonly data: Uint8Array;
}

/**
 * The rows of one batch: appends to the same document are merged into one
 * row per short run of small updates, which saves a row header, an index
 * entry and their WAL per keystroke under load. Arrival order is kept.
 */
function rowsOf(batch: readonly QueuedAppend[]): LogRow[] {
  const runs = new Map<string, Uint8Array[][]>();
  for (const { name, update } of batch) {
    let documentRuns = runs.get(name);
    if (documentRuns === undefined) {
      documentRuns = [];
      runs.set(name, documentRuns);
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
  for (const [name, documentRuns] of runs) {
    for (const run of documentRuns) {
      for (const data of merged(run)) rows.push({ name, data });
    }
  }
  return rows;
}

const isSmall = (update: Uint8Array) => update.length <= MAX_MERGED_UPDATE_BYTES;

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
 * Writes a group-commit batch in one transaction: the document rows first
 * (created if new, `updated_at` bumped), then one multi-row INSERT into the
 * log. Documents are upserted in name order, so that two instances writing the
 * same documents take their row locks in one order and cannot deadlock.
 */
export async function writeBatch(sql: SqlClient, batch: readonly QueuedAppend[]): Promise<WrittenBatch> {
  const rows = rowsOf(batch);
  const names = [...new Set(rows.map((row) => row.name))].sort();
  await sql.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO tandem_documents (name) VALUES ${names.map((_, i) => `($${i + 1})`).join(", ")}
       ON CONFLICT (name) DO UPDATE SET updated_at = now()`,
      names,
    );
    await tx.query(
      `INSERT INTO tandem_updates (document_name, data, encoding)
       VALUES ${rows.map((_, i) => `($${2 * i + 1}, $${2 * i + 2}, ${Encoding.V1})`).join(", ")}`,
      rows.flatMap((row) => [row.name, row.data]),
    );
  });
  return { rows: rows.length, bytes: rows.reduce((sum, row) => sum + row.data.length, 0) };
}
