import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { patcherFor, readTrace } from "../../../test/support/editing-traces.js";
import { databaseUrl, dropSchema, freshSchemaName } from "../../../test/support/postgres.js";
import { createPGliteStore } from "./pglite.js";
import { createPostgresStore } from "./postgres.js";
import type { DocumentStore } from "./store.js";

// Editing traces from github.com/josephg/editing-traces by Joseph Gentle, CC BY 4.0.
async function replayEveryEditAsItsOwnUpdate(store: DocumentStore, limit = Number.POSITIVE_INFINITY) {
  const trace = await readTrace("automerge-paper");
  const apply = patcherFor(trace);
  const doc = new Y.Doc();
  const text = doc.getText("t");
  const updates: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array) => updates.push(update));
  for (const txn of trace.txns.slice(0, limit)) {
    doc.transact(() => {
      for (const patch of txn.patches) apply(text, patch);
    });
  }
  // Appended concurrently in chunks, as many typists would: group commit batches them.
  for (let i = 0; i < updates.length; i += 5000) {
    await Promise.all(updates.slice(i, i + 5000).map((update) => store.append("paper", update)));
  }
  return { trace, updates: updates.length, expected: text.toString() };
}

describe("automerge-paper, one update per edit", () => {
  it("appended to Postgres, compacted, loads to exactly endContent", async () => {
    const schema = freshSchemaName("trace");
    const store = await createPostgresStore({ connectionString: databaseUrl, schema, compactAfterRows: 0 });
    try {
      const { trace, updates, expected } = await replayEveryEditAsItsOwnUpdate(store);
      expect(updates).toBe(trace.txns.length);
      expect(expected).toBe(trace.endContent);
      const result = await store.compact("paper");
      expect(result.foldedRows).toBeGreaterThan(0);
      const loaded = new Y.Doc();
      await store.load("paper", loaded);
      expect(loaded.getText("t").toString()).toBe(trace.endContent);
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  }, 300_000);

  it("appended to PGlite, compacted, loads to exactly endContent", async () => {
    const store = await createPGliteStore({ compactAfterRows: 0 });
    try {
      const { trace, expected } = await replayEveryEditAsItsOwnUpdate(store);
      expect(expected).toBe(trace.endContent);
      await store.compact("paper");
      const loaded = new Y.Doc();
      await store.load("paper", loaded);
      expect(loaded.getText("t").toString()).toBe(trace.endContent);
    } finally {
      await store.close();
    }
  }, 300_000);
});
