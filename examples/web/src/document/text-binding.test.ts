import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { applyValue, mapIndex } from "./text-binding.js";

function texts() {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.on("update", (update: Uint8Array) => Y.applyUpdate(b, update));
  b.on("update", (update: Uint8Array) => Y.applyUpdate(a, update));
  return [a.getText("title"), b.getText("title")] as const;
}

describe("title binding", () => {
  it("edits only what changed, so concurrent edits elsewhere survive", () => {
    const doc = new Y.Doc();
    const title = doc.getText("title");
    title.insert(0, "Offline mode");
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    applyValue(title, "Offline sync mode", "local");
    other.getText("title").insert(other.getText("title").length, " v2");
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    expect(title.toString()).toBe("Offline sync mode v2");
    expect(other.getText("title").toString()).toBe("Offline sync mode v2");
  });

  it("replaces, deletes and keeps emoji whole", () => {
    const [title] = texts();
    for (const value of ["Plan", "Plan 🚀", "Plan 🛰️ launch", "🛰️ launch", "", "x"]) {
      applyValue(title, value, "local");
      expect(title.toString()).toBe(value);
    }
    applyValue(title, "a😀b", "local");
    applyValue(title, "a😃b", "local");
    expect(title.toString()).toBe("a😃b");
  });

  it("moves a caret past remote inserts and deletes before it", () => {
    const [mine, theirs] = texts();
    mine.insert(0, "hello world");
    let seen: number[] = [];
    mine.observe((event) => {
      seen = [2, 6, 11].map((index) => mapIndex(index, event.delta as never));
    });
    theirs.insert(0, ">> ");
    expect(seen).toEqual([5, 9, 14]);
    // Now ">> hello world": deleting ">> hel" pulls carets inside it to 0.
    theirs.delete(0, 6);
    expect(seen).toEqual([0, 0, 5]);
  });
});
