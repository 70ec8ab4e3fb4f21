import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { databaseUrl, dropSchema, freshSchemaName } from "../../../test/support/postgres.js";
import { isPersistenceError } from "./errors.js";
import { migrate } from "./migrations.js";
import { createPgClient, createSchemaPool } from "./pg-client.js";
import type { SqlClient, SqlExecutor } from "./sql-client.js";
import { type CommitBatch, SqlDocumentStore } from "./sql-store.js";

/** A client that throws once a statement matching `when` is about to run (while `armed`). */
function faulty(inner: SqlClient, when: RegExp) {
  const state = { armed: false, tripped: 0 };
  const guard = (text: string) => {
    if (state.armed && when.test(text)) {
      state.tripped++;
      throw new Error(`injected fault before: ${text.trim().slice(0, 40)}`);
    }
  };
  const wrap = (executor: SqlExecutor): SqlExecutor => ({
    query: (text, params) => {
      guard(text);
      return executor.query(text, params);
    },
  });
  const client: SqlClient = {
    ...wrap(inner),
    transaction: (work) => inner.transaction((tx) => work(wrap(tx))),
    close: () => inner.close(),
  };
  return { client, state };
}

function typist() {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array) => updates.push(update));
  return {
    doc,
    type(count: number) {
      const from = updates.length;
      for (let i = 0; i < count; i++)
        doc.getText("t").insert(doc.getText("t").length, String.fromCharCode(97 + (i % 26)));
      return updates.slice(from);
    },
  };
}

async function loadText(store: SqlDocumentStore, name: string): Promise<string> {
  const doc = new Y.Doc();
  await store.load(name, doc);
  return doc.getText("t").toString();
}

describe("persistence under faults (Postgres)", () => {
  const schema = freshSchemaName("faults");
  let base: SqlClient;

  beforeAll(async () => {
    base = createPgClient(
      createSchemaPool(databaseUrl, schema, () => {}),
      true,
    );
    await migrate(base, schema);
  });
  afterAll(async () => {
    await base.close();
    await dropSchema(schema);
  });

  it.each([
    ["reading the log", /FROM tandem_updates WHERE document_name = \$1 ORDER BY seq/],
    ["writing the snapshot", /^UPDATE tandem_documents SET snapshot/],
    ["deleting the folded rows", /^DELETE FROM tandem_updates WHERE document_name = \$1 AND seq/],
  ])("a failure while %s leaves a loadable, complete document", async (_step, when) => {
    const { client, state } = faulty(base, when);
    const store = new SqlDocumentStore("postgres", client, { compactAfterRows: 0 });
    const name = `fault/${freshSchemaName()}`;
    const writer = typist();
    for (const update of writer.type(50)) await store.append(name, update);
    await store.compact(name);
    for (const update of writer.type(30)) await store.append(name, update);

    state.armed = true;
    await expect(store.compact(name)).rejects.toThrow(/injected fault/);
    expect(state.tripped).toBe(1);
    state.armed = false;

    const expected = writer.doc.getText("t").toString();
    expect(await loadText(store, name)).toBe(expected);
    expect((await store.compact(name)).foldedRows).toBe(30);
    expect(await loadText(store, name)).toBe(expected);
  });

  it("appends racing compactions lose nothing", async () => {
    const store = new SqlDocumentStore("postgres", base, { compactAfterRows: 0 });
    const name = "race/doc";
    const writers = [typist(), typist(), typist()];
    const appends: Promise<void>[] = [];
    const compactions: Promise<unknown>[] = [];
    for (let round = 0; round < 20; round++) {
      for (const writer of writers) for (const update of writer.type(10)) appends.push(store.append(name, update));
      compactions.push(store.compact(name));
    }
    await Promise.all([...appends, ...compactions]);
    const loaded = new Y.Doc();
    await store.load(name, loaded);
    const merged = new Y.Doc();
    for (const writer of writers) Y.applyUpdate(merged, Y.encodeStateAsUpdate(writer.doc));
    expect(loaded.getText("t").toString()).toBe(merged.getText("t").toString());
    expect(loaded.getText("t").length).toBe(600);
  });

  it("group commit shares transactions between concurrent appends", async () => {
    const batches: CommitBatch[] = [];
    const store = new SqlDocumentStore("postgres", base, {
      compactAfterRows: 0,
      onBatchCommitted: (b) => batches.push(b),
    });
    const writer = typist();
    const updates = writer.type(300);
    await Promise.all(updates.map((update, i) => store.append(`batch/${i % 3}`, update)));
    expect(batches.reduce((sum, batch) => sum + batch.updates, 0)).toBe(300);
    expect(batches.length).toBeLessThan(300);
    // Updates to one document within a batch share a row.
    expect(batches.some((batch) => batch.rows < batch.updates)).toBe(true);
  });

  it("a batch that keeps failing rejects its appends with unavailable, after retries", async () => {
    const { client, state } = faulty(base, /^INSERT INTO tandem_updates/);
    const store = new SqlDocumentStore("postgres", client, { compactAfterRows: 0 });
    const writer = typist();
    state.armed = true;
    const results = await Promise.allSettled(writer.type(5).map((update) => store.append("fail/doc", update)));
    expect(results.every((r) => r.status === "rejected" && isPersistenceError(r.reason, "unavailable"))).toBe(true);
    expect(state.tripped).toBeGreaterThan(1);
    state.armed = false;
    expect(await store.stat("fail/doc")).toBeNull();
    // The store works again once the database does.
    await store.append("fail/doc", typist().type(1)[0] as Uint8Array);
    expect(await loadText(store, "fail/doc")).toBe("a");
  });

  it("automatic compaction runs in the background after the threshold", async () => {
    const own = createPgClient(
      createSchemaPool(databaseUrl, schema, () => {}),
      true,
    );
    const store = new SqlDocumentStore("postgres", own, { compactAfterRows: 10, maxBatchUpdates: 1 });
    const writer = typist();
    for (const update of writer.type(25)) await store.append("auto/doc", update);
    // close() waits for the background compaction it started.
    await store.close();
    const check = new SqlDocumentStore("postgres", base);
    const info = await check.stat("auto/doc");
    expect(info?.pendingUpdates).toBeLessThan(10);
    expect(await loadText(check, "auto/doc")).toBe(writer.doc.getText("t").toString());
  });

  it("two stores migrating one fresh schema at once both succeed", async () => {
    const fresh = freshSchemaName("migrate");
    const clients = [0, 1].map(() =>
      createPgClient(
        createSchemaPool(databaseUrl, fresh, () => {}),
        true,
      ),
    );
    try {
      await Promise.all(clients.map((client) => migrate(client, fresh)));
      const [row] = await (clients[0] as SqlClient).query<{ n: string }>(
        "SELECT count(*) AS n FROM tandem_schema_migrations",
      );
      expect(Number(row?.n)).toBe(1);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
      await dropSchema(fresh);
    }
  });
});
