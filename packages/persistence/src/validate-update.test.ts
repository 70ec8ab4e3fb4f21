import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { seededRandom, testSeed } from "../../../test/support/random.js";
import { isPersistenceError } from "./errors.js";
import { varUint } from "./testing/documents.js";
import { validateUpdate } from "./validate-update.js";

/** A session editing every kind of shared type, with the update of each change. */
function session(next: () => number) {
  const doc = new Y.Doc();
  doc.clientID = 7;
  const updates: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array) => updates.push(update));
  const text = doc.getText("text");
  const map = doc.getMap("map");
  const array = doc.getArray("array");
  const xml = doc.getXmlFragment("xml");
  for (let i = 0; i < 60; i++) {
    text.insert(Math.floor(next() * (text.length + 1)), "héllo 😀"[i % 7] ?? "x");
    if (i % 5 === 0) text.format(0, Math.min(2, text.length), { bold: i % 10 === 0 ? true : null });
    if (i % 7 === 0 && text.length > 0) text.delete(0, 1);
    if (i % 4 === 0) {
      const nested = new Y.Map<unknown>();
      map.set(`k${i % 3}`, nested);
      nested.set("n", i);
    }
    if (i % 3 === 0) array.insert(0, [i, "s", { o: [1, null] }, new Uint8Array([1, 2])]);
    if (i % 9 === 0) array.delete(0, 1);
    if (i % 6 === 0) {
      const element = new Y.XmlElement("p");
      xml.insert(0, [element]);
      element.insert(0, [new Y.XmlText("hi")]);
      element.setAttribute("class", `c${i}`);
    }
  }
  return { doc, updates };
}

const refused = (bytes: Uint8Array) => {
  try {
    validateUpdate(bytes);
    return false;
  } catch (error) {
    expect(isPersistenceError(error, "invalid-update")).toBe(true);
    return true;
  }
};

describe("validateUpdate", () => {
  it("accepts every update Yjs produces, and whole states", () => {
    const { doc, updates } = session(seededRandom(1));
    for (const update of updates) expect(refused(update)).toBe(false);
    expect(refused(Y.encodeStateAsUpdate(doc))).toBe(false);
    expect(refused(Y.mergeUpdates(updates))).toBe(false);
    expect(refused(Y.encodeStateAsUpdate(new Y.Doc()))).toBe(false);
  });

  it("refuses empty, truncated and random bytes", () => {
    const { updates } = session(seededRandom(2));
    const long = updates.reduce((a, b) => (b.length > a.length ? b : a));
    expect(refused(new Uint8Array())).toBe(true);
    expect(refused(long.subarray(0, long.length - 3))).toBe(true);
    expect(refused(new Uint8Array([255, 255, 255, 255, 255]))).toBe(true);
    expect(refused("text" as unknown as Uint8Array)).toBe(true);
  });

  /** A document holding items 0 to 39 of client 7, which the shapes below refer to. */
  function fortyItemsOfClient7(): Y.Doc {
    const doc = new Y.Doc();
    doc.clientID = 7;
    for (let i = 0; i < 40; i++) doc.getText("t").insert(i, "a");
    return doc;
  }

  // Shapes that decode but make Yjs throw while applying or re-encoding them,
  // found by the fuzzing below before validateUpdate knew them. Pinned by name.
  it.each([
    ["an origin ahead of its own item", [1, 1, 7, 40, 0x84, 7, 45, 1, 97, 0]],
    ["a right origin ahead of its own item", [1, 1, 7, 40, 0xc4, 7, 10, 7, 45, 1, 97, 0]],
    ["a parent item ahead of its own item", [1, 1, 7, 40, 0x04, 0, 7, 45, 1, 97, 0]],
    ["an empty delete range", [0, 1, 7, 1, 3, 0]],
  ])("refuses %s, which Yjs decodes but cannot apply", (_shape, bytes) => {
    const update = new Uint8Array(bytes);
    expect(() => Y.decodeUpdate(update)).not.toThrow();
    const breaks = (doc: Y.Doc) => {
      try {
        Y.applyUpdate(doc, update);
        Y.encodeStateAsUpdate(doc);
        return false;
      } catch {
        return true;
      }
    };
    expect(breaks(fortyItemsOfClient7()) || breaks(new Y.Doc())).toBe(true);
    expect(refused(update)).toBe(true);
  });

  // Shapes Yjs never produces, refused as a precaution: a struct that takes no
  // clock would let two structs share an id, and clocks past 2^53 lose precision.
  it.each([
    ["an empty GC struct", [1, 1, 7, 0, 0, 0, 0]],
    ["an empty item", [1, 1, 9, 0, 0x04, 1, 1, 116, 0, 0]],
    ["a clock beyond 2^53", [1, 1, 7, ...varUint(2 ** 53), 0, 5, 0]],
  ])("refuses %s", (_shape, bytes) => {
    const update = new Uint8Array(bytes);
    expect(() => Y.decodeUpdate(update)).not.toThrow();
    expect(refused(update)).toBe(true);
  });

  const seed = testSeed();
  it(`passes nothing that then throws in applyUpdate (fuzzing mutated real updates, seed ${seed})`, () => {
    const next = seededRandom(seed);
    const { doc, updates } = session(next);
    const state = Y.encodeStateAsUpdate(doc);
    let decodable = 0;
    for (let i = 0; i < 4000; i++) {
      const original = updates[Math.floor(next() * updates.length)] as Uint8Array;
      const mutated = original.slice();
      for (let flips = 1 + Math.floor(next() * 3); flips > 0; flips--) {
        mutated[Math.floor(next() * mutated.length)] = Math.floor(next() * 256);
      }
      try {
        Y.decodeUpdate(mutated);
        decodable++;
      } catch {
        continue;
      }
      if (refused(mutated)) continue;
      const target = new Y.Doc();
      Y.applyUpdate(target, state);
      expect(
        () => {
          Y.applyUpdate(target, mutated);
          Y.encodeStateAsUpdate(target);
          Y.applyUpdate(new Y.Doc(), mutated);
        },
        `seed ${seed}, mutation ${i}: ${mutated.join(",")}`,
      ).not.toThrow();
    }
    expect(decodable).toBeGreaterThan(100);
  });
});
