import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { isPersistenceError } from "./errors.js";
import type { DocumentStore } from "./store.js";

/** What a contract run needs from an implementation: a fresh, empty store and a way to dispose of it. */
export interface ContractSetup {
  readonly store: DocumentStore;
  teardown(): Promise<void>;
}

function textUpdate(doc: Y.Doc, insert: string, at = 0): Uint8Array {
  let update: Uint8Array | undefined;
  const capture = (u: Uint8Array) => {
    update = u;
  };
  doc.once("update", capture);
  doc.getText("t").insert(at, insert);
  if (!update) throw new Error("no update was produced");
  return update;
}

async function loadText(store: DocumentStore, name: string): Promise<string> {
  const doc = new Y.Doc();
  await store.load(name, doc);
  return doc.getText("t").toString();
}

/**
 * The behaviour every {@link DocumentStore} must show. Run it from a vitest
 * file with a setup that returns a fresh store:
 *
 * @example
 * ```ts
 * import { runDocumentStoreContract } from "@tandem/persistence/contract";
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
    });

    it("[DS2] appended updates load back in any order", async () => {
      const doc = new Y.Doc();
      const first = textUpdate(doc, "world");
      const second = textUpdate(doc, "hello ", 0);
      await store.append("doc/a", second);
      await store.append("doc/a", first);
      expect(await loadText(store, "doc/a")).toBe("hello world");
    });

    it("[DS3] concurrent appends all become durable", async () => {
      const doc = new Y.Doc();
      const updates = Array.from({ length: 200 }, (_, i) => textUpdate(doc, `${i % 10}`, i));
      await Promise.all(updates.map((update) => store.append("doc/many", update)));
      expect(await loadText(store, "doc/many")).toBe(doc.getText("t").toString());
    });

    it("[DS4] refuses bytes that are not a Yjs update, and stores nothing", async () => {
      for (const bad of [new Uint8Array(), new Uint8Array([255, 255, 255, 255, 1]), new Uint8Array([1, 2, 3])]) {
        await expect(store.append("doc/bad", bad)).rejects.toSatisfy((error) =>
          isPersistenceError(error, "invalid-update"),
        );
      }
      expect(await store.stat("doc/bad")).toBeNull();
    });

    it("[DS5] compaction folds the log into the snapshot without changing the content", async () => {
      const doc = new Y.Doc();
      for (let i = 0; i < 20; i++) await store.append("doc/c", textUpdate(doc, "x", i));
      const before = await store.stat("doc/c");
      expect(before?.pendingUpdates).toBeGreaterThan(0);
      const result = await store.compact("doc/c");
      expect(result.foldedRows).toBe(before?.pendingUpdates);
      expect((await store.stat("doc/c"))?.pendingUpdates).toBe(0);
      await store.append("doc/c", textUpdate(doc, "y", 0));
      expect(await loadText(store, "doc/c")).toBe(`y${"x".repeat(20)}`);
      expect((await store.compact("doc/c")).foldedRows).toBe(1);
      expect(await loadText(store, "doc/c")).toBe(`y${"x".repeat(20)}`);
    });

    it("[DS6] lists documents newest first, with metadata, filtered by prefix", async () => {
      const doc = new Y.Doc();
      await store.append("spec/1", textUpdate(doc, "a"));
      await store.append("idea/1", textUpdate(doc, "b"));
      await store.setMetadata("spec/1", { title: "Roadmap", kind: "spec" });
      await store.setMetadata("spec/1", { status: "draft" });
      const specs = await store.list({ prefix: "spec/" });
      expect(specs.map((info) => info.name)).toEqual(["spec/1"]);
      expect(specs[0]?.metadata).toEqual({ title: "Roadmap", kind: "spec", status: "draft" });
      expect((await store.list()).map((info) => info.name)).toEqual(["spec/1", "idea/1"]);
      expect(await store.list({ prefix: "spec%" })).toEqual([]);
    });

    it("[DS7] delete removes a document with its log and versions", async () => {
      const doc = new Y.Doc();
      await store.append("doc/d", textUpdate(doc, "gone"));
      await store.createVersion("doc/d", { label: "v1" });
      expect(await store.delete("doc/d")).toBe(true);
      expect(await store.delete("doc/d")).toBe(false);
      expect(await store.stat("doc/d")).toBeNull();
      expect(await store.listVersions("doc/d")).toEqual([]);
      expect(await loadText(store, "doc/d")).toBe("");
    });

    it("[DS8] versions keep the state they were taken at", async () => {
      const doc = new Y.Doc();
      await store.append("doc/v", textUpdate(doc, "first"));
      const v1 = await store.createVersion("doc/v", { label: "First draft", createdBy: "u1" });
      await store.append("doc/v", textUpdate(doc, " second", 5));
      const v2 = await store.createVersion("doc/v");
      expect((await store.listVersions("doc/v")).map((version) => version.id)).toEqual([v2.id, v1.id]);
      expect(v1).toMatchObject({ label: "First draft", createdBy: "u1", documentName: "doc/v" });
      const old = new Y.Doc();
      Y.applyUpdate(old, await store.readVersion("doc/v", v1.id));
      expect(old.getText("t").toString()).toBe("first");
      await expect(store.readVersion("doc/v", "999999")).rejects.toSatisfy((error) =>
        isPersistenceError(error, "not-found"),
      );
      await expect(store.createVersion("doc/none")).rejects.toSatisfy((error) =>
        isPersistenceError(error, "not-found"),
      );
    });

    it("[DS9] refuses malformed arguments with invalid-argument", async () => {
      const doc = new Y.Doc();
      await expect(store.append("", textUpdate(doc, "x"))).rejects.toSatisfy((error) =>
        isPersistenceError(error, "invalid-argument"),
      );
      await expect(store.setMetadata("doc/m", [] as never)).rejects.toSatisfy((error) =>
        isPersistenceError(error, "invalid-argument"),
      );
    });

    it("[DS10] answers ping, and refuses work after close", async () => {
      await store.ping();
      await store.close();
      await expect(store.ping()).rejects.toSatisfy((error) => isPersistenceError(error, "closed"));
    });
  });
}
