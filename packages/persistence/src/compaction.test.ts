import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { isPersistenceError, type PersistenceError } from "./errors.js";
import { SqlDocumentStore } from "./sql-store.js";
import { backends, postgres, type TestDatabase } from "./testing/backends.js";
import { loadText, typist, uniqueName, varUint } from "./testing/documents.js";
import { faultySql } from "./testing/faulty-sql.js";

/** A document with a snapshot (50 keystrokes) and a log of 30 rows: compaction has every step to do. */
async function documentWithSnapshotAndLog(store: SqlDocumentStore) {
  const name = uniqueName("fault");
  const writer = typist();
  for (const update of writer.type(50)) await store.append(name, update);
  await store.compact(name);
  // One at a time, so each keystroke is a row of its own.
  for (const update of writer.type(30)) await store.append(name, update);
  return { name, expected: writer.text.toString() };
}

describe.each(backends)("compaction on $name", (backend) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await backend.open();
  });
  afterAll(async () => {
    await db.dispose();
  });

  it("a failure before any one of compaction's statements leaves a loadable, complete document", async () => {
    const faults = faultySql(db.client());
    const store = new SqlDocumentStore(db.kind, faults.client, { compactAfterRows: 0 });
    const sample = await documentWithSnapshotAndLog(store);
    const before = faults.statements;
    await store.compact(sample.name);
    const steps = faults.statements - before;
    // Lock, read the snapshot and the log, delete the rows read, write the snapshot.
    expect(steps).toBe(4);

    for (let step = 0; step < steps; step++) {
      const { name, expected } = await documentWithSnapshotAndLog(store);
      const start = faults.statements;
      faults.failStatements((_text, index) => index === start + step);
      await expect(store.compact(name)).rejects.toSatisfy(
        (error: PersistenceError) => isPersistenceError(error, "unavailable") && /injected fault/.test(error.message),
      );
      faults.heal();
      expect(faults.tripped).toBe(step + 1);
      expect(await loadText(store, name)).toBe(expected);
      expect((await store.stat(name))?.pendingUpdates).toBe(30);
      // A retry completes the compaction.
      expect((await store.compact(name)).foldedRows).toBe(30);
      expect(await loadText(store, name)).toBe(expected);
    }
    await store.close();
  });

  it.each(["before-commit", "after-commit"] as const)(
    "a failure %s leaves a loadable, complete document",
    async (when) => {
      const faults = faultySql(db.client());
      const store = new SqlDocumentStore(db.kind, faults.client, { compactAfterRows: 0 });
      const { name, expected } = await documentWithSnapshotAndLog(store);
      faults.failCommit(when);
      await expect(store.compact(name)).rejects.toThrow(/injected fault/);
      faults.heal();
      expect(await loadText(store, name)).toBe(expected);
      // Rolled back, the rows are still there; committed, they are folded.
      expect((await store.stat(name))?.pendingUpdates).toBe(when === "before-commit" ? 30 : 0);
      expect((await store.compact(name)).foldedRows).toBe(when === "before-commit" ? 30 : 0);
      expect(await loadText(store, name)).toBe(expected);
      await store.close();
    },
  );

  it("appends racing repeated compactions from two stores lose nothing", async () => {
    // Two stores on separate clients stand for two server instances: on
    // Postgres their compactions really contend for the advisory lock.
    const stores = [0, 1].map(() => new SqlDocumentStore(db.kind, db.client(), { compactAfterRows: 0 }));
    await Promise.all(stores.map((store) => store.startMergeThread()));
    const name = uniqueName("race");
    const writers = Array.from({ length: 4 }, () => typist());
    let appending = true;
    let compactions = 0;
    let folded = 0;
    const compactors = stores.map(async (store) => {
      while (appending) {
        const { foldedRows } = await store.compact(name);
        folded += foldedRows;
        compactions++;
        // On PGlite a compaction never waits for I/O: without a turn of the
        // event loop here, this loop would starve the appends' group commit.
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
    // At least 20 rounds, and on until the compactions really raced them.
    let rounds = 0;
    for (; rounds < 20 || compactions < 3; rounds++) {
      await Promise.all(
        writers.flatMap((writer, i) => writer.type(10).map((update) => stores[i % 2]?.append(name, update))),
      );
    }
    appending = false;
    await Promise.all(compactors);

    expect(folded).toBeGreaterThan(0);
    const expected = new Y.Doc();
    for (const writer of writers) Y.applyUpdate(expected, Y.encodeStateAsUpdate(writer.doc));
    for (const store of stores) {
      const text = await loadText(store, name);
      expect(text).toHaveLength(rounds * writers.length * 10);
      expect(text).toBe(expected.getText("t").toString());
    }
    await stores[0]?.compact(name);
    expect(await loadText(stores[1] as SqlDocumentStore, name)).toBe(expected.getText("t").toString());
    await Promise.all(stores.map((store) => store.close()));
  });

  it("compacts in the background once the log reaches the threshold, after appends or a load", async () => {
    const name = uniqueName("auto");
    const writer = typist();
    const manual = new SqlDocumentStore(db.kind, db.client(), { compactAfterRows: 0 });
    for (const update of writer.type(15)) await manual.append(name, update);
    expect((await manual.stat(name))?.pendingUpdates).toBe(15);

    // Loading a long log schedules a compaction; close() waits for it.
    const loading = new SqlDocumentStore(db.kind, db.client(), { compactAfterRows: 10 });
    await loading.load(name, new Y.Doc());
    await loading.close();
    expect((await manual.stat(name))?.pendingUpdates).toBe(0);

    const appending = new SqlDocumentStore(db.kind, db.client(), { compactAfterRows: 10, maxBatchUpdates: 1 });
    for (const update of writer.type(25)) await appending.append(name, update);
    await appending.close();
    expect((await manual.stat(name))?.pendingUpdates).toBeLessThan(10);
    expect(await loadText(manual, name)).toBe(writer.text.toString());
    await manual.close();
  });

  it("counts the threshold in log rows: appends merged into one row count once", async () => {
    const name = uniqueName("auto-rows");
    const writer = typist();
    const store = new SqlDocumentStore(db.kind, db.client(), { compactAfterRows: 10 });
    // Appended together, 30 small appends of one author share a batch and are stored as one row.
    await Promise.all(writer.type(30).map((update) => store.append(name, update)));
    await store.close();
    const check = new SqlDocumentStore(db.kind, db.client(), { compactAfterRows: 0 });
    expect((await check.stat(name))?.pendingUpdates).toBe(1);
    expect(await loadText(check, name)).toBe(writer.text.toString());
    await check.close();
  });

  it("reports a failed background compaction to onBackgroundError, and the document stays complete", async () => {
    const name = uniqueName("auto-fail");
    const faults = faultySql(db.client());
    const errors: PersistenceError[] = [];
    const store = new SqlDocumentStore(db.kind, faults.client, {
      compactAfterRows: 5,
      onBackgroundError: (error) => errors.push(error),
    });
    faults.failStatements((text) => text.startsWith("UPDATE tandem_documents SET snapshot"));
    const writer = typist();
    for (const update of writer.type(5)) await store.append(name, update);
    await store.close();
    expect(faults.tripped).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: "unavailable", message: expect.stringContaining(name) });

    const check = new SqlDocumentStore(db.kind, db.client(), { compactAfterRows: 0 });
    expect(await loadText(check, name)).toBe(writer.text.toString());
    expect((await check.stat(name))?.pendingUpdates).toBe(5);
    await check.close();
  });

  it("load and compaction read the log in numeric seq order, the order Yjs integrates fastest", async () => {
    const inner = db.client();
    const seqsRead: string[][] = [];
    const record = async <Row>(rows: Promise<Row[]>, text: string) => {
      const result = await rows;
      if (/^\s*SELECT[\s\S]*FROM tandem_updates/.test(text)) {
        // Row by row (compaction) or aggregated, one comma-separated list (a load).
        const seqs = result.flatMap((row) => {
          const { seq, seqs } = row as { seq?: unknown; seqs?: string };
          return seqs === undefined ? [String(seq)] : seqs.split(",");
        });
        seqsRead.push(seqs);
      }
      return result;
    };
    const recording: typeof inner = {
      ...inner,
      query: (text, params) => record(inner.query(text, params), text),
      transaction: (work) =>
        inner.transaction((tx) => work({ query: (text, params) => record(tx.query(text, params), text) })),
    };
    const store = new SqlDocumentStore(db.kind, recording, { compactAfterRows: 0 });
    const name = uniqueName("order");
    const writer = typist();
    await store.setMetadata(name, {});
    // Seqs whose text order (10, 100, 9) differs from their numeric order.
    const [a, b, c] = writer.type(3);
    await inner.query(
      `INSERT INTO tandem_updates (document_name, seq, data) OVERRIDING SYSTEM VALUE
       VALUES ($1, 100, $4), ($1, 9, $2), ($1, 10, $3)`,
      [name, a, b, c],
    );
    expect(await loadText(store, name)).toBe("abc");
    expect((await store.compact(name)).foldedRows).toBe(3);
    expect(seqsRead).toEqual([
      ["9", "10", "100"],
      ["9", "10", "100"],
    ]);
    await store.close();
  });

  it("keeps and reports a stored row that does not apply, loading and compacting everything else", async () => {
    const name = uniqueName("unapplicable");
    const errors: PersistenceError[] = [];
    const store = new SqlDocumentStore(db.kind, db.client(), {
      compactAfterRows: 0,
      onBackgroundError: (error) => errors.push(error),
    });
    const writer = typist(7);
    for (const update of writer.type(40)) await store.append(name, update);
    // Item 7:40 with a right origin (7:45) its own client had not created: Yjs
    // decodes it but throws while applying it. append() refuses it; a row
    // written by some older writer could still hold it.
    const poison = new Uint8Array([1, 1, 7, 40, 0xc4, 7, 10, 7, 45, ...varUint(1), 97, 0]);
    expect(() => Y.decodeUpdate(poison)).not.toThrow();
    await expect(store.append(name, poison)).rejects.toSatisfy((error) => isPersistenceError(error, "invalid-update"));
    await db.client().query("INSERT INTO tandem_updates (document_name, data) VALUES ($1, $2)", [name, poison]);
    for (const update of writer.type(5)) await store.append(name, update);

    expect(await loadText(store, name)).toBe(writer.text.toString());
    expect(errors.map((error) => error.code)).toEqual(["invalid-update"]);
    expect(errors[0]?.message).toMatch(/log row \d+ of .* does not apply/);

    expect((await store.compact(name)).foldedRows).toBe(45);
    expect((await store.stat(name))?.pendingUpdates).toBe(1);
    expect(errors).toHaveLength(2);
    expect(await loadText(store, name)).toBe(writer.text.toString());
    await store.close();
  });
});

describe("compaction on Postgres beside appends", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await postgres.open();
  });
  afterAll(async () => {
    await db.dispose();
  });

  it("appends to the document commit while its compaction runs, up to its last statement", async () => {
    const faults = faultySql(db.client());
    const store = new SqlDocumentStore(db.kind, faults.client, { compactAfterRows: 0 });
    const { name } = await documentWithSnapshotAndLog(store);
    const writer = typist(9);
    // The compaction's fourth and last statement (see the first test), held: everything before it has run.
    const start = faults.statements;
    const held = faults.holdNext(() => faults.statements === start + 4);
    const compaction = store.compact(name);
    await held.reached;
    // A row lock taken earlier in the compaction's transaction would hold this append until its commit.
    for (const update of writer.type(3)) await store.append(name, update);
    held.release();
    expect((await compaction).foldedRows).toBe(30);
    expect((await store.stat(name))?.pendingUpdates).toBe(3);
    await store.close();
  });
});

describe("compaction on Postgres when the session dies", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await postgres.open();
  });
  afterAll(async () => {
    await db.dispose();
  });

  it("a session killed in the middle of a compaction leaves a loadable, complete document", async () => {
    const faults = faultySql(db.client());
    const store = new SqlDocumentStore(db.kind, faults.client, { compactAfterRows: 0 });
    const { name, expected } = await documentWithSnapshotAndLog(store);
    faults.failStatements((text) => text.startsWith("DELETE FROM tandem_updates"), "kill-session");
    await expect(store.compact(name)).rejects.toSatisfy((error) => isPersistenceError(error, "unavailable"));
    faults.heal();
    expect(faults.tripped).toBe(1);
    // The pool replaced the dead connection; the store goes on.
    expect(await loadText(store, name)).toBe(expected);
    expect((await store.compact(name)).foldedRows).toBe(30);
    expect(await loadText(store, name)).toBe(expected);
    await store.close();
  });
});
