import * as Y from "yjs";
import type { TextRange } from "./anchors.js";
import type { Proposal } from "./suggestions.js";
import { TextIndex } from "./text-index.js";

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

/**
 * The change {@link applyProposal} would make at `range` of `content` (a root
 * fragment of its document), as a Yjs update, made on a copy of the
 * document under a Yjs client id of its own, so that the change's new items
 * are all of one client nobody else writes with. The document is not
 * touched; `undefined` when the change cannot be placed.
 */
export function proposalChange(content: Y.XmlFragment, range: TextRange, proposal: Proposal): Uint8Array | undefined {
  const doc = content.doc;
  const name = doc ? rootName(doc, content) : undefined;
  if (!doc || name === undefined) return undefined;
  const copy = copyOfDoc(doc);
  try {
    let change: Uint8Array | undefined;
    copy.on("update", (update: Uint8Array) => {
      change = update;
    });
    return applyProposal(new TextIndex(copy.getXmlFragment(name)), range, proposal) ? change : undefined;
  } finally {
    copy.destroy();
  }
}

/** A copy of `doc`'s state in a new Y.Doc, which picks a client id of its own. */
export function copyOfDoc(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}

/** The name `type` has as a root of `doc`, or `undefined` when it is not one. */
export function rootName(doc: Y.Doc, type: Y.XmlFragment): string | undefined {
  for (const [name, root] of doc.share) if ((root as unknown) === type) return name;
  return undefined;
}

// Last piece first, so that the offsets of the earlier ones still hold.
function deletePieces(pieces: ReadonlyArray<{ type: Y.XmlText; from: number; to: number }>): void {
  for (const piece of [...pieces].reverse()) piece.type.delete(piece.from, piece.to - piece.from);
}
