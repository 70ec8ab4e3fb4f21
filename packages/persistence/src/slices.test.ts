import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { stateInSlices } from "./slices.js";

/** Three writers editing text, a map and nested XML concurrently, syncing now and then, with deletions. */
function concurrentDocument(): Y.Doc {
  const writers = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
  const sync = () => {
    for (const from of writers)
      for (const to of writers) if (from !== to) Y.applyUpdate(to, Y.encodeStateAsUpdate(from));
  };
  for (let round = 0; round < 60; round++) {
    writers.forEach((doc, i) => {
      const text = doc.getText("t");
      text.insert((round * 7 + i * 3) % (text.length + 1), `w${i}r${round} `);
      if (round % 4 === i) text.delete(Math.floor(text.length / 3), Math.min(5, text.length));
      doc.getMap("m").set(`k${round % 5}`, { by: i, round });
      const fragment = doc.getXmlFragment("x");
      if (round % 10 === 0) fragment.insert(0, [new Y.XmlElement("p")]);
      const first = fragment.get(0);
      if (first instanceof Y.XmlElement) first.insert(0, [new Y.XmlText(`t${i}.${round}`)]);
    });
    if (round % 3 === 2) sync();
  }
  sync();
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(writers[0] as Y.Doc));
  return doc;
}

describe("a document's state in slices", () => {
  it("gives the same document applied slice by slice, none waiting for a later one", () => {
    const original = concurrentDocument();
    const slices = stateInSlices(original, 7, 2);
    expect(slices.length).toBeGreaterThan(20);
    // The deletions come in slices of their own too, after every struct.
    const deleting = slices.map((slice) => Y.decodeUpdate(slice)).filter((update) => update.ds.clients.size > 0);
    expect(deleting.length).toBeGreaterThan(2);
    for (const update of deleting) expect(update.structs).toHaveLength(0);
    const copy = new Y.Doc();
    for (const slice of slices) {
      Y.applyUpdate(copy, slice);
      expect(copy.store.pendingStructs).toBeNull();
    }
    expect(copy.store.pendingDs).toBeNull();
    expect(Y.equalSnapshots(Y.snapshot(copy), Y.snapshot(original))).toBe(true);
    expect(copy.getText("t").toString()).toBe(original.getText("t").toString());
    expect(copy.getMap("m").toJSON()).toEqual(original.getMap("m").toJSON());
    expect(copy.getXmlFragment("x").toString()).toBe(original.getXmlFragment("x").toString());
  });

  it("keeps content that waits for what the document lacks, deletions included", () => {
    const writer = new Y.Doc();
    writer.getText("t").insert(0, "first");
    const first = Y.encodeStateAsUpdate(writer);
    const before = Y.encodeStateVector(writer);
    writer.getText("t").insert(5, " second");
    writer.getText("t").delete(0, 2);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(writer, before));
    expect(doc.store.pendingStructs).not.toBeNull();
    expect(doc.store.pendingDs).not.toBeNull();
    const copy = new Y.Doc();
    for (const slice of stateInSlices(doc, 7, 1)) Y.applyUpdate(copy, slice);
    Y.applyUpdate(copy, first);
    expect(copy.getText("t").toString()).toBe("rst second");
  });

  it("holds an empty document in one update", () => {
    const slices = stateInSlices(new Y.Doc());
    expect(slices).toHaveLength(1);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, slices[0] as Uint8Array);
    expect(Y.encodeStateVector(copy)).toEqual(Y.encodeStateVector(new Y.Doc()));
  });
});
