import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { DecodedUpdate } from "../protocol/frames.js";
import { MAX_NESTING_DEPTH, nestingProblem } from "./nesting.js";

/** Nests `levels` XmlElements under `parent`, each in the one before, in one transaction; returns the innermost. */
function nest(parent: Y.XmlFragment | Y.XmlElement, levels: number): Y.XmlFragment | Y.XmlElement {
  let current = parent;
  for (let level = 0; level < levels; level++) {
    const child = new Y.XmlElement("blockquote");
    current.insert(0, [child]);
    current = child;
  }
  return current;
}

/** The updates `change` makes to `doc`, as one. */
function updateOf(doc: Y.Doc, change: () => void): DecodedUpdate {
  const updates: Uint8Array[] = [];
  const record = (update: Uint8Array) => updates.push(update);
  doc.on("update", record);
  doc.transact(change);
  doc.off("update", record);
  return Y.decodeUpdate(Y.mergeUpdates(updates));
}

/** A copy of `doc` as the server would hold it. */
function copyOf(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}

describe("nestingProblem", () => {
  it("allows types up to the cap in one update, and refuses one level more", () => {
    const client = new Y.Doc();
    const server = new Y.Doc();
    const atCap = updateOf(client, () => nest(client.getXmlFragment("default"), MAX_NESTING_DEPTH));
    expect(nestingProblem(atCap, server)).toBeNull();
    const deeper = new Y.Doc();
    const overCap = updateOf(deeper, () => nest(deeper.getXmlFragment("default"), MAX_NESTING_DEPTH + 1));
    expect(nestingProblem(overCap, server)).toMatch(/nested deeper than/);
  });

  it("counts the levels the document already has", () => {
    const client = new Y.Doc();
    let innermost: Y.XmlFragment | Y.XmlElement = client.getXmlFragment("default");
    client.transact(() => {
      innermost = nest(innermost, MAX_NESTING_DEPTH - 1);
    });
    const server = copyOf(client);
    const oneMore = updateOf(client, () => nest(innermost, 1));
    expect(nestingProblem(oneMore, server)).toBeNull();
    Y.applyUpdate(server, Y.encodeStateAsUpdate(client));
    const twoMore = updateOf(client, () => nest(innermost, 2));
    expect(nestingProblem(twoMore, server)).toMatch(/nested deeper than/);
  });

  it("finds the container of items that name only a neighbour, in the update and in the document", () => {
    const client = new Y.Doc();
    const body = client.getXmlFragment("default");
    let inner: Y.XmlFragment | Y.XmlElement = body;
    client.transact(() => {
      inner = nest(body, MAX_NESTING_DEPTH - 1);
      inner.insert(0, [new Y.XmlElement("p")]);
    });
    const server = copyOf(client);
    // Siblings after the one the document has: each names the one before it as its origin.
    const siblings = updateOf(client, () => {
      for (let i = 0; i < 50; i++) inner.insert(inner.length, [new Y.XmlElement("p")]);
    });
    expect(nestingProblem(siblings, server)).toBeNull();
    Y.applyUpdate(server, Y.encodeStateAsUpdate(client));
    const nestedSibling = updateOf(client, () => {
      const sibling = new Y.XmlElement("p");
      inner.insert(inner.length, [sibling]);
      sibling.insert(0, [new Y.XmlElement("p")]);
    });
    expect(nestingProblem(nestedSibling, server)).toMatch(/nested deeper than/);
  });

  it("refuses a type whose container the server does not have", () => {
    const client = new Y.Doc();
    const body = client.getXmlFragment("default");
    const outer = new Y.XmlElement("blockquote");
    client.transact(() => body.insert(0, [outer]));
    const server = new Y.Doc(); // never got the outer element
    const inner = updateOf(client, () => outer.insert(0, [new Y.XmlElement("p")]));
    expect(nestingProblem(inner, server)).toMatch(/does not have/);
  });

  it("refuses values nested deeper than the cap, wherever they are", () => {
    let value: unknown = "leaf";
    for (let level = 0; level < MAX_NESTING_DEPTH + 1; level++) value = { a: value };
    const client = new Y.Doc();
    const deep = updateOf(client, () => client.getMap("meta").set("x", value));
    expect(nestingProblem(deep, new Y.Doc())).toMatch(/value nested deeper/);
    const fine = updateOf(client, () => client.getMap("meta").set("y", { a: [1, { b: 2 }] }));
    expect(nestingProblem(fine, new Y.Doc())).toBeNull();
  });

  it("leaves typing alone", () => {
    const client = new Y.Doc();
    const keystroke = updateOf(client, () => client.getText("t").insert(0, "a", { bold: {} }));
    expect(nestingProblem(keystroke, new Y.Doc())).toBeNull();
  });
});
