import type { TextIndex, TextRange } from "@tandem/protocol";
import * as Y from "yjs";

/** The awareness field the editor's caret extension (y-prosemirror's cursor plugin) draws remote carets from. */
export const CURSOR_FIELD = "cursor";

/** A caret, or a selection from `anchor` to `head`, as y-prosemirror publishes one: relative positions as JSON. */
export interface CursorState {
  readonly anchor: unknown;
  readonly head: unknown;
}

// The association y-prosemirror gives a caret in text (-1): it stays after the character before it while
// people type around it.
function positionJSON(text: Y.XmlText, index: number): unknown {
  return Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, index, -1));
}

/**
 * Where a caret or selection over `range` of the plain text is, in the form
 * editors read from awareness: a relative position into the text run at each
 * end. The head is at `range.to`: a program's caret rests where it finished.
 * `undefined` when the document has no text to put a caret in.
 */
export function cursorFor(index: TextIndex, range: TextRange): CursorState | undefined {
  const at = (offset: number) => {
    const position = index.positionAt(offset, -1) ?? index.positionAt(offset, 0);
    return position && positionJSON(position.type, position.index);
  };
  const anchor = at(range.from);
  const head = at(range.to);
  return anchor && head ? { anchor, head } : undefined;
}

/** A caret at the end of a run of text, in the form of {@link cursorFor}. */
export function cursorAtEnd(text: Y.XmlText): CursorState {
  const end = positionJSON(text, text.length);
  return { anchor: end, head: end };
}
