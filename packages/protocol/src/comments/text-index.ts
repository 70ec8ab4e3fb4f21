import * as Y from "yjs";

// Yjs's types are invariant in their event type, so "any shared type" needs `any`.
// biome-ignore lint/suspicious/noExplicitAny: see above
export type YType = Y.AbstractType<any>;

/** A run of text: one `Y.XmlText` and where its characters start in {@link TextIndex.text}. */
interface Segment {
  readonly type: Y.XmlText;
  readonly start: number;
  readonly length: number;
}

/** A live position in the content: a type and an index into it, as Yjs resolves relative positions. */
export interface ContentPosition {
  readonly type: YType;
  readonly index: number;
}

// Non-text content (an image, a mention, a hard break) stands for one character.
const OBJECT_REPLACEMENT = "\uFFFC";

// Blocks that hold text, by the editor's node names: an empty one can receive an insertion.
const TEXT_BLOCKS: ReadonlySet<string> = new Set(["paragraph", "heading", "codeBlock"]);

/** Where an insertion goes: a text and an index into it, or an empty text block (index 0). */
export interface TextPoint {
  readonly type: Y.XmlText | Y.XmlElement;
  readonly index: number;
}

/**
 * The plain text of a rich-text `Y.XmlFragment` and a map between offsets in
 * that text and positions in the Yjs tree. Blocks are separated by `\n`, so
 * a quote taken from the editor (`textBetween(from, to, "\n")`) can be found
 * again here. An empty block still has its own break, as in the editor's
 * text, so that a point in it is not the start of the next block.
 *
 * It needs no editor and no schema, which keeps the comments core usable in
 * Node and in hosts that render content some other way. Built in one pass
 * over the document; rebuilt when the content changes.
 */
export class TextIndex {
  readonly text: string;
  private readonly segments: readonly Segment[];
  private readonly bounds: ReadonlyMap<YType, { start: number; end: number }>;
  private readonly emptyBlocks: ReadonlyArray<{ readonly element: Y.XmlElement; readonly start: number }>;
  private normalized: { text: string; offsets: number[] } | undefined;

  constructor(readonly fragment: Y.XmlFragment) {
    const parts: string[] = [];
    const segments: Segment[] = [];
    const bounds = new Map<YType, { start: number; end: number }>();
    const emptyBlocks: Array<{ element: Y.XmlElement; start: number }> = [];
    let length = 0;
    let endsWithBreak = true;
    const append = (value: string) => {
      parts.push(value);
      length += value.length;
      endsWithBreak = value.endsWith("\n");
    };
    const visit = (type: YType) => {
      if (type instanceof Y.XmlText) {
        const start = length;
        for (let item = type._start; item !== null; item = item.right) {
          if (item.deleted || !item.countable) continue;
          append(item.content instanceof Y.ContentString ? item.content.str : OBJECT_REPLACEMENT.repeat(item.length));
        }
        segments.push({ type, start, length: length - start });
        bounds.set(type, { start, end: length });
        return;
      }
      if (type !== fragment && !endsWithBreak) append("\n");
      const start = length;
      for (let item = type._start; item !== null; item = item.right) {
        if (!item.deleted && item.content instanceof Y.ContentType) visit(item.content.type);
      }
      bounds.set(type, { start, end: length });
      if (type !== fragment && length === start) {
        if (type instanceof Y.XmlElement && type.length === 0 && TEXT_BLOCKS.has(type.nodeName)) {
          emptyBlocks.push({ element: type, start });
        }
        // Nothing was written after this block's break: the next block writes its own.
        endsWithBreak = false;
      }
    };
    visit(fragment);
    this.text = parts.join("");
    this.segments = segments;
    this.bounds = bounds;
    this.emptyBlocks = emptyBlocks;
  }

  /**
   * The text offset of a live position, or `undefined` when the position is
   * not inside this fragment. A position inside a deleted type is placed where
   * that type was.
   */
  offsetOf(position: ContentPosition): number | undefined {
    let { type, index } = position;
    // Climb out of deleted types: where a deleted paragraph was is where its text went.
    while (type._item?.deleted) {
      const item: Y.Item = type._item;
      index = 0;
      for (let left = item.left; left !== null; left = left.left) {
        if (!left.deleted && left.countable) index += left.length;
      }
      type = item.parent as YType;
    }
    const bounds = this.bounds.get(type);
    if (bounds === undefined) return undefined;
    if (type instanceof Y.XmlText) return Math.min(bounds.start + index, bounds.end);
    let seen = 0;
    for (let item = type._start; item !== null; item = item.right) {
      if (item.deleted || !item.countable) continue;
      if (seen === index && item.content instanceof Y.ContentType) {
        return this.bounds.get(item.content.type)?.start ?? bounds.end;
      }
      seen += item.length;
    }
    return bounds.end;
  }

  /**
   * The text segment position at `offset`: for the start of a range
   * (`assoc >= 0`) the character at the offset, for its end (`assoc < 0`) the
   * character before it. Offsets on a block break move into the neighbouring
   * text in that direction.
   */
  positionAt(offset: number, assoc: number): { type: Y.XmlText; index: number } | undefined {
    if (assoc >= 0) {
      for (const segment of this.segments) {
        if (segment.length > 0 && offset < segment.start + segment.length) {
          return { type: segment.type, index: Math.max(0, offset - segment.start) };
        }
      }
      return undefined;
    }
    for (let position = this.segments.length - 1; position >= 0; position--) {
      const segment = this.segments[position] as Segment;
      if (segment.length > 0 && offset > segment.start) {
        return { type: segment.type, index: Math.min(segment.length, offset - segment.start) };
      }
    }
    return undefined;
  }

  /**
   * The text position of a point between characters (where an insertion
   * goes), inside the block that holds `offset`: a point at the start of a
   * block belongs to that block, not to the end of the one before.
   * An empty paragraph or heading is a point too. `undefined` where no text
   * can go (outside the content, or in a block that holds no text).
   */
  pointAt(offset: number): TextPoint | undefined {
    for (const segment of this.segments) {
      if (offset >= segment.start && offset <= segment.start + segment.length) {
        return { type: segment.type, index: offset - segment.start };
      }
    }
    const empty = this.emptyBlocks.find((block) => block.start === offset);
    return empty && { type: empty.element, index: 0 };
  }

  /**
   * A relative position for the point at `offset` ({@link pointAt}) that
   * sticks to the character before it (text typed at the point stays after
   * it), or at the start of a block to the character after it; in an empty
   * block, to the block.
   */
  relativePointAt(offset: number): Y.RelativePosition | undefined {
    const point = this.pointAt(offset);
    if (!point) return undefined;
    // An empty block's position names the block itself; associated left, it resolves to its start.
    if (point.type instanceof Y.XmlElement) return Y.createRelativePositionFromTypeIndex(point.type, 0, -1);
    return Y.createRelativePositionFromTypeIndex(point.type, point.index, point.index > 0 ? -1 : 0);
  }

  /**
   * The text of `range` split by block: for each text segment it touches,
   * the segment's type and the range within it, in document order. Block
   * breaks between them belong to no piece.
   */
  piecesOf(range: { from: number; to: number }): Array<{ type: Y.XmlText; from: number; to: number }> {
    const pieces: Array<{ type: Y.XmlText; from: number; to: number }> = [];
    for (const segment of this.segments) {
      const from = Math.max(range.from, segment.start);
      const to = Math.min(range.to, segment.start + segment.length);
      if (from < to) pieces.push({ type: segment.type, from: from - segment.start, to: to - segment.start });
    }
    return pieces;
  }

  /** A relative position for `offset`, with the association of {@link positionAt}. */
  relativePositionAt(offset: number, assoc: number): Y.RelativePosition | undefined {
    const position = this.positionAt(offset, assoc);
    return position && Y.createRelativePositionFromTypeIndex(position.type, position.index, assoc);
  }

  /**
   * Every place `quote` occurs, comparing with runs of whitespace collapsed
   * (block breaks and spaces are the same to a reader). Returns text offsets.
   */
  find(quote: string, limit = 1000): Array<{ from: number; to: number }> {
    const needle = collapseWhitespace(quote).trim();
    if (needle === "") return [];
    const { text, offsets } = this.normalizedText();
    const found: Array<{ from: number; to: number }> = [];
    for (let at = text.indexOf(needle); at !== -1 && found.length < limit; at = text.indexOf(needle, at + 1)) {
      found.push({ from: offsets[at] as number, to: (offsets[at + needle.length - 1] as number) + 1 });
    }
    return found;
  }

  // The text with whitespace runs collapsed to one space, and for each of its
  // characters the offset of the original character.
  private normalizedText(): { text: string; offsets: number[] } {
    if (this.normalized) return this.normalized;
    const chars: string[] = [];
    const offsets: number[] = [];
    let inSpace = false;
    for (let offset = 0; offset < this.text.length; offset++) {
      const char = this.text[offset] as string;
      if (/\s/.test(char)) {
        if (inSpace) continue;
        inSpace = true;
        chars.push(" ");
      } else {
        inSpace = false;
        chars.push(char);
      }
      offsets.push(offset);
    }
    this.normalized = { text: chars.join(""), offsets };
    return this.normalized;
  }
}

/** `value` with every run of whitespace turned into one space. */
export function collapseWhitespace(value: string): string {
  return value.replace(/\s+/g, " ");
}
