import { contentExtensions } from "@tandem/content";
import { PLACEHOLDER_ATTRIBUTE } from "@tandem/protocol";
import { getAttributesFromExtensions, getSchema, resolveExtensions } from "@tiptap/core";
import { Fragment, Slice } from "@tiptap/pm/model";
import { prosemirrorToYXmlFragment, yXmlFragmentToProseMirrorRootNode } from "@tiptap/y-tiptap";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { ownPlaceholder, placeholders } from "./placeholders.js";

const hint = "What are we building, for whom, and why does it matter?";
const extensions = [...contentExtensions(), ...placeholders("Start writing…")];
const schema = getSchema(extensions);

/** A body as a template builds it: a heading and an empty paragraph with a placeholder, in Yjs. */
function templatedFragment(): Y.XmlFragment {
  const fragment = new Y.Doc().getXmlFragment("default");
  const heading = new Y.XmlElement("heading");
  const paragraph = new Y.XmlElement("paragraph");
  fragment.insert(0, [heading, paragraph]);
  heading.setAttribute("level", 2 as never);
  heading.insert(0, [new Y.XmlText("Summary")]);
  paragraph.setAttribute(PLACEHOLDER_ATTRIBUTE, hint);
  return fragment;
}

// What the placeholders look like on screen (drawn while empty, gone when typed over) is checked in the
// browser (test/e2e/editor-ui.test.ts); a headless TipTap editor runs no plugins.
describe("paragraph placeholders", () => {
  it("keeps a paragraph's placeholder from the shared document as an attribute, never as text", () => {
    const root = yXmlFragmentToProseMirrorRootNode(templatedFragment(), schema);
    const paragraph = root.child(1);
    expect(paragraph.attrs[PLACEHOLDER_ATTRIBUTE]).toBe(hint);
    expect(paragraph.textContent).toBe("");
    expect(ownPlaceholder(paragraph)).toBe(hint);

    // Typed over, and written back to the shared document: the text as typed, the placeholder still aside.
    const inside = root.child(0).nodeSize + 1;
    const typed = root.replace(inside, inside, new Slice(Fragment.from(schema.text("Offline editing")), 0, 0));
    const shared = new Y.Doc().getXmlFragment("default");
    prosemirrorToYXmlFragment(typed, shared);
    const element = shared.get(1) as Y.XmlElement;
    expect(element.getAttribute(PLACEHOLDER_ATTRIBUTE)).toBe(hint);
    expect(element.toArray().map((text) => (text as Y.XmlText).toDelta())).toEqual([[{ insert: "Offline editing" }]]);
  });

  it("is not rendered to HTML, read from pasted HTML, or passed on to a paragraph split off", () => {
    const attribute = getAttributesFromExtensions(resolveExtensions(extensions)).find(
      (item) => item.type === "paragraph" && item.name === PLACEHOLDER_ATTRIBUTE,
    )?.attribute;
    expect(attribute).toMatchObject({ default: null, rendered: false, keepOnSplit: false });
    expect(attribute?.parseHTML?.({ getAttribute: () => hint } as unknown as HTMLElement)).toBeNull();
  });

  it("gives other paragraphs none of their own", () => {
    expect(ownPlaceholder(schema.nodes.paragraph?.create() ?? schema.text("x"))).toBeNull();
    expect(
      ownPlaceholder(schema.nodes.paragraph?.create({ [PLACEHOLDER_ATTRIBUTE]: "" }) ?? schema.text("x")),
    ).toBeNull();
  });
});
