import * as Y from "yjs";
import type { TextRange } from "./anchors.js";
import type { Proposal } from "./suggestions.js";
import type { TextIndex } from "./text-index.js";

/**
 * Makes a proposed change to the content, exactly: the range is the
 * suggestion's anchor resolved against `index` (a point for an insertion).
 * Runs in one transaction of the content document, with `origin`.
 *
 * Text is changed inside its blocks (`Y.XmlText`); a deletion that spans
 * blocks removes their text and keeps the blocks. Marks are stored the way
 * the editor binding (y-prosemirror) stores them: a format attribute named
 * after the mark, holding its attributes. Inserted text takes the formatting
 * of the character before it, as typing would.
 *
 * @returns whether the change could be placed (an insertion needs a block of text at its point).
 */
export function applyProposal(index: TextIndex, range: TextRange, proposal: Proposal, origin?: unknown): boolean {
  const doc = index.fragment.doc;
  if (!doc) return false;
  const pieces = index.piecesOf(range);
  switch (proposal.kind) {
    case "insert": {
      const point = index.pointAt(range.from);
      if (!point) return false;
      const { type } = point;
      doc.transact(() => {
        // An empty block gets its text the way the editor's binding gives it: one Y.XmlText.
        if (type instanceof Y.XmlElement) type.insert(0, [new Y.XmlText(proposal.text)]);
        else type.insert(point.index, proposal.text);
      }, origin);
      return true;
    }
    case "delete":
      if (pieces.length === 0) return false;
      doc.transact(() => deletePieces(pieces), origin);
      return true;
    case "replace": {
      const first = pieces[0];
      if (!first) return false;
      doc.transact(() => {
        deletePieces(pieces);
        first.type.insert(first.from, proposal.text);
      }, origin);
      return true;
    }
    case "format":
      if (pieces.length === 0) return false;
      doc.transact(() => {
        const value = proposal.add ? (proposal.attributes ?? {}) : null;
        for (const piece of pieces) piece.type.format(piece.from, piece.to - piece.from, { [proposal.mark]: value });
      }, origin);
      return true;
  }
}

// Last piece first, so that the offsets of the earlier ones still hold.
function deletePieces(pieces: ReadonlyArray<{ type: Y.XmlText; from: number; to: number }>): void {
  for (const piece of [...pieces].reverse()) piece.type.delete(piece.from, piece.to - piece.from);
}
