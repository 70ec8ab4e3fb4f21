import * as Y from "yjs";
import type { AnchorPositions } from "./model.js";
import { collapseWhitespace, type TextIndex } from "./text-index.js";

/**
 * Where a thread's text is now (a suggested insertion's anchor is a point,
 * with an empty quote: it is attached while the text it sticks to is there):
 * - `attached`: its range is in the content (possibly found again by its quote);
 * - `collapsed`: its text was deleted; the thread shows as detached with its
 *   quote, and comes back when the text does (an undo);
 * - `lost`: its positions do not resolve in this content (for example content
 *   restored from elsewhere) and its quote was not found; it stays detached.
 */
export type AnchorState = "attached" | "collapsed" | "lost";

/** A range of the content's plain text ({@link TextIndex.text}), `from` inclusive, `to` exclusive. */
export interface TextRange {
  readonly from: number;
  readonly to: number;
}

/** The text a thread was made on, kept to find it again. */
export interface AnchorText {
  readonly quote: string;
  readonly contextBefore: string;
  readonly contextAfter: string;
}

/** A thread's anchor resolved against the current content. */
export interface ResolvedAnchor {
  readonly state: AnchorState;
  /**
   * Attached: the range. Collapsed: an empty range where the text was, when
   * known. Lost: `undefined`.
   */
  readonly range: TextRange | undefined;
  /** Attached only: fresh relative positions of the range, for drawing it in an editor. */
  readonly positions: AnchorPositions | undefined;
  /** Attached by finding its quote again rather than by its stored positions. */
  readonly reanchored: boolean;
}

/** How much text around a quote is kept as context, in characters on each side. */
export const CONTEXT_LENGTH = 32;

// A collapsed anchor comes back only where its quote sits in (some of) its old context.
const MIN_CONTEXT_TO_RESTORE = 8;

/**
 * The anchor for a range of the content: positions that stick to the quoted
 * characters (text typed at either edge stays outside), the quote, and a
 * little context. `undefined` when the range holds no text.
 */
export function anchorFor(
  index: TextIndex,
  range: TextRange,
): (AnchorText & { positions: AnchorPositions }) | undefined {
  const from = Math.max(0, Math.min(range.from, range.to));
  const to = Math.min(index.text.length, Math.max(range.from, range.to));
  const quote = index.text.slice(from, to);
  if (quote.trim() === "") return undefined;
  const start = index.relativePositionAt(from, 0);
  const end = index.relativePositionAt(to, -1);
  if (!start || !end) return undefined;
  return {
    positions: { start, end },
    quote,
    contextBefore: index.text.slice(Math.max(0, from - CONTEXT_LENGTH), from),
    contextAfter: index.text.slice(to, to + CONTEXT_LENGTH),
  };
}

/**
 * The anchor for a point of the content, where a suggested insertion goes:
 * both positions stick to the character before it (or after it, at the start
 * of a block), the quote is empty and the context is what surrounds the
 * point. `undefined` where no text is.
 */
export function pointAnchorFor(
  index: TextIndex,
  offset: number,
): (AnchorText & { positions: AnchorPositions }) | undefined {
  const position = index.relativePointAt(offset);
  if (!position) return undefined;
  return {
    positions: { start: position, end: position },
    quote: "",
    contextBefore: index.text.slice(Math.max(0, offset - CONTEXT_LENGTH), offset),
    contextAfter: index.text.slice(offset, offset + CONTEXT_LENGTH),
  };
}

type Resolution = { kind: "live"; offset: number } | { kind: "gone" } | { kind: "missing" };

/**
 * Resolves one stored position. Undone deletions are deliberately not
 * followed: Yjs knows them only on the client that undid, and every client
 * must agree on where a thread is. Text an undo brings back is found by its
 * quote instead.
 */
function resolvePosition(index: TextIndex, position: Y.RelativePosition): Resolution {
  const doc = index.fragment.doc;
  if (!doc) return { kind: "missing" };
  let absolute: Y.AbsolutePosition | null;
  try {
    absolute = Y.createAbsolutePositionFromRelativePosition(position, doc, false);
  } catch {
    return { kind: "missing" };
  }
  if (absolute === null) {
    const id = position.item ?? position.type;
    return id && Y.getState(doc.store, id.client) > id.clock ? { kind: "gone" } : { kind: "missing" };
  }
  const offset = index.offsetOf(absolute);
  return offset === undefined ? { kind: "missing" } : { kind: "live", offset };
}

function commonPrefixLength(a: string, b: string): number {
  let length = 0;
  while (length < a.length && length < b.length && a[length] === b[length]) length++;
  return length;
}

function commonSuffixLength(a: string, b: string): number {
  let length = 0;
  while (length < a.length && length < b.length && a[a.length - 1 - length] === b[b.length - 1 - length]) length++;
  return length;
}

/**
 * Finds the quote again: the occurrence whose surroundings match the stored
 * context best, then the one nearest `near`. With `strict`, an occurrence
 * must also match some of the context, so that deleted text is not "found"
 * in an unrelated place.
 */
function findQuote(
  index: TextIndex,
  text: AnchorText,
  near: number | undefined,
  strict: boolean,
): TextRange | undefined {
  const before = collapseWhitespace(text.contextBefore);
  const after = collapseWhitespace(text.contextAfter);
  const required = strict ? Math.min(MIN_CONTEXT_TO_RESTORE, before.trim().length + after.trim().length) : 0;
  let best: { range: TextRange; context: number; distance: number } | undefined;
  for (const range of index.find(text.quote)) {
    const around = CONTEXT_LENGTH * 2;
    const context =
      commonSuffixLength(collapseWhitespace(index.text.slice(Math.max(0, range.from - around), range.from)), before) +
      commonPrefixLength(collapseWhitespace(index.text.slice(range.to, range.to + around)), after);
    if (context < required) continue;
    const distance = near === undefined ? 0 : Math.abs(range.from - near);
    if (!best || context > best.context || (context === best.context && distance < best.distance)) {
      best = { range, context, distance };
    }
  }
  return best?.range;
}

function attached(index: TextIndex, range: TextRange, reanchored: boolean): ResolvedAnchor | undefined {
  const start = index.relativePositionAt(range.from, 0);
  const end = index.relativePositionAt(range.to, -1);
  if (!start || !end) return undefined;
  return { state: "attached", range, positions: { start, end }, reanchored };
}

// Whether the character a position sticks to was deleted. A range notices
// that by collapsing; a point would just stay where the character was.
function stuckToDeleted(index: TextIndex, position: Y.RelativePosition): boolean {
  const doc = index.fragment.doc;
  const id = position.item ?? position.type;
  if (!doc || id === null) return false;
  try {
    return Y.getItem(doc.store, id).deleted;
  } catch {
    return false;
  }
}

/**
 * Finds a point again by its context: where the end of the stored context
 * before meets the start of the context after, nearest `near`.
 */
function findPoint(index: TextIndex, text: AnchorText, near: number | undefined): number | undefined {
  const before = text.contextBefore.slice(-MIN_CONTEXT_TO_RESTORE * 2);
  const after = text.contextAfter.slice(0, MIN_CONTEXT_TO_RESTORE * 2);
  if (before.length + after.length < Math.min(MIN_CONTEXT_TO_RESTORE, index.text.length)) return undefined;
  const needle = before + after;
  if (needle === "") return undefined;
  let best: number | undefined;
  for (let at = index.text.indexOf(needle); at !== -1; at = index.text.indexOf(needle, at + 1)) {
    const point = at + before.length;
    if (best === undefined || (near !== undefined && Math.abs(point - near) < Math.abs(best - near))) best = point;
  }
  return best;
}

function attachedPoint(index: TextIndex, offset: number, reanchored: boolean): ResolvedAnchor | undefined {
  const position = index.relativePointAt(offset);
  if (!position) return undefined;
  return {
    state: "attached",
    range: { from: offset, to: offset },
    positions: { start: position, end: position },
    reanchored,
  };
}

function resolvePoint(index: TextIndex, stored: AnchorPositions | undefined, text: AnchorText): ResolvedAnchor {
  const at = stored ? resolvePosition(index, stored.start) : ({ kind: "missing" } as const);
  if (at.kind === "live" && stored && !stuckToDeleted(index, stored.start)) {
    const live = attachedPoint(index, at.offset, false);
    if (live) return live;
  }
  const where = at.kind === "live" ? at.offset : undefined;
  const found = findPoint(index, text, where);
  const restored = found === undefined ? undefined : attachedPoint(index, found, true);
  if (restored) return restored;
  return at.kind === "missing"
    ? { state: "lost", range: undefined, positions: undefined, reanchored: false }
    : {
        state: "collapsed",
        range: where === undefined ? undefined : { from: where, to: where },
        positions: undefined,
        reanchored: false,
      };
}

/**
 * Resolves a thread's anchor against the current content. Deterministic:
 * every client with the same content and comments computes the same result.
 * An empty quote marks a point anchor (see {@link pointAnchorFor}).
 */
export function resolveAnchor(index: TextIndex, stored: AnchorPositions | undefined, text: AnchorText): ResolvedAnchor {
  if (text.quote === "") return resolvePoint(index, stored, text);
  const start = stored ? resolvePosition(index, stored.start) : ({ kind: "missing" } as const);
  const end = stored ? resolvePosition(index, stored.end) : ({ kind: "missing" } as const);
  if (start.kind === "live" && end.kind === "live" && start.offset < end.offset) {
    const range = { from: start.offset, to: end.offset };
    // Part of the text was deleted and has come back (an undo): the stored
    // positions now miss the restored part, but the whole quote is there again.
    if (collapseWhitespace(index.text.slice(range.from, range.to)).trim() !== collapseWhitespace(text.quote).trim()) {
      const found = findQuote(index, text, range.from, true);
      const whole = found && found.from < range.to && found.to > range.from && attached(index, found, true);
      if (whole) return whole;
    }
    const live = attached(index, range, false);
    if (live) return live;
  }
  if (start.kind === "missing" || end.kind === "missing") {
    const found = findQuote(index, text, undefined, false);
    const reanchored = found && attached(index, found, true);
    return reanchored ?? { state: "lost", range: undefined, positions: undefined, reanchored: false };
  }
  const where = start.kind === "live" ? start.offset : end.kind === "live" ? end.offset : undefined;
  const found = findQuote(index, text, where, true);
  const restored = found && attached(index, found, true);
  return (
    restored ?? {
      state: "collapsed",
      range: where === undefined ? undefined : { from: where, to: where },
      positions: undefined,
      reanchored: false,
    }
  );
}
