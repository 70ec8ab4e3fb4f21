import { DocumentFields } from "@tandem/protocol";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { seededRandom, testSeed } from "../../../../test/support/random.js";
import { alignContent } from "./align.js";
import { applyAlignment } from "./apply.js";
import { readContent, type TreeNode } from "./content-tree.js";
import { renderDiff, renderTree } from "./render.js";

/** A copy of `doc` under a client id of its own, as another person's browser would hold it. */
function fork(doc: Y.Doc, clientID?: number): Y.Doc {
  const copy = new Y.Doc();
  if (clientID !== undefined) copy.clientID = clientID;
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}

const body = (doc: Y.Doc) => doc.getXmlFragment(DocumentFields.content);
const title = (doc: Y.Doc) => doc.getText(DocumentFields.title);

function texts(parent: Y.XmlFragment | Y.XmlElement): Y.XmlText[] {
  return parent.toArray().flatMap((child) => {
    if (child instanceof Y.XmlText) return [child];
    return child instanceof Y.XmlElement ? texts(child) : [];
  });
}

function block(name: string, text: string, attrs: Record<string, unknown> = {}): Y.XmlElement {
  const element = new Y.XmlElement(name);
  for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, value as never);
  const content = new Y.XmlText();
  content.insert(0, text);
  element.insert(0, [content]);
  return element;
}

const WORDS = ["spec", "offline", "merge", "train", "plane", "draft", "review", "ship", "ü", "😀", " ", ", "];
const MARKS = [{}, { bold: {} }, { italic: {} }, { link: { href: "https://example.com" } }];

/** Random edits of the kinds a TipTap editor makes, from a seeded generator. */
function edit(doc: Y.Doc, random: () => number, count: number): void {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const word = () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(WORDS)).join("");
  for (let i = 0; i < count; i++) {
    doc.transact(() => {
      const all = texts(body(doc));
      const text = all.length > 0 ? pick(all) : undefined;
      const op = Math.floor(random() * 9);
      const length = text?.length ?? 0;
      const at = Math.floor(random() * (length + 1));
      const span = Math.min(length - at, 1 + Math.floor(random() * 6));
      if (op <= 2 && text) text.insert(at, word(), { ...pick(MARKS) });
      else if (op === 3 && text && span > 0) text.delete(at, span);
      else if (op === 4 && text && span > 0) text.format(at, span, random() < 0.5 ? { bold: {} } : { bold: null });
      else if (op === 5) {
        const index = Math.floor(random() * (body(doc).length + 1));
        body(doc).insert(index, [random() < 0.3 ? block("heading", word(), { level: 2 }) : block("paragraph", word())]);
      } else if (op === 6 && body(doc).length > 1) body(doc).delete(Math.floor(random() * body(doc).length), 1);
      else if (op === 7) {
        const headings = body(doc)
          .toArray()
          .filter((child): child is Y.XmlElement => child instanceof Y.XmlElement && child.nodeName === "heading");
        if (headings.length > 0) pick(headings).setAttribute("level", (2 + Math.floor(random() * 2)) as never);
      } else {
        const at = Math.floor(random() * (title(doc).length + 1));
        if (random() < 0.7) title(doc).insert(at, word());
        else title(doc).delete(Math.min(at, Math.max(0, title(doc).length - 1)), Math.min(2, title(doc).length));
      }
    });
  }
}

function starting(): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = 1;
  doc.transact(() => {
    title(doc).insert(0, "Offline mode");
    body(doc).insert(0, [
      block("heading", "Summary", { level: 2 }),
      block("paragraph", "Let people edit on a train."),
      block("paragraph", "Merge when back online."),
    ]);
    const list = new Y.XmlElement("bulletList");
    body(doc).insert(3, [list]);
    const item = new Y.XmlElement("listItem");
    list.insert(0, [item]);
    item.insert(0, [block("paragraph", "No data lost")]);
  });
  return doc;
}

const contentOf = (doc: Y.Doc) => ({ title: title(doc).toString(), body: renderTree(readContent(doc).body) });

/** Each character's id and text: an edit splitting an emoji turns its halves into U+FFFD under the same ids. */
function charIds(nodes: readonly TreeNode[]): string[] {
  return nodes.flatMap((node) =>
    node.kind === "text"
      ? node.chars.map((char) => `${char.id.client}:${char.id.clock}${char.text}`)
      : charIds(node.children),
  );
}

/** Makes `live` equal to `target` by the minimal edit, as a restore does. */
function restore(live: Y.Doc, target: Y.Doc): void {
  live.transact(() => applyAlignment(alignContent(readContent(live), readContent(target))));
}

describe("aligning two states and applying the alignment", () => {
  const seed = testSeed();

  it(`turns any state into any other of the same document, keeping the ids of what both share (seed ${seed})`, () => {
    const random = seededRandom(seed);
    for (let round = 0; round < 40; round++) {
      const older = fork(starting(), 2);
      edit(older, random, 1 + Math.floor(random() * 8));
      const newer = fork(older, 3);
      edit(newer, random, 1 + Math.floor(random() * 12));
      for (const [from, to] of [
        [newer, older],
        [older, newer],
      ] as const) {
        const live = fork(from, 4);
        const shared = new Set(charIds(readContent(to).body.children));
        const kept = charIds(readContent(from).body.children).filter((id) => shared.has(id));
        restore(live, to);
        expect(contentOf(live), `round ${round}`).toEqual(contentOf(to));
        const after = new Set(charIds(readContent(live).body.children));
        expect(
          kept.filter((id) => !after.has(id)),
          `round ${round}: shared characters lost their ids`,
        ).toEqual([]);
      }
    }
  });

  it("changes nothing between equal states", () => {
    const doc = starting();
    const live = fork(doc, 5);
    let updates = 0;
    live.on("update", () => updates++);
    restore(live, doc);
    expect(updates).toBe(0);
  });

  it("keeps the words a restore does not need to change, even when the text around them was retyped", () => {
    const older = starting();
    const newer = fork(older, 6);
    // Someone deletes a whole paragraph and types it again, with one word changed.
    newer.transact(() => {
      body(newer).delete(1, 1);
      body(newer).insert(1, [block("paragraph", "Let people edit on a plane.")]);
    });
    const live = fork(newer, 7);
    const retyped = readContent(live).body.children[1];
    restore(live, older);
    expect(contentOf(live)).toEqual(contentOf(older));
    // The paragraph is the retyped one with "plane." replaced (a lone "." beside a changed word goes with it):
    // the rest of its characters kept their ids.
    const after = readContent(live).body.children[1];
    expect(after?.id).toEqual(retyped?.id);
    expect(charIds([after as TreeNode]).filter((id) => id.startsWith("6:")).length).toBe(
      "Let people edit on a ".length,
    );
  });
});

describe("rendering a diff", () => {
  it("marks insertions, deletions and formatting with their authors, and sums them up per person", () => {
    const older = starting();
    const grace = fork(older, 20);
    grace.transact(() => {
      body(grace).insert(3, [block("paragraph", "Conflicts are shown inline")]);
      const first = (body(grace).get(1) as Y.XmlElement).get(0) as Y.XmlText;
      first.delete("Let people edit on a ".length, "train".length);
      first.insert("Let people edit on a ".length, "plane");
    });
    const ada = fork(grace, 21);
    ada.transact(() => {
      ((body(ada).get(0) as Y.XmlElement).get(0) as Y.XmlText).format(0, 7, { bold: {} });
      (body(ada).get(0) as Y.XmlElement).setAttribute("level", 3 as never);
    });
    const names: Record<number, string> = { 1: "ada", 20: "grace", 21: "ada" };
    const diff = renderDiff(alignContent(readContent(older), readContent(ada)), {
      insertedBy: (id) => names[id.client] ?? null,
      // Only Grace deleted anything.
      deletedBy: () => "grace",
    });
    const [heading, first, , inserted] = diff.content.content ?? [];
    expect(heading).toMatchObject({
      type: "heading",
      attrs: { level: 3 },
      changedAttributes: [{ key: "level", from: 2, author: "ada" }],
      content: [{ text: "Summary", marks: [{ type: "bold" }], change: "formatted", author: "ada" }],
    });
    expect(first).toMatchObject({
      content: [
        { text: "Let people edit on a " },
        { text: "train", change: "deleted", author: "grace" },
        { text: "plane", change: "inserted", author: "grace" },
        { text: "." },
      ],
    });
    expect(inserted).toMatchObject({ type: "paragraph", change: "inserted", author: "grace" });
    expect(diff.summary).toEqual([
      { author: "ada", paragraphsAdded: 0, paragraphsDeleted: 0, wordsAdded: 0, wordsDeleted: 0, formattingChanges: 8 },
      {
        author: "grace",
        paragraphsAdded: 1,
        paragraphsDeleted: 0,
        wordsAdded: 5,
        wordsDeleted: 1,
        formattingChanges: 0,
      },
    ]);
  });
});
