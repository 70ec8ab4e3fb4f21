import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { isPersistenceError, type PersistenceErrorCode } from "./errors.js";
import { type DocumentStore, MAX_SEARCH_TEXT_LENGTH } from "./store.js";

/** What a contract run needs from an implementation: a fresh, empty store and a way to dispose of it. */
export interface ContractSetup {
  readonly store: DocumentStore;
  /** Disposes of the store and whatever it stored; called after each case, also when the case closed the store. */
  teardown(): Promise<void>;
}

/** A Y.Doc that records the update of every change made to it. */
function writer() {
  const doc = new Y.Doc();
  const text = doc.getText("t");
  const change = (edit: () => void): Uint8Array => {
    let update: Uint8Array | undefined;
    const capture = (u: Uint8Array) => {
      update = u;
    };
    doc.once("update", capture);
    edit();
    if (update === undefined) throw new Error("no update was produced");
    return update;
  };
  return {
    doc,
    text,
    /** Inserts `insert` at `at` (default: the end) and returns the update. */
    insert: (insert: string, at = text.length): Uint8Array => change(() => text.insert(at, insert)),
    /** Deletes `length` characters at `at` and returns the update. */
    remove: (at: number, length: number): Uint8Array => change(() => text.delete(at, length)),
    /** Takes in everything `other` has, as a sync would. */
    receive(other: { doc: Y.Doc }): void {
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(other.doc));
    },
  };
}

async function loadText(store: DocumentStore, name: string): Promise<string> {
  const doc = new Y.Doc();
  await store.load(name, doc);
  return doc.getText("t").toString();
}

function rejectsWith(promise: Promise<unknown>, code: PersistenceErrorCode) {
  return expect(promise).rejects.toSatisfy((error) => isPersistenceError(error, code));
}

/**
 * The behaviour every {@link DocumentStore} must show, as numbered cases
 * (`[DS1]`…) so a failure names the rule it broke. Call it from a vitest
 * file with a setup that returns a fresh, empty store for each case:
 *
 * @example
 * ```ts
 * import { runDocumentStoreContract } from "@tandem/persistence/contract";
 *
 * runDocumentStoreContract("my store", async () => {
 *   const store = await createMyStore();
 *   return { store, teardown: () => store.close() };
 * });
 * ```
 */
export function runDocumentStoreContract(name: string, setup: () => Promise<ContractSetup>): void {
  describe(`DocumentStore contract: ${name}`, () => {
    let store: DocumentStore;
    let teardown: () => Promise<void>;

    beforeEach(async () => {
      ({ store, teardown } = await setup());
    });
    afterEach(async () => {
      await teardown();
    });

    it("[DS1] loading an unknown document finds nothing and leaves the target untouched", async () => {
      const doc = new Y.Doc();
      expect(await store.load("never/stored", doc)).toEqual({ found: false, logRows: 0 });
      expect(doc.share.size).toBe(0);
      expect(await store.stat("never/stored")).toBeNull();
      expect(await store.list()).toEqual([]);
    });

    it("[DS2] appended updates load back, whatever order they were appended in", async () => {
      const w = writer();
      const first = w.insert("world");
      const second = w.insert("hello ", 0);
      await store.append("doc/a", second);
      await store.append("doc/a", first);
      const doc = new Y.Doc();
      expect(await store.load("doc/a", doc)).toMatchObject({ found: true });
      expect(doc.getText("t").toString()).toBe("hello world");
    });

    it("[DS3] concurrent appends all become durable, each resolving only once stored", async () => {
      const w = writer();
      const updates = Array.from({ length: 200 }, (_, i) => w.insert(`${i % 10}`, i % 7));
      await Promise.all(updates.map((update) => store.append("doc/many", update)));
      expect(await loadText(store, "doc/many")).toBe(w.text.toString());
    });

    it("[DS4] appending the same update twice changes nothing", async () => {
      const w = writer();
      const update = w.insert("once");
      await store.append("doc/twice", update);
      await store.append("doc/twice", update);
      expect(await loadText(store, "doc/twice")).toBe("once");
    });

    it("[DS5] load applies everything in one Yjs transaction, on top of what the target holds", async () => {
      const w = writer();
      for (const word of ["a", "b", "c"]) await store.append("doc/tx", w.insert(word));
      await store.compact("doc/tx");
      await store.append("doc/tx", w.insert("d"));
      const target = new Y.Doc();
      target.getMap("local").set("kept", true);
      let transactions = 0;
      target.on("afterTransaction", () => transactions++);
      expect(await store.load("doc/tx", target)).toEqual({ found: true, logRows: 1 });
      expect(transactions).toBe(1);
      expect(target.getText("t").toString()).toBe("abcd");
      expect(target.getMap("local").get("kept")).toBe(true);
    });

    it("[DS6] refuses bytes that are not a Yjs update with invalid-update, and stores nothing", async () => {
      const valid = writer().insert("a longer text, so that cutting it leaves a truncated update");
      const bad = [
        new Uint8Array(),
        new Uint8Array([1, 2, 3]),
        new Uint8Array([255, 255, 255, 255, 1]),
        valid.subarray(0, valid.length - 8),
      ];
      for (const update of bad) await rejectsWith(store.append("doc/bad", update), "invalid-update");
      await rejectsWith(store.append("doc/bad", "not bytes" as unknown as Uint8Array), "invalid-update");
      expect(await store.stat("doc/bad")).toBeNull();
      expect(await loadText(store, "doc/bad")).toBe("");
    });

    it("[DS7] compaction folds the log into the snapshot without changing the content", async () => {
      const w = writer();
      for (let i = 0; i < 20; i++) await store.append("doc/c", w.insert("x"));
      const before = await store.stat("doc/c");
      expect(before?.pendingUpdates).toBeGreaterThan(0);
      const result = await store.compact("doc/c");
      expect(result.foldedRows).toBe(before?.pendingUpdates);
      expect(result.snapshotBytes).toBeGreaterThan(0);
      expect((await store.stat("doc/c"))?.pendingUpdates).toBe(0);
      expect(await store.load("doc/c", new Y.Doc())).toEqual({ found: true, logRows: 0 });
      await store.append("doc/c", w.insert("y", 0));
      expect(await loadText(store, "doc/c")).toBe(`y${"x".repeat(20)}`);
      expect((await store.compact("doc/c")).foldedRows).toBe(1);
      expect((await store.compact("doc/c")).foldedRows).toBe(0);
      expect(await loadText(store, "doc/c")).toBe(`y${"x".repeat(20)}`);
    });

    it("[DS8] compacting an unknown document does nothing and creates nothing", async () => {
      expect(await store.compact("doc/unknown")).toEqual({ foldedRows: 0, snapshotBytes: 0 });
      expect(await store.stat("doc/unknown")).toBeNull();
    });

    it("[DS9] appends racing compactions lose nothing", async () => {
      const writers = [writer(), writer(), writer()];
      const work: Promise<unknown>[] = [];
      for (let round = 0; round < 10; round++) {
        for (const w of writers) for (let i = 0; i < 5; i++) work.push(store.append("doc/race", w.insert("k")));
        work.push(store.compact("doc/race"));
      }
      await Promise.all(work);
      await store.compact("doc/race");
      const expected = new Y.Doc();
      for (const w of writers) Y.applyUpdate(expected, Y.encodeStateAsUpdate(w.doc));
      const text = await loadText(store, "doc/race");
      expect(text).toBe(expected.getText("t").toString());
      expect(text).toHaveLength(150);
    });

    it("[DS30] a snapshot larger than a megabyte loads whole, also while compactions replace it", async () => {
      // Letters from a fixed sequence, so that the snapshot is as large as the text (Yjs keeps strings as they are).
      let seed = 7;
      const letters = (length: number) =>
        Array.from({ length }, () => {
          seed = (seed * 1103515245 + 12345) % 2147483648;
          return String.fromCharCode(97 + (seed % 26));
        }).join("");
      const w = writer();
      for (let i = 0; i < 3; i++) await store.append("doc/large", w.insert(letters(512 * 1024)));
      const base = w.text.toString();
      await store.compact("doc/large");
      expect((await store.stat("doc/large"))?.sizeBytes).toBeGreaterThan(1.5 * 1024 * 1024);
      expect(await loadText(store, "doc/large")).toBe(base);

      const loads: Promise<string>[] = [];
      const work: Promise<unknown>[] = [];
      for (let round = 0; round < 4; round++) {
        work.push(store.append("doc/large", w.insert("k")), store.compact("doc/large"));
        loads.push(loadText(store, "doc/large"));
      }
      await Promise.all(work);
      // Each load is one state of the document: the text and some of the keystrokes, never a mix of two snapshots.
      for (const text of await Promise.all(loads)) {
        expect(text.startsWith(base)).toBe(true);
        expect(text.slice(base.length)).toMatch(/^k{0,4}$/);
      }
      expect(await loadText(store, "doc/large")).toBe(`${base}kkkk`);
    });

    it("[DS10] stat reports the log, the size and the times", async () => {
      const w = writer();
      await store.append("doc/s", w.insert("abc"));
      const first = await store.stat("doc/s");
      expect(first).toMatchObject({ name: "doc/s", pendingUpdates: 1, metadata: {} });
      expect(first?.sizeBytes).toBeGreaterThan(0);
      expect(first?.createdAt.getTime()).toBeLessThanOrEqual(first?.updatedAt.getTime() ?? 0);
      await store.append("doc/s", w.insert("def"));
      const second = await store.stat("doc/s");
      expect(second?.pendingUpdates).toBe(2);
      expect(second?.createdAt).toEqual(first?.createdAt);
      expect(second?.updatedAt.getTime()).toBeGreaterThanOrEqual(first?.updatedAt.getTime() ?? 0);
      await store.compact("doc/s");
      expect(await store.stat("doc/s")).toMatchObject({ pendingUpdates: 0, sizeBytes: expect.any(Number) });
    });

    it("[DS31] metadata reads what setMetadata merged, without the log; null for a document never stored", async () => {
      expect(await store.metadata("doc/m")).toBeNull();
      const w = writer();
      await store.append("doc/m", w.insert("abc"));
      expect(await store.metadata("doc/m")).toEqual({});
      await store.setMetadata("doc/m", { title: "Plan", archivedAt: "2026-12-04T00:00:00.000Z" });
      await store.setMetadata("doc/m", { archivedAt: null });
      expect(await store.metadata("doc/m")).toEqual({ title: "Plan", archivedAt: null });
      expect(await store.metadata("doc/m")).toEqual((await store.stat("doc/m"))?.metadata);
      await store.delete("doc/m");
      expect(await store.metadata("doc/m")).toBeNull();
    });

    it("[DS11] lists documents newest first, with metadata, filtered by a literal prefix, limited", async () => {
      const w = writer();
      await store.append("idea/1", w.insert("a"));
      await store.append("spec/1", w.insert("b"));
      await store.setMetadata("spec/1", { title: "Roadmap", kind: "spec" });
      await store.setMetadata("spec/1", { status: "draft", kind: "plan" });
      const specs = await store.list({ prefix: "spec/" });
      expect(specs.map((info) => info.name)).toEqual(["spec/1"]);
      expect(specs[0]?.metadata).toEqual({ title: "Roadmap", kind: "plan", status: "draft" });
      expect((await store.list()).map((info) => info.name)).toEqual(["spec/1", "idea/1"]);
      expect((await store.list({ limit: 1 })).map((info) => info.name)).toEqual(["spec/1"]);
      expect(await store.list({ prefix: "spec%" })).toEqual([]);
      expect(await store.list({ prefix: "_" })).toEqual([]);
    });

    it("[DS25] lists by name patterns, title, metadata, in any order, a page at a time", async () => {
      const w = writer();
      const documents = [
        ["spec/a", { title: "Offline MODE", status: "draft", owner: "Ada" }],
        ["spec/b", { title: "Search", status: "approved", owner: "Grace", archivedAt: "2026-01-01" }],
        ["spec/c", { title: "offline sync", status: "draft", owner: null }],
        ["idea/a", { title: "50% off_sale", archivedAt: null }],
        ["team/x/plan", { title: "Plan" }],
      ] as const;
      for (const [name, metadata] of documents) {
        await store.append(name, w.insert(name));
        await store.setMetadata(name, metadata);
      }
      const names = async (options: Parameters<DocumentStore["list"]>[0]) =>
        (await store.list(options)).map((info) => info.name);
      // Newest first by default, the name breaking ties.
      expect(await names({})).toEqual(["team/x/plan", "idea/a", "spec/c", "spec/b", "spec/a"]);
      expect(await names({ namePatterns: ["spec/*", "*/plan"] })).toEqual([
        "team/x/plan",
        "spec/c",
        "spec/b",
        "spec/a",
      ]);
      expect(await names({ namePatterns: ["spec/a", "idea*"] })).toEqual(["idea/a", "spec/a"]);
      expect(await names({ namePatterns: [] })).toEqual([]);
      expect(await names({ prefixes: ["idea/", "team/"] })).toEqual(["team/x/plan", "idea/a"]);
      expect(await names({ namePatterns: ["*"], excludePatterns: ["*/a", "team*"] })).toEqual(["spec/c", "spec/b"]);
      // A pattern's other characters are literal: `_` and `%` are not wildcards.
      expect(await names({ namePatterns: ["spec_a", "%"] })).toEqual([]);
      expect(await names({ titleContains: "offline" })).toEqual(["spec/c", "spec/a"]);
      expect(await names({ titleContains: "0% off_" })).toEqual(["idea/a"]);
      expect(await names({ titleContains: "%" })).toEqual(["idea/a"]);
      expect(await names({ metadata: { status: "draft", owner: "Ada" } })).toEqual(["spec/a"]);
      expect(await names({ metadata: { owner: null }, prefix: "spec/" })).toEqual(["spec/c"]);
      expect(await names({ metadata: { archivedAt: null } })).toEqual(["team/x/plan", "idea/a", "spec/c", "spec/a"]);
      expect(await names({ withMetadata: ["archivedAt"] })).toEqual(["spec/b"]);
      expect(await names({ sort: "title", order: "asc" })).toEqual([
        "idea/a",
        "spec/a",
        "spec/c",
        "team/x/plan",
        "spec/b",
      ]);
      expect(await names({ sort: "createdAt", order: "asc" })).toEqual([
        "spec/a",
        "spec/b",
        "spec/c",
        "idea/a",
        "team/x/plan",
      ]);
      const pages = [
        await names({ limit: 2 }),
        await names({ limit: 2, offset: 2 }),
        await names({ limit: 2, offset: 4 }),
      ];
      expect(pages).toEqual([["team/x/plan", "idea/a"], ["spec/c", "spec/b"], ["spec/a"]]);
      for (const bad of [
        { namePatterns: "spec/*" as never },
        { namePatterns: Array.from({ length: 101 }, () => "*") },
        { prefixes: [null as never] },
        { excludePatterns: "*" as never },
        { titleContains: 7 as never },
        { metadata: { status: { nested: true } as never } },
        { withMetadata: [42 as never] },
        { sort: "size" as never },
        { order: "up" as never },
        { offset: -1 },
        { offset: 0.5 },
      ]) {
        await rejectsWith(store.list(bad), "invalid-argument");
      }
    });

    it("[DS29] searches titles and kept text, within names, and filters by differing metadata", async () => {
      const w = writer();
      const documents = [
        ["spec/a", { title: "Offline mode", createdBy: "ada" }, "We keep edits in IndexedDB."],
        ["spec/b", { title: "Search", createdBy: "grace" }, "Ranking by BM25, maybe 50% of the time_"],
        ["idea/c", { title: "Sync" }, "Edits merge offline with Yjs."],
      ] as const;
      for (const [name, metadata, text] of documents) {
        await store.append(name, w.insert(name));
        await store.setMetadata(name, metadata);
        await store.setSearchText(name, text);
      }
      const names = async (options: Parameters<DocumentStore["list"]>[0]) =>
        (await store.list(options)).map((info) => info.name).sort();
      expect(await names({ textContains: "indexeddb" })).toEqual(["spec/a"]);
      // The title or the text, in any case.
      expect(await names({ textContains: "OFFLINE" })).toEqual(["idea/c", "spec/a"]);
      expect(await names({ textContains: "50% of the time_" })).toEqual(["spec/b"]);
      expect(await names({ textContains: "%" })).toEqual(["spec/b"]);
      expect(await names({ textContains: "nowhere" })).toEqual([]);
      // Access narrows the search: patterns and literal names together.
      expect(await names({ textContains: "edits", namePatterns: ["spec/*"] })).toEqual(["spec/a"]);
      expect(await names({ textContains: "edits", namePatterns: [], names: ["idea/c"] })).toEqual(["idea/c"]);
      expect(await names({ namePatterns: ["spec/b"], names: ["idea/c", "idea/*"] })).toEqual(["idea/c", "spec/b"]);
      expect(await names({ names: [] })).toEqual([]);
      // A person may have many documents shared with them, one name each.
      const many = [...Array.from({ length: 2000 }, (_, i) => `spec/shared-${i}`), "spec/b"];
      expect(await names({ namePatterns: [], names: many })).toEqual(["spec/b"]);
      // Absent metadata differs from any value.
      expect(await names({ metadataNot: { createdBy: "ada" } })).toEqual(["idea/c", "spec/b"]);
      expect(await names({ metadataNot: { createdBy: null } })).toEqual(["spec/a", "spec/b"]);
      // The text is replaced, does not move "last edited", and is kept only for stored documents.
      const before = (await store.stat("spec/a"))?.updatedAt;
      await store.setSearchText("spec/a", "Now about CRDTs\u0000 and \ud800 lone halves");
      expect((await store.stat("spec/a"))?.updatedAt).toEqual(before);
      expect(await names({ textContains: "indexeddb" })).toEqual([]);
      expect(await names({ textContains: "crdts  and" })).toEqual(["spec/a"]);
      await store.setSearchText("never/stored", "ghost");
      expect(await store.stat("never/stored")).toBeNull();
      await store.setSearchText("spec/b", "x".repeat(MAX_SEARCH_TEXT_LENGTH + 10));
      expect(await names({ textContains: "x".repeat(200) })).toEqual(["spec/b"]);
      for (const bad of [
        { textContains: 7 as never },
        { names: "idea/c" as never },
        { names: Array.from({ length: 10_001 }, () => "x") },
        { metadataNot: [] as never },
      ]) {
        await rejectsWith(store.list(bad), "invalid-argument");
      }
      await rejectsWith(store.setSearchText("spec/a", 5 as never), "invalid-argument");
    });

    it("[DS12] setMetadata creates an empty document and keeps JSON values as they are", async () => {
      const metadata = { title: "Ünïcode 😀", n: 1.5, flags: [true, null], nested: { a: "b" } };
      await store.setMetadata("doc/meta", metadata);
      expect((await store.stat("doc/meta"))?.metadata).toEqual(metadata);
      expect(await store.load("doc/meta", new Y.Doc())).toEqual({ found: true, logRows: 0 });
    });

    it("[DS13] delete removes a document with its log, snapshot, metadata and versions", async () => {
      const w = writer();
      await store.append("doc/d", w.insert("gone"));
      await store.compact("doc/d");
      await store.append("doc/d", w.insert("!"));
      await store.setMetadata("doc/d", { title: "x" });
      await store.createVersion("doc/d", { label: "v1" });
      await store.append("doc/d", w.insert("?"), { author: "ada" });
      await store.compact("doc/d");
      await store.recordAuthor("doc/d", { id: "ada", name: "Ada", color: "#0090ff" });
      expect(await store.delete("doc/d")).toBe(true);
      expect(await store.delete("doc/d")).toBe(false);
      expect(await store.stat("doc/d")).toBeNull();
      expect(await store.listVersions("doc/d")).toEqual([]);
      expect(await store.load("doc/d", new Y.Doc())).toEqual({ found: false, logRows: 0 });
      // The name is free again.
      await store.append("doc/d", writer().insert("new"));
      expect(await loadText(store, "doc/d")).toBe("new");
      expect((await store.stat("doc/d"))?.metadata).toEqual({});
      expect(await store.readAttribution("doc/d")).toEqual({
        insertions: [],
        deletions: [],
        authors: [],
        lastEditedBy: null,
      });
    });

    it("[DS14] versions keep the state they were taken at", async () => {
      const w = writer();
      await store.append("doc/v", w.insert("first"));
      const v1 = await store.createVersion("doc/v", { label: "First draft", createdBy: "u1" });
      await store.append("doc/v", w.insert(" second"));
      await store.compact("doc/v");
      const v2 = await store.createVersion("doc/v");
      expect(v1).toMatchObject({ label: "First draft", createdBy: "u1", documentName: "doc/v", kind: "named" });
      expect(v2).toMatchObject({ label: null, createdBy: null, kind: "auto" });
      expect(v1.sizeBytes).toBeGreaterThan(0);
      expect((await store.listVersions("doc/v")).map((version) => version.id)).toEqual([v2.id, v1.id]);
      const old = new Y.Doc();
      Y.applyUpdate(old, await store.readVersion("doc/v", v1.id));
      expect(old.getText("t").toString()).toBe("first");
      const latest = new Y.Doc();
      Y.applyUpdate(latest, await store.readVersion("doc/v", v2.id));
      expect(latest.getText("t").toString()).toBe("first second");
      expect(await loadText(store, "doc/v")).toBe("first second");
    });

    it("[DS15] unknown versions and documents are not-found", async () => {
      await store.append("doc/v1", writer().insert("a"));
      const version = await store.createVersion("doc/v1");
      await store.append("doc/v2", writer().insert("b"));
      await rejectsWith(store.readVersion("doc/v2", version.id), "not-found");
      await rejectsWith(store.readVersion("doc/v1", "999999999"), "not-found");
      await rejectsWith(store.readVersion("doc/v1", "not an id"), "not-found");
      await rejectsWith(store.createVersion("doc/none"), "not-found");
      expect(await store.listVersions("doc/none")).toEqual([]);
    });

    it("[DS16] refuses malformed arguments with invalid-argument", async () => {
      const update = writer().insert("x");
      const badNames = ["", "x".repeat(513), "nul\u0000name", "lone\uD800surrogate", 42 as unknown as string];
      for (const bad of badNames) {
        await rejectsWith(store.append(bad, update), "invalid-argument");
        await rejectsWith(store.load(bad, new Y.Doc()), "invalid-argument");
        await rejectsWith(store.stat(bad), "invalid-argument");
        await rejectsWith(store.compact(bad), "invalid-argument");
        await rejectsWith(store.delete(bad), "invalid-argument");
      }
      await rejectsWith(store.setMetadata("doc/m", [] as never), "invalid-argument");
      await rejectsWith(store.setMetadata("doc/m", null as never), "invalid-argument");
      await rejectsWith(store.setMetadata("doc/m", { text: "nul\u0000" }), "invalid-argument");
      await rejectsWith(store.setMetadata("doc/m", { big: "x".repeat(100_000) }), "invalid-argument");
      await rejectsWith(store.list({ limit: 0 }), "invalid-argument");
      await rejectsWith(store.list({ limit: Number.NaN }), "invalid-argument");
      await rejectsWith(store.list({ limit: 1001 }), "invalid-argument");
      await rejectsWith(store.append("doc/m", update, { author: "x".repeat(513) }), "invalid-argument");
      await rejectsWith(store.append("doc/m", update, { author: 7 as unknown as string }), "invalid-argument");
      const ada = { id: "ada", name: "Ada", color: "#0090ff" };
      await rejectsWith(store.recordAuthor("doc/m", { ...ada, color: "blue" }), "invalid-argument");
      await rejectsWith(store.recordAuthor("doc/m", { ...ada, id: "" }), "invalid-argument");
      await rejectsWith(store.recordAuthor("doc/m", { ...ada, name: "nul\u0000" }), "invalid-argument");
      await store.append("doc/m", update);
      await rejectsWith(store.createVersion("doc/m", { label: "x".repeat(201) }), "invalid-argument");
      await rejectsWith(store.createVersion("doc/m", { label: 7 as unknown as string }), "invalid-argument");
      await rejectsWith(store.createVersion("doc/m", { kind: "weekly" as never }), "invalid-argument");
      // Nothing above was stored; a 512-character name with any other characters is fine.
      expect((await store.list()).map((info) => info.name)).toEqual(["doc/m"]);
      const longest = `${"ü".repeat(510)}😀`;
      expect(longest).toHaveLength(512);
      await store.append(longest, update);
      expect(await loadText(store, longest)).toBe("x");
    });

    it("[DS17] a large update (an offline session) round-trips", async () => {
      const w = writer();
      const big = w.insert("lorem ipsum ".repeat(200_000));
      expect(big.length).toBeGreaterThan(2_000_000);
      await store.append("doc/big", big);
      await store.append("doc/big", w.insert("!"));
      expect(await loadText(store, "doc/big")).toBe(w.text.toString());
      await store.compact("doc/big");
      expect(await loadText(store, "doc/big")).toBe(w.text.toString());
    });

    it("[DS18] documents do not see each other's updates", async () => {
      const writers = Array.from({ length: 8 }, () => writer());
      await Promise.all(
        writers.flatMap((w, i) => Array.from({ length: 10 }, (_, k) => store.append(`doc/${i}`, w.insert(`${i}${k}`)))),
      );
      for (const [i, w] of writers.entries()) expect(await loadText(store, `doc/${i}`)).toBe(w.text.toString());
    });

    it("[DS20] an append's author owns the items it inserted, before and after compaction", async () => {
      const ada = writer();
      const grace = writer();
      await store.append("doc/who", ada.insert("hello"), { author: "ada" });
      grace.receive(ada);
      await store.append("doc/who", grace.insert(" world"), { author: "grace" });
      await store.append("doc/who", grace.insert("?"));
      await store.append("doc/who", ada.insert("!", 5), { author: "ada" });
      const expected = [
        { client: ada.doc.clientID, clock: 0, length: 6, author: "ada" },
        { client: grace.doc.clientID, clock: 0, length: 6, author: "grace" },
      ];
      const insertions = async () =>
        [...(await store.readAttribution("doc/who")).insertions].sort((a, b) => a.author.localeCompare(b.author));
      // Grace's "?" was appended without an author: nobody is said to have written it.
      expect(await insertions()).toEqual(expected);
      await store.compact("doc/who");
      expect(await insertions()).toEqual(expected);
      await store.append("doc/who", ada.insert("."), { author: "ada" });
      await store.compact("doc/who");
      expect(await insertions()).toEqual([{ ...expected[0], length: 7 }, expected[1]]);
    });

    it("[DS21] a deletion belongs to whoever deleted first; an update naming it again claims nothing", async () => {
      const ada = writer();
      const grace = writer();
      await store.append("doc/del", ada.insert("abcdef"), { author: "ada" });
      grace.receive(ada);
      await store.append("doc/del", grace.remove(2, 2), { author: "grace" });
      ada.receive(grace);
      await store.append("doc/del", ada.remove(3, 1), { author: "ada" });
      grace.receive(ada);
      // A reconnecting client's sync step 2 carries its whole state, with every deletion it knows of.
      await store.append("doc/del", Y.encodeStateAsUpdate(grace.doc), { author: "grace" });
      const expected = [
        { client: ada.doc.clientID, clock: 5, length: 1, author: "ada" },
        { client: ada.doc.clientID, clock: 2, length: 2, author: "grace" },
      ];
      expect((await store.readAttribution("doc/del")).deletions).toEqual(expected);
      await store.compact("doc/del");
      expect((await store.readAttribution("doc/del")).deletions).toEqual(expected);
      expect((await store.readAttribution("doc/del")).insertions).toEqual([
        { client: ada.doc.clientID, clock: 0, length: 6, author: "ada" },
      ]);
    });

    it("[DS22] compaction keeps the content of deleted items for a load into a gc: false document", async () => {
      const w = writer();
      await store.append("doc/kept", w.insert("keep all of this"));
      await store.compact("doc/kept");
      const before = Y.snapshot(w.doc);
      await store.append("doc/kept", w.remove(4, 7));
      await store.compact("doc/kept");
      await store.append("doc/kept", w.insert(" and more"));
      await store.compact("doc/kept");
      const full = new Y.Doc({ gc: false });
      await store.load("doc/kept", full);
      expect(full.getText("t").toString()).toBe("keep this and more");
      expect(Y.createDocFromSnapshot(full, before).getText("t").toString()).toBe("keep all of this");
    });

    it("[DS27] a compaction that discards deleted content leaves none of it in the stored bytes, log or snapshot", async () => {
      const w = writer();
      await store.append("doc/erase", w.insert("public secret-words"));
      await store.compact("doc/erase");
      await store.append("doc/erase", w.remove(6, 13));
      // Folded with the content kept first (an unload does that): the snapshot alone still holds the words.
      await store.compact("doc/erase");
      const kept = new Y.Doc({ gc: false });
      await store.load("doc/erase", kept);
      const holds = (bytes: Uint8Array) => Buffer.from(bytes).includes("secret-words");
      expect(holds(Y.encodeStateAsUpdate(kept))).toBe(true);
      expect((await store.compact("doc/erase", { discardDeleted: true })).foldedRows).toBe(0);
      const after = new Y.Doc({ gc: false });
      await store.load("doc/erase", after);
      expect(after.getText("t").toString()).toBe("public");
      expect(holds(Y.encodeStateAsUpdate(after))).toBe(false);
      // Editing goes on from it.
      await store.append("doc/erase", w.insert("!"));
      expect(await loadText(store, "doc/erase")).toBe("public!");
      expect(await store.compact("doc/unknown-erase", { discardDeleted: true })).toEqual({
        foldedRows: 0,
        snapshotBytes: 0,
      });
    });

    it("[DS28] forgetAuthor removes one author's name and colour from one document", async () => {
      await store.append("doc/forget", writer().insert("a"), { author: "ada" });
      await store.append("doc/forget-too", writer().insert("b"), { author: "ada" });
      for (const name of ["doc/forget", "doc/forget-too"]) {
        await store.recordAuthor(name, { id: "ada", name: "Ada", color: "#0090ff" });
      }
      await store.recordAuthor("doc/forget", { id: "grace", name: "Grace", color: "#8e4ec6" });
      expect(await store.forgetAuthor("doc/forget", "ada")).toBe(true);
      expect(await store.forgetAuthor("doc/forget", "ada")).toBe(false);
      expect(await store.listAuthors("doc/forget")).toEqual([{ id: "grace", name: "Grace", color: "#8e4ec6" }]);
      expect(await store.listAuthors("doc/forget-too")).toEqual([{ id: "ada", name: "Ada", color: "#0090ff" }]);
      // What she wrote is still hers, by id.
      expect((await store.readAttribution("doc/forget")).insertions.map((range) => range.author)).toEqual(["ada"]);
    });

    it("[DS23] authors: the latest name and colour of each, and who edited last", async () => {
      const w = writer();
      await store.append("doc/people", w.insert("a"), { author: "ada" });
      await store.recordAuthor("doc/people", { id: "ada", name: "Ada", color: "#0090ff" });
      await store.recordAuthor("doc/people", { id: "ada", name: "Ada Lovelace", color: "#0090ff" });
      await store.recordAuthor("doc/people", { id: "grace", name: "Grace", color: "#8e4ec6" });
      const attribution = await store.readAttribution("doc/people");
      expect(attribution.authors).toEqual([
        { id: "ada", name: "Ada Lovelace", color: "#0090ff" },
        { id: "grace", name: "Grace", color: "#8e4ec6" },
      ]);
      expect(await store.listAuthors("doc/people")).toEqual(attribution.authors);
      expect(attribution.lastEditedBy).toBe("ada");
      expect((await store.stat("doc/people"))?.lastEditedBy).toBe("ada");
      await store.append("doc/people", w.insert("b"), { author: "grace" });
      expect((await store.readAttribution("doc/people")).lastEditedBy).toBe("grace");
      await store.compact("doc/people");
      await store.append("doc/people", w.insert("c"));
      expect((await store.readAttribution("doc/people")).lastEditedBy).toBe("grace");
      expect((await store.stat("doc/people"))?.lastEditedBy).toBe("grace");
      expect((await store.list())[0]?.lastEditedBy).toBe("grace");
    });

    it("[DS24] a version records its kind and who changed the document since the one before", async () => {
      const ada = writer();
      const grace = writer();
      await store.append("doc/vv", ada.insert("Ada's draft"), { author: "ada" });
      const v1 = await store.createVersion("doc/vv", { label: "Draft", createdBy: "ada" });
      expect(v1).toMatchObject({ kind: "named", label: "Draft", createdBy: "ada", authors: ["ada"], created: true });
      grace.receive(ada);
      await store.append("doc/vv", grace.insert(", reviewed"), { author: "grace" });
      await store.compact("doc/vv");
      await store.append("doc/vv", grace.remove(0, 6), { author: "mallory" });
      const v2 = await store.createVersion("doc/vv", { skipIfUnchanged: true });
      expect(v2).toMatchObject({ kind: "auto", label: null, authors: ["grace", "mallory"], created: true });
      // Nothing changed since: an automatic version is not made again, and the answer says so.
      expect(await store.createVersion("doc/vv", { skipIfUnchanged: true })).toEqual({ ...v2, created: false });
      const v3 = await store.createVersion("doc/vv", { kind: "before-restore", createdBy: "grace" });
      expect(v3).toMatchObject({ kind: "before-restore", createdBy: "grace", authors: [] });
      expect((await store.listVersions("doc/vv")).map((version) => [version.id, version.kind])).toEqual([
        [v3.id, "before-restore"],
        [v2.id, "auto"],
        [v1.id, "named"],
      ]);
    });

    it("[DS26] an accepted suggestion's rows keep suggester and acceptor apart from the same author's own", async () => {
      const ada = writer();
      const server = writer();
      await store.append("doc/acc", ada.insert("The fox"), { author: "ada" });
      server.receive(ada);
      // The server makes Cleo's proposal, accepted by Olga, in one row; Cleo's own typing is another.
      await store.append("doc/acc", server.insert(" quick", 3), { author: "cleo", acceptedBy: "olga" });
      await store.append("doc/acc", server.remove(0, 1), { author: "cleo", acceptedBy: "olga" });
      await store.append("doc/acc", server.insert("!"), { author: "cleo" });
      const expected = {
        insertions: [
          { client: ada.doc.clientID, clock: 0, length: 7, author: "ada" },
          { client: server.doc.clientID, clock: 0, length: 6, author: "cleo", acceptedBy: "olga" },
          { client: server.doc.clientID, clock: 6, length: 1, author: "cleo" },
        ],
        deletions: [{ client: ada.doc.clientID, clock: 0, length: 1, author: "cleo", acceptedBy: "olga" }],
      };
      const read = async () => {
        const { insertions, deletions } = await store.readAttribution("doc/acc");
        return { insertions, deletions };
      };
      expect(await read()).toEqual(expected);
      await store.compact("doc/acc");
      expect(await read()).toEqual(expected);
      await rejectsWith(store.append("doc/acc", server.insert("?"), { acceptedBy: "olga" }), "invalid-argument");
    });

    it("[DS19] close waits for appends in flight, then every call fails with closed", async () => {
      await store.ping();
      const w = writer();
      const appends = Array.from({ length: 20 }, () => store.append("doc/closing", w.insert("z")));
      const closed = store.close();
      const outcomes = await Promise.allSettled(appends);
      await closed;
      expect(outcomes.every((outcome) => outcome.status === "fulfilled")).toBe(true);
      await store.close();
      await rejectsWith(store.ping(), "closed");
      await rejectsWith(store.append("doc/closing", w.insert("z")), "closed");
      await rejectsWith(store.load("doc/closing", new Y.Doc()), "closed");
      await rejectsWith(store.list(), "closed");
    });
  });
}
