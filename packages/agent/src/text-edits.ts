import type { TextIndex, TextRange } from "@tandem/protocol";
import type * as Y from "yjs";
import { TandemAgentError } from "./errors.js";

/** The formatting (marks, as y-prosemirror stores them) of the character at `index` of `text`. */
function formattingAt(text: Y.XmlText, index: number): Record<string, unknown> {
  let seen = 0;
  for (const op of text.toDelta() as Array<{ insert: unknown; attributes?: Record<string, unknown> }>) {
    const length = typeof op.insert === "string" ? op.insert.length : 1;
    if (index < seen + length) return op.attributes ?? {};
    seen += length;
  }
  return {};
}

/**
 * Replaces `range` of the plain text with `replacement`, in one transaction
 * with `origin`. The range must lie in one run of text (one paragraph, heading
 * or cell); the new text takes the formatting of the first replaced character.
 * Only the replaced characters change, so comment threads on the text around
 * them stay attached.
 *
 * @returns the range of the new text in the plain text.
 * @throws TandemAgentError `invalid-argument` for a range across blocks.
 */
export function replaceRange(index: TextIndex, range: TextRange, replacement: string, origin: unknown): TextRange {
  const start = index.positionAt(range.from, 0);
  const end = index.positionAt(range.to, -1);
  if (!start || !end || start.type !== end.type || end.index < start.index) {
    throw new TandemAgentError("invalid-argument", "a replaced quote must lie within one paragraph, heading or cell");
  }
  const text = start.type;
  const doc = text.doc;
  if (!doc) throw new TandemAgentError("closed", "the document is closed");
  const formatting = formattingAt(text, start.index);
  doc.transact(() => {
    text.delete(start.index, end.index - start.index);
    // Explicit formatting: with none, Yjs would take the formatting of the character before.
    if (replacement !== "") text.insert(start.index, replacement, formatting);
  }, origin);
  return { from: range.from, to: range.from + replacement.length };
}
