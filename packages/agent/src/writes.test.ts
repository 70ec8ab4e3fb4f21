import { DocumentFields, TextIndex } from "@tandem/protocol";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { findSection, insertIntoSection, sectionPoint } from "./sections.js";
import { replaceRange } from "./text-edits.js";

/** A body as the editor's binding stores it: blocks of Y.XmlElement, each with its text in one Y.XmlText. */
function body(blocks: Array<[name: string, text: string, attributes?: Record<string, string>]>): Y.XmlFragment {
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment(DocumentFields.content);
  fragment.insert(
    0,
    blocks.map(([name, text, attributes]) => {
      const element = new Y.XmlElement(name);
      for (const [key, value] of Object.entries(attributes ?? {})) element.setAttribute(key, value);
      if (text !== "") element.insert(0, [new Y.XmlText(text)]);
      return element;
    }),
  );
  return fragment;
}

const spec = () =>
  body([
    ["heading", "Summary", { level: "2" }],
    ["paragraph", ""],
    ["heading", "Problem", { level: "2" }],
    ["paragraph", "Edits are lost."],
    ["heading", "Goals", { level: "3" }],
    ["paragraph", "Keep them."],
    ["heading", "Rollout", { level: "2" }],
  ]);

describe("sections", () => {
  it("spans a heading's blocks up to the next heading of its level or above", () => {
    const fragment = spec();
    expect(findSection(fragment, "Problem")).toEqual({ heading: 2, end: 6 });
    expect(findSection(fragment, "  Goals ")).toEqual({ heading: 4, end: 6 });
    expect(findSection(fragment, "Rollout")).toEqual({ heading: 6, end: 7 });
    expect(() => findSection(fragment, "Budget")).toThrow(expect.objectContaining({ code: "not-found" }));
  });

  it("puts an insertion into an empty section's first block, else after the section's last text", () => {
    const index = new TextIndex(spec());
    expect(index.text.slice(0, sectionPoint(index, "Summary"))).toBe("Summary\n");
    expect(index.text.slice(0, sectionPoint(index, "Problem"))).toMatch(/Keep them\.$/);
    expect(() => sectionPoint(index, "Rollout")).toThrow(expect.objectContaining({ code: "invalid-argument" }));
  });

  it("replaces an empty section's empty paragraph with the Markdown's blocks, and appends to a written one", () => {
    const fragment = spec();
    const last = insertIntoSection(fragment, "Summary", "We keep **edits**.\n\n- one\n- two", "end", null);
    expect(last?.toString()).toBe("two");
    insertIntoSection(fragment, "Problem", "Often.", "end", null);
    insertIntoSection(fragment, "Problem", "First.", "start", null);
    const names = fragment.toArray().map((block) => (block as Y.XmlElement).nodeName);
    expect(names).toEqual([
      "heading",
      "paragraph",
      "bulletList",
      "heading",
      "paragraph",
      "paragraph",
      "heading",
      "paragraph",
      "paragraph",
      "heading",
    ]);
    expect(new TextIndex(fragment).text).toBe(
      "Summary\nWe keep edits.\none\ntwo\nProblem\nFirst.\nEdits are lost.\nGoals\nKeep them.\nOften.\nRollout",
    );
    // Marks are stored as the editor's binding stores them.
    expect((fragment.get(1) as Y.XmlElement).toString()).toBe("<paragraph>We keep <bold>edits</bold>.</paragraph>");
  });
});

describe("replacing quoted text", () => {
  it("keeps the formatting of the first replaced character, within one block only", () => {
    const fragment = body([["paragraph", "Sync by polling."]]);
    const text = (fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText;
    text.format(8, 7, { italic: {} });
    const index = new TextIndex(fragment);
    const done = replaceRange(index, index.find("polling")[0] as { from: number; to: number }, "pushing", null);
    expect(text.toDelta()).toEqual([
      { insert: "Sync by " },
      { insert: "pushing", attributes: { italic: {} } },
      { insert: "." },
    ]);
    expect(done).toEqual({ from: 8, to: 15 });

    const two = body([
      ["paragraph", "one"],
      ["paragraph", "two"],
    ]);
    const across = new TextIndex(two);
    expect(() => replaceRange(across, { from: 1, to: 6 }, "x", null)).toThrow(
      expect.objectContaining({ code: "invalid-argument" }),
    );
  });
});
