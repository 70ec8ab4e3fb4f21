import type { JSONContent } from "@tiptap/core";
import { generateHTML, generateJSON } from "@tiptap/html";
import { MarkdownManager } from "@tiptap/markdown";
import { contentNode, type DocumentContent } from "./document.js";
import { defaultContentExtensions } from "./extensions.js";

/**
 * Markdown and HTML, written and read by TipTap's own packages from the
 * document schema's extensions, so what is exported reads back into the
 * same nodes. The title travels as a level-1 heading before the body (the
 * body's own headings are level 2 and below, as the templates write them).
 */

let markdown: MarkdownManager | undefined;

function markdownManager(): MarkdownManager {
  markdown ??= new MarkdownManager({ extensions: defaultContentExtensions() });
  return markdown;
}

/** The body with the title before it as a level-1 heading (none for an empty title). */
function withTitle({ title, content }: DocumentContent): JSONContent {
  const trimmed = title.trim();
  if (trimmed === "") return content;
  const heading: JSONContent = { type: "heading", attrs: { level: 1 }, content: [{ type: "text", text: trimmed }] };
  return { ...content, content: [heading, ...(content.content ?? [])] };
}

/** The inverse of {@link withTitle}: a leading level-1 heading is the title. */
function splitTitle(doc: JSONContent): DocumentContent {
  const [first, ...rest] = doc.content ?? [];
  if (first?.type !== "heading" || first.attrs?.level !== 1) return { title: "", content: doc };
  const title = (first.content ?? []).map((inline) => inline.text ?? "").join("");
  return { title, content: { ...doc, content: rest.length > 0 ? rest : [{ type: "paragraph" }] } };
}

/**
 * A document as Markdown (GitHub flavoured: task lists, tables), the title
 * as its first heading.
 *
 * @example
 * ```ts
 * toMarkdown(readDocumentContent(doc)); // "# Plan\n\n- [ ] ship\n"
 * ```
 */
export function toMarkdown(document: DocumentContent): string {
  return `${markdownManager().serialize(withTitle(document)).trim()}\n`;
}

/**
 * A document from Markdown: a leading level-1 heading becomes the title
 * (empty when there is none), the rest the body.
 *
 * @throws TandemContentError `invalid-content` when what the Markdown parses
 * to does not fit the schema.
 */
export function fromMarkdown(text: string): DocumentContent {
  const parsed = splitTitle(markdownManager().parse(text));
  contentNode(parsed.content);
  return parsed;
}

/**
 * A document as an HTML fragment, the title as its `<h1>`. Link hrefs that
 * are not {@link isSafeLinkHref} are emptied, text is escaped by the DOM
 * serializer, and paragraphs' placeholders are not written.
 */
export function toHTML(document: DocumentContent): string {
  return generateHTML(withTitle(document), defaultContentExtensions());
}

/**
 * A document from an HTML fragment, parsed by the schema's own rules (what
 * it does not know is dropped, scripts never run): a leading `<h1>` becomes
 * the title.
 */
export function fromHTML(html: string): DocumentContent {
  return splitTitle(generateJSON(html, defaultContentExtensions()));
}
