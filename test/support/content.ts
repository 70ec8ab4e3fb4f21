import { DocumentFields } from "@tandem/protocol";
import * as Y from "yjs";

/**
 * Edits the body of a templated document (docs/standalone-page.md) the way
 * the editor's binding does: each block is a Y.XmlElement, its text one
 * Y.XmlText.
 */

/** The text of the first paragraph after the heading `heading`. */
export function paragraphAfter(doc: Y.Doc, heading: string): Y.XmlText {
  const blocks = doc.getXmlFragment(DocumentFields.content).toArray();
  const at = blocks.findIndex(
    (block) =>
      block instanceof Y.XmlElement && block.nodeName === "heading" && block.toArray()[0]?.toString() === heading,
  );
  const paragraph = blocks[at + 1];
  const text = paragraph instanceof Y.XmlElement ? paragraph.get(0) : undefined;
  if (at < 0 || !(text instanceof Y.XmlText)) throw new Error(`no paragraph after the heading "${heading}"`);
  return text;
}

/** The plain text of the first paragraph after `heading`. */
export function textAfter(doc: Y.Doc, heading: string): string {
  return paragraphAfter(doc, heading)
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
