import { type Document, type Extension, Hocuspocus } from "@hocuspocus/server";
import { createPGliteStore, type DocumentMetadata, type TandemStore } from "@tandem/persistence";
import { DocumentFields } from "@tandem/protocol";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { createLogger } from "../logger.js";
import { createMetrics } from "../metrics.js";
import { metadataMirror } from "./metadata-mirror.js";

const NAME = "spec/mirrored";
/** Stored with a body and no title or `meta`. */
const UNTITLED = "spec/untitled";

type StorePayload = Parameters<NonNullable<Extension["onStoreDocument"]>>[0];

const settles = (promise: Promise<unknown>, ms: number) =>
  Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

describe("metadataMirror: a load's reconciliation holds none of the document's clients", () => {
  let store: TandemStore;
  let mirror: Extension;
  let hocuspocus: Hocuspocus;
  // The store's writes the mirror made, in order; a held metadata read's answer waits for `release`.
  let writes: string[];
  let reads: Promise<unknown>[];
  let hold: Promise<void> | undefined;
  let release: () => void;

  beforeAll(async () => {
    store = await createPGliteStore();
    const watched = new Proxy(store, {
      get(target, key, receiver) {
        if (key === "metadata") {
          return (name: string): Promise<DocumentMetadata | null> => {
            const read = target.metadata(name);
            const answered = hold === undefined ? read : hold.then(() => read);
            reads.push(answered);
            return answered;
          };
        }
        if (key === "setMetadata" || key === "setSearchText") {
          return (name: string, value: never) => {
            writes.push(key);
            return target[key](name, value);
          };
        }
        return Reflect.get(target, key, receiver);
      },
    });
    mirror = metadataMirror(
      watched,
      createMetrics(
        () => 0,
        () => 0,
      ),
      createLogger("silent"),
    );
  });
  afterAll(() => store.close());
  beforeEach(async () => {
    await store.setMetadata(NAME, { title: "Stale" });
    writes = [];
    reads = [];
    hold = new Promise((resolve) => {
      release = resolve;
    });
    // What the stored document holds: a title and a body, loaded before the mirror's hook runs.
    const stored: Extension = {
      extensionName: "test-stored-document",
      async onLoadDocument({ document, documentName }) {
        if (documentName === NAME) document.getText(DocumentFields.title).insert(0, "Fresh");
        const paragraph = new Y.XmlElement("paragraph");
        paragraph.insert(0, [new Y.XmlText("The body")]);
        document.getXmlFragment(DocumentFields.content).insert(0, [paragraph]);
      },
    };
    // After the mirror's hook, as the webhooks' watch of `meta` does: adds the root type to every document.
    const watcher: Extension = {
      extensionName: "test-meta-watcher",
      async afterLoadDocument({ document }) {
        document.getMap(DocumentFields.meta);
      },
    };
    hocuspocus = new Hocuspocus({ quiet: true, extensions: [stored, mirror, watcher] });
  });
  afterEach(() => {
    release();
    for (const document of hocuspocus.documents.values()) document.destroy();
  });

  async function load(name = NAME): Promise<Document> {
    await hocuspocus.openDirectConnection(name);
    const document = hocuspocus.documents.get(name);
    if (document === undefined) throw new Error("not loaded");
    return document;
  }

  it("ends the load while the stored metadata is still being read, and mirrors what was lost once it is", async () => {
    // Hocuspocus answers a loading document's clients only once its afterLoadDocument hooks have returned.
    expect(await settles(load(), 1000)).toBe(true);
    expect(writes).toEqual([]);
    release();
    await expect.poll(() => writes, { timeout: 5000 }).toEqual(["setMetadata", "setSearchText"]);
    expect((await store.metadata(NAME))?.title).toBe("Fresh");
  });

  it("stores the document's changes only after the load's reconciliation, never alongside it", async () => {
    const document = await load();
    document.getText(DocumentFields.title).insert(0, "Newer ");
    const stored = mirror.onStoreDocument?.({ documentName: NAME, document } as StorePayload);
    expect(await settles(Promise.resolve(stored), 100)).toBe(false);
    expect(writes).toEqual([]);
    release();
    await stored;
    // The reconciliation's writes (the metadata as loaded, the body's text), then the store's change, last.
    expect(writes).toEqual(["setMetadata", "setSearchText", "setMetadata"]);
    expect((await store.metadata(NAME))?.title).toBe("Newer Fresh");
  });

  it("unloads a document only once its reconciliation is done: nothing is written after, a deletion's or not", async () => {
    const document = await load();
    document.removeDirectConnection();
    const unloaded = hocuspocus.unloadDocument(document);
    expect(await settles(unloaded, 100)).toBe(false);
    expect(hocuspocus.documents.has(NAME)).toBe(true);
    release();
    await unloaded;
    expect(hocuspocus.documents.has(NAME)).toBe(false);
    expect(writes).toEqual(["setMetadata", "setSearchText"]);
  });

  it("mirrors the metadata the document was loaded with: none for one without, whatever later hooks add", async () => {
    await load(UNTITLED);
    release();
    await Promise.all(reads);
    await new Promise((resolve) => setImmediate(resolve));
    expect(reads).toHaveLength(1);
    expect(writes).toEqual([]);
    expect(await store.metadata(UNTITLED)).toBeNull();
  });
});
