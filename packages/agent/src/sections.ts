import { contentNode, fromMarkdown } from "@tandem/content";
import { collapseWhitespace, type TextIndex } from "@tandem/protocol";
import type { JSONContent } from "@tiptap/core";
import { prosemirrorToYXmlFragment } from "@tiptap/y-tiptap";
import * as Y from "yjs";
import { TandemAgentError } from "./errors.js";

/** Where in a section new blocks go: right after its heading, or after its last block (before the next heading of its level or above). */
export type SectionPosition = "start" | "end";

/** The plain text of a block's direct text runs (a heading's text). */
function textOf(element: Y.XmlElement): string {
  return element
    .toArray()
    .map((child) =>
      child instanceof Y.XmlText
        ? (child.toDelta() as Array<{ insert: unknown }>)
            .map((op) => (typeof op.insert === "string" ? op.insert : ""))
            .join("")
        : "",
    )
    .join("");
}

const isHeading = (block: unknown): block is Y.XmlElement =>
  block instanceof Y.XmlElement && block.nodeName === "heading";
const levelOf = (heading: Y.XmlElement) => Number(heading.getAttribute("level") ?? 1);
const same = (a: string, b: string) => collapseWhitespace(a).trim() === collapseWhitespace(b).trim();

/** Whether a block holds no text at all: a template's empty paragraph (its placeholder is not text). */
function isEmptyParagraph(block: unknown): boolean {
  return block instanceof Y.XmlElement && block.nodeName === "paragraph" && textOf(block) === "" && block.length <= 1;
}

/**
 * The section under the top-level heading whose text is `heading` (any
 * level; whitespace-insensitive): the index of the heading in the body and
 * the index after the section's last block.
 *
 * @throws TandemAgentError `not-found` when no heading reads so.
 */
export function findSection(body: Y.XmlFragment, heading: string): { heading: number; end: number } {
  const blocks = body.toArray();
  const at = blocks.findIndex((block) => isHeading(block) && same(textOf(block), heading));
  if (at < 0) throw new TandemAgentError("not-found", `no heading "${heading}" in the document`);
  const level = levelOf(blocks[at] as Y.XmlElement);
  const next = blocks.findIndex((block, index) => index > at && isHeading(block) && levelOf(block) <= level);
  return { heading: at, end: next < 0 ? blocks.length : next };
}

/**
 * The point of the plain text ({@link TextIndex.text}) where text added to
 * the section under `heading` goes: the start of its first block when the
 * section holds no text yet (a template's empty paragraph or list item), else
 * the end of its last text.
 *
 * @throws TandemAgentError `not-found` for an unknown heading, `invalid-argument` for a section without any block.
 */
export function sectionPoint(index: TextIndex, heading: string): number {
  const body = index.fragment;
  const section = findSection(body, heading);
  if (section.end === section.heading + 1) {
    throw new TandemAgentError("invalid-argument", `the section "${heading}" has no block to write in`);
  }
  const start = index.offsetOf({ type: body, index: section.heading + 1 }) ?? index.text.length;
  // Blocks are separated by one break: the section's text ends just before the next block's start.
  const end =
    section.end < body.length ? (index.offsetOf({ type: body, index: section.end }) ?? 1) - 1 : index.text.length;
  return index.text.slice(start, end).trim() === "" ? start : end;
}

/** Markdown as blocks of the document schema: a leading level-1 heading stays a heading (not a title). */
function blocksOf(markdown: string): JSONContent {
  const { title, content } = fromMarkdown(markdown);
  if (title === "") return content;
  const heading: JSONContent = { type: "heading", attrs: { level: 1 }, content: [{ type: "text", text: title }] };
  const rest = content.content ?? [];
  // Markdown of a heading alone reads as the title and an empty body paragraph, which is not part of it.
  const headingAlone = rest.length === 1 && rest[0]?.type === "paragraph" && !rest[0].content;
  return { ...content, content: [heading, ...(headingAlone ? [] : rest)] };
}

/**
 * Inserts `markdown`, parsed into blocks of the document schema by TipTap's
 * own Markdown reader, into the section under `heading`, in one transaction
 * with `origin`. The blocks are made by y-tiptap, the editor's binding, so
 * they are what an editor would have written. When the section holds only
 * empty paragraphs (a template's placeholder), they are replaced.
 *
 * @returns the last text run inserted, where the writer's caret goes (none when the blocks hold no text).
 * @throws TandemAgentError `not-found` for an unknown heading, `invalid-argument` for Markdown that parses to nothing.
 */
export function insertIntoSection(
  body: Y.XmlFragment,
  heading: string,
  markdown: string,
  position: SectionPosition,
  origin: unknown,
): Y.XmlText | undefined {
  const doc = body.doc;
  if (!doc) throw new TandemAgentError("closed", "the document is closed");
  const blocks = blocksOf(markdown);
  if ((blocks.content ?? []).length === 0 || markdown.trim() === "") {
    throw new TandemAgentError("invalid-argument", "the Markdown holds nothing to insert");
  }
  // Built in a scratch document, then copied in: Yjs types cannot move between documents.
  const scratch = new Y.Doc();
  try {
    const built = prosemirrorToYXmlFragment(contentNode(blocks), scratch.getXmlFragment("blocks"));
    const copies = built.toArray().map((block) => (block as Y.XmlElement).clone());
    doc.transact(() => {
      const section = findSection(body, heading);
      const inside = body.toArray().slice(section.heading + 1, section.end);
      const emptySection = inside.length > 0 && inside.every(isEmptyParagraph);
      if (emptySection) body.delete(section.heading + 1, inside.length);
      body.insert(position === "start" || emptySection ? section.heading + 1 : section.end, copies);
    }, origin);
    return lastText(copies);
  } finally {
    scratch.destroy();
  }
}

/** The last text run in `blocks`, depth first. */
function lastText(blocks: readonly Y.XmlElement[]): Y.XmlText | undefined {
  for (let at = blocks.length - 1; at >= 0; at--) {
    for (const child of [...(blocks[at] as Y.XmlElement).toArray()].reverse()) {
      if (child instanceof Y.XmlText) return child;
      const inner = child instanceof Y.XmlElement ? lastText([child]) : undefined;
      if (inner) return inner;
    }
  }
  return undefined;
}
