import { Hocuspocus } from "@hocuspocus/server";
import { createPGliteStore, type DocumentMetadata, type TandemStore } from "@tandem/persistence";
import { commentsDocumentName } from "@tandem/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ArchivedDocuments } from "./archived.js";

const NAME = "spec/frozen";

describe("ArchivedDocuments: the archive check of every client that opens a document", () => {
  let store: TandemStore;
  // Each read of the store's metadata, as the check makes them; a held read's answer waits for `release`.
  let reads: { name: string; done: Promise<unknown> }[];
  let hold: Promise<void> | undefined;
  let release: () => void;
  let archive: ArchivedDocuments;

  beforeAll(async () => {
    store = await createPGliteStore();
    const counted = new Proxy(store, {
      get(target, key, receiver) {
        if (key !== "metadata") return Reflect.get(target, key, receiver);
        return (name: string): Promise<DocumentMetadata | null> => {
          const read = target.metadata(name);
          const held = hold;
          hold = undefined;
          reads.push({ name, done: read });
          return held === undefined ? read : held.then(() => read);
        };
      },
    });
    archive = new ArchivedDocuments(counted);
  });
  afterAll(() => store.close());
  beforeEach(async () => {
    await store.setMetadata(NAME, { title: "Frozen", archivedAt: null });
    reads = [];
  });

  /** Holds the answer of the next read until `release()`. */
  function holdNextRead(): void {
    hold = new Promise((resolve) => {
      release = resolve;
    });
  }

  it("answers the clients that ask at the same time, of the content and its comments, with one read", async () => {
    holdNextRead();
    const asked = Array.from({ length: 10 }, (_, i) =>
      archive.isArchived(i % 2 === 0 ? NAME : commentsDocumentName(NAME)),
    );
    release();
    expect(await Promise.all(asked)).toEqual(Array(10).fill(false));
    expect(reads.map((read) => read.name)).toEqual([NAME]);

    // Nothing is kept once answered: the next client reads what the store holds now.
    await store.setMetadata(NAME, { archivedAt: new Date().toISOString() });
    expect(await archive.isArchived(NAME)).toBe(true);
    expect(reads).toHaveLength(2);
  });

  it("reads afresh after the archive changed, even while a read from before the change is in flight", async () => {
    holdNextRead();
    const before = archive.isArchived(NAME);
    await reads[0]?.done;
    await store.setMetadata(NAME, { archivedAt: new Date().toISOString() });
    // What the archive route (or the relay, for another instance's) calls once the change is stored.
    await archive.reapply(new Hocuspocus(), NAME);
    expect(await archive.isArchived(commentsDocumentName(NAME))).toBe(true);
    // The held read, reapply's own, and this one's (reapply's had settled).
    expect(reads).toHaveLength(3);
    release();
    expect(await before).toBe(false);
  });

  it("reads a document never stored as not archived", async () => {
    expect(await archive.isArchived("spec/never-stored")).toBe(false);
  });
});
