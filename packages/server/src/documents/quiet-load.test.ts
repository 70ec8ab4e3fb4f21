import { createPGliteStore, type TandemStore } from "@tandem/persistence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { withoutUpdateEvents } from "./quiet-load.js";

describe("withoutUpdateEvents: a document's load encodes no update event", () => {
  let store: TandemStore;

  beforeAll(async () => {
    store = await createPGliteStore();
    const writer = new Y.Doc();
    writer.getText("t").insert(0, "stored text");
    await store.append("doc/quiet", Y.encodeStateAsUpdate(writer));
  });
  afterAll(() => store.close());

  it("loads the whole document without calling the update listeners, which hear every change after it", async () => {
    const document = new Y.Doc();
    const heard: string[] = [];
    document.on("update", () => heard.push("before"));
    await withoutUpdateEvents(document, async () => {
      const loaded = await store.load("doc/quiet", document);
      document.on("update", () => heard.push("during"));
      return loaded;
    });
    expect(document.getText("t").toString()).toBe("stored text");
    expect(heard).toEqual([]);
    document.getText("t").insert(0, "new ");
    expect(heard).toEqual(["before", "during"]);
  });

  it("gives the listeners back when the load fails", async () => {
    const document = new Y.Doc();
    let heard = 0;
    document.on("update", () => heard++);
    await expect(
      withoutUpdateEvents(document, async () => {
        throw new Error("storage is down");
      }),
    ).rejects.toThrow("storage is down");
    document.getText("t").insert(0, "x");
    expect(heard).toBe(1);
  });

  it("is what keeps the event away: a plain load emits it", async () => {
    const document = new Y.Doc();
    let heard = 0;
    document.on("update", () => heard++);
    await store.load("doc/quiet", document);
    expect(heard).toBe(1);
  });
});
