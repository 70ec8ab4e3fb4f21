import { DocumentFields } from "@tandem/protocol";
import * as Y from "yjs";

/**
 * Edits the body of a templated document (docs/standalone-page.md) the way
 * the editor's binding does: each block is a Y.XmlElement, its text one
 * Y.XmlText.
 */

/** The first paragraph after the heading `heading`. */
function paragraphElementAfter(doc: Y.Doc, heading: string): Y.XmlElement {
  const blocks = doc.getXmlFragment(DocumentFields.content).toArray();
  const at = blocks.findIndex(
    (block) =>
      block instanceof Y.XmlElement && block.nodeName === "heading" && block.toArray()[0]?.toString() === heading,
  );
  const paragraph = blocks[at + 1];
  if (at < 0 || !(paragraph instanceof Y.XmlElement)) throw new Error(`no paragraph after the heading "${heading}"`);
  return paragraph;
}

/**
 * The text of the first paragraph after the heading `heading`. A template's
 * sections start as empty paragraphs (a placeholder, no text): the binding
 * gives one its text when someone first types there, and so does this.
 */
export function paragraphAfter(doc: Y.Doc, heading: string): Y.XmlText {
  const paragraph = paragraphElementAfter(doc, heading);
  const text = paragraph.get(0);
  if (text instanceof Y.XmlText) return text;
  if (text !== undefined) throw new Error(`the paragraph after the heading "${heading}" does not start with text`);
  const created = new Y.XmlText();
  paragraph.insert(0, [created]);
  return created;
}

/** The plain text of the first paragraph after `heading` (empty for a paragraph without text). */
export function textAfter(doc: Y.Doc, heading: string): string {
  const text = paragraphElementAfter(doc, heading).get(0);
  if (!(text instanceof Y.XmlText)) return "";
  return text
    .toDelta()
    .map((op: { insert: unknown }) => (typeof op.insert === "string" ? op.insert : ""))
    .join("");
}

/** Replaces the paragraph after `heading` with plain `text`, in one transaction. */
export function rewrite(doc: Y.Doc, heading: string, text: string): void {
  const paragraph = paragraphAfter(doc, heading);
  doc.transact(() => {
    paragraph.delete(0, paragraph.length);
    paragraph.insert(0, text, {});
  });
}

/** Inserts plain `text` into the paragraph after `heading`, at `at` (default: its end). */
export function type(doc: Y.Doc, heading: string, text: string, at?: number): void {
  const paragraph = paragraphAfter(doc, heading);
  paragraph.insert(at ?? paragraph.length, text, {});
}

/** Deletes the first occurrence of `text` from the paragraph after `heading`. */
export function erase(doc: Y.Doc, heading: string, text: string): void {
  const at = textAfter(doc, heading).indexOf(text);
  if (at < 0) throw new Error(`"${text}" is not after the heading "${heading}"`);
  paragraphAfter(doc, heading).delete(at, text.length);
}
