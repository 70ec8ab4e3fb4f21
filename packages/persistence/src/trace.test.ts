import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { applyTraceToYText, readTrace } from "../../../test/support/editing-traces.js";
import { databaseUrl, dropSchema, freshSchemaName } from "../../../test/support/postgres.js";
import type { DocumentStore, StoreOptions } from "./index.js";
import type { CommitBatch } from "./options.js";
import { createPGliteStore } from "./pglite.js";
import { createPostgresStore } from "./postgres.js";

// automerge-paper (the editing history of Kleppmann & Beresford's paper, CC BY 4.0; credits in
// test/fixtures/editing-traces): the longest real history there is, and the one the cold-load and durability
// benchmarks measure, so this proves at full size that what they time loads back exactly.

/** Every one of the trace's 259,778 edits becomes an update of its own. */
async function tracedUpdates() {
  const trace = await readTrace("automerge-paper");
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array) => updates.push(update));
  applyTraceToYText(trace, doc.getText("t"));
  return { trace, updates, replayed: doc.getText("t").toString() };
}

/**
 * Appends every update, concurrently in chunks as many typists would (group
 * commit batches them), then checks the document loads to exactly the
 * trace's final text from the log, and again after compaction.
 */
async function appendCompactLoad(open: (options: StoreOptions) => Promise<DocumentStore>) {
  const { trace, updates, replayed } = await tracedUpdates();
  expect(updates).toHaveLength(trace.txns.length);
  expect(replayed).toBe(trace.endContent);

  const batches: CommitBatch[] = [];
  const store = await open({ compactAfterRows: 0, onBatchCommitted: (batch) => batches.push(batch) });
  try {
    for (let i = 0; i < updates.length; i += 5000) {
      await Promise.all(updates.slice(i, i + 5000).map((update) => store.append("paper", update)));
    }
    expect(batches.reduce((sum, batch) => sum + batch.updates, 0)).toBe(updates.length);
    expect(batches.length).toBeLessThan(updates.length / 10);

    const fromLog = new Y.Doc();
    const { logRows } = await store.load("paper", fromLog);
    expect(logRows).toBe(batches.reduce((sum, batch) => sum + batch.rows, 0));
    expect(fromLog.getText("t").toString()).toBe(trace.endContent);

    expect((await store.compact("paper")).foldedRows).toBe(logRows);
    const compacted = new Y.Doc();
    expect(await store.load("paper", compacted)).toEqual({ found: true, logRows: 0 });
    expect(compacted.getText("t").toString()).toBe(trace.endContent);
  } finally {
    await store.close();
  }
}

describe("automerge-paper, every edit appended as its own update, compacted, loads to exactly endContent", () => {
  it("on Postgres", async () => {
    const schema = freshSchemaName("trace");
    try {
      await appendCompactLoad((options) => createPostgresStore({ connectionString: databaseUrl, schema, ...options }));
    } finally {
      await dropSchema(schema);
    }
  }, 180_000);

  it("on PGlite", async () => {
    await appendCompactLoad((options) => createPGliteStore(options));
  }, 180_000);
});
