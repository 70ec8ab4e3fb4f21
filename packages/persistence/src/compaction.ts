import * as Y from "yjs";
import type { SqlClient } from "./sql-client.js";
import type { CompactionResult } from "./store.js";

/**
 * Folds a document's log into its snapshot, in one transaction under a
 * per-document advisory lock (so two instances never compact one document at
 * once; appends take no lock and continue meanwhile).
 *
 * The rows are merged by loading them into a fresh Y.Doc and re-encoding,
 * which is linear in the number of updates (`Y.mergeUpdates` over long lists
 * is not). Exactly the rows that were read are deleted, so rows committed
 * while this runs survive for the next load or compaction. A crash anywhere
 * rolls the transaction back and leaves the snapshot and log as they were.
 */
export async function compact(sql: SqlClient, name: string): Promise<CompactionResult> {
  return sql.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 7461636))", [`tandem:${name}`]);
    const [document] = await tx.query<{ snapshot: Uint8Array | null }>(
      "SELECT snapshot FROM tandem_documents WHERE name = $1",
      [name],
    );
    const rows = await tx.query<{ seq: string; data: Uint8Array }>(
      "SELECT seq::text AS seq, data FROM tandem_updates WHERE document_name = $1 ORDER BY seq",
      [name],
    );
    if (!document || rows.length === 0) {
      return { foldedRows: 0, snapshotBytes: document?.snapshot?.length ?? 0 };
    }
    const doc = new Y.Doc();
    Y.transact(doc, () => {
      if (document.snapshot) Y.applyUpdateV2(doc, document.snapshot);
      for (const row of rows) Y.applyUpdate(doc, row.data);
    });
    const snapshot = Y.encodeStateAsUpdateV2(doc);
    doc.destroy();
    await tx.query("UPDATE tandem_documents SET snapshot = $2, snapshot_bytes = $3 WHERE name = $1", [
      name,
      snapshot,
      snapshot.length,
    ]);
    await tx.query("DELETE FROM tandem_updates WHERE document_name = $1 AND seq = ANY($2::bigint[])", [
      name,
      rows.map((row) => row.seq),
    ]);
    return { foldedRows: rows.length, snapshotBytes: snapshot.length };
  });
}
