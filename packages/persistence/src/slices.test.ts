import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { seededRandom, testSeed } from "../../../test/support/random.js";
import { stateInSlices } from "./slices.js";

/**
 * Two to five writers typing into one text at random places, and deleting,
 * each mostly unaware of the others (a writer hears another's edits now and
 * then): many concurrent structs at the same places.
 */
function randomConcurrentDocument(next: () => number): Y.Doc {
  const writers = Array.from({ length: 2 + Math.floor(next() * 4) }, () => new Y.Doc());
  const pick = () => writers[Math.floor(next() * writers.length)] as Y.Doc;
  for (let edits = 20 + Math.floor(next() * 200); edits > 0; edits--) {
    const text = pick().getText("t");
    if (text.length === 0 || next() < 0.8)
      text.insert(Math.floor(next() * (text.length + 1)), "abcd".slice(0, 1 + Math.floor(next() * 4)));
    else text.delete(Math.floor(next() * text.length), 1);
    if (next() < 0.1) {
      const to = pick();
      Y.applyUpdate(to, Y.encodeStateAsUpdate(pick(), Y.encodeStateVector(to)));
    }
  }
  const doc = new Y.Doc();
  for (const writer of writers) Y.applyUpdate(doc, Y.encodeStateAsUpdate(writer));
  return doc;
}

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

  // Many concurrent structs at the same places, cut into slices of one to five
  // structs: what each slice holds and the order they come in must give the
  // text the state gives whole (a cutting that took a struct twice failed here
  // within two documents).
  const seed = testSeed();
  it(`gives the same text as applying the state whole, for concurrent writers (seed ${seed})`, () => {
    const next = seededRandom(seed);
    for (let run = 0; run < 300; run++) {
      const original = randomConcurrentDocument(next);
      const copy = new Y.Doc();
      for (const slice of stateInSlices(original, 1 + Math.floor(next() * 5), 3)) Y.applyUpdate(copy, slice);
      expect(copy.getText("t").toString(), `seed ${seed}, document ${run}`).toBe(original.getText("t").toString());
    }
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
