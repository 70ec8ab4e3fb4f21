import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { databaseUrl, dropSchema, freshSchemaName } from "../../../test/support/postgres.js";
import { createPostgresStore } from "./postgres.js";
import { SLICED_LOAD_BYTES } from "./sql-store.js";
import type { DocumentStore } from "./store.js";

describe("loading a large document", () => {
  let schema: string;
  let store: DocumentStore;
  beforeEach(async () => {
    schema = freshSchemaName("sliced");
    store = await createPostgresStore({ connectionString: databaseUrl, schema, compactAfterRows: 0 });
  });
  afterEach(async () => {
    await store.close();
    await dropSchema(schema);
  });

  it("applies it in slices with the event loop free between them, to the same document", async () => {
    // Two writers with interleaved edits and deletions, partly compacted, partly in the log.
    const [ada, bob] = [new Y.Doc(), new Y.Doc()];
    for (const doc of [ada, bob]) doc.on("update", (update: Uint8Array) => void store.append("doc/large", update));
    for (let i = 0; i < 3000; i++) {
      const [doc, other] = i % 2 === 0 ? [ada, bob] : [bob, ada];
      const text = doc.getText("t");
      text.insert((i * 13) % (text.length + 1), `${i} `);
      if (i % 7 === 0) text.delete(Math.floor(text.length / 2), 3);
      if (i % 50 === 0) Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    }
    ada.getText("t").insert(0, "pasted ".repeat(SLICED_LOAD_BYTES / 7));
    Y.applyUpdate(bob, Y.encodeStateAsUpdate(ada));
    Y.applyUpdate(ada, Y.encodeStateAsUpdate(bob));
    await store.append("doc/large", Y.encodeStateAsUpdate(ada));
    await store.compact("doc/large");
    // Ada's listener appends this one to the log, after the snapshot.
    ada.getText("t").insert(5, "after the snapshot");
    await store.append("doc/large", Y.encodeStateAsUpdate(ada));

    const target = new Y.Doc();
    let transactions = 0;
    target.on("afterTransaction", () => transactions++);
    let turns = 0;
    const ticking = setInterval(() => turns++, 0);
    let state: Uint8Array | undefined;
    try {
      const loaded = await store.load("doc/large", target);
      expect(loaded).toMatchObject({ found: true, logRows: 2 });
      state = loaded.state;
    } finally {
      clearInterval(ticking);
    }
    // The whole state as one update, encoded on the merge thread: the same document again.
    expect(state).toBeInstanceOf(Uint8Array);
    const fromState = new Y.Doc();
    Y.applyUpdate(fromState, state as Uint8Array);
    expect(Y.equalSnapshots(Y.snapshot(fromState), Y.snapshot(target))).toBe(true);
    expect(fromState.getText("t").toString()).toBe(target.getText("t").toString());
    expect(transactions).toBeGreaterThan(2);
    expect(turns).toBeGreaterThan(0);
    expect(target.store.pendingStructs).toBeNull();
    expect(Y.equalSnapshots(Y.snapshot(target), Y.snapshot(ada))).toBe(true);
    expect(target.getText("t").toString()).toBe(ada.getText("t").toString());
  });

  it("keeps the content of deleted items for a gc: false target, as an unsliced load does", async () => {
    const writer = new Y.Doc();
    writer.getText("t").insert(0, "kept ".repeat(SLICED_LOAD_BYTES / 5));
    await store.append("doc/large-history", Y.encodeStateAsUpdate(writer));
    await store.compact("doc/large-history");
    const before = Y.snapshot(writer);
    const text = writer.getText("t");
    text.delete(0, text.length / 2);
    await store.append("doc/large-history", Y.encodeStateAsUpdate(writer));
    await store.compact("doc/large-history");

    const full = new Y.Doc({ gc: false });
    let transactions = 0;
    full.on("afterTransaction", () => transactions++);
    await store.load("doc/large-history", full);
    expect(transactions).toBeGreaterThan(2);
    expect(full.getText("t").toString()).toBe(text.toString());
    expect(Y.createDocFromSnapshot(full, before).getText("t").toString()).toBe("kept ".repeat(SLICED_LOAD_BYTES / 5));
  });

  it("calls betweenLoadSlices once after each slice, and a throw there neither fails nor stops the load", async () => {
    const writer = new Y.Doc();
    for (let i = 0; i < 2000; i++) writer.getText("t").insert((i * 7) % (i + 1), `${i} `.repeat(40));
    await store.append("doc/paced", Y.encodeStateAsUpdate(writer));
    const reported: Error[] = [];
    const slicesSeen: number[] = [];
    let transactions = 0;
    const paced = await createPostgresStore({
      connectionString: databaseUrl,
      schema,
      compactAfterRows: 0,
      onBackgroundError: (error) => reported.push(error),
      betweenLoadSlices: () => {
        slicesSeen.push(transactions);
        if (slicesSeen.length === 2) throw new Error("a hook that fails");
      },
    });
    try {
      const target = new Y.Doc();
      target.on("afterTransaction", () => transactions++);
      await paced.load("doc/paced", target);
      expect(target.getText("t").toString()).toBe(writer.getText("t").toString());
    } finally {
      await paced.close();
    }
    expect(transactions).toBeGreaterThan(2);
    expect(slicesSeen).toEqual(Array.from({ length: transactions }, (_, i) => i + 1));
    expect(reported.map((error) => error.message)).toEqual(["betweenLoadSlices threw"]);
  });
});
