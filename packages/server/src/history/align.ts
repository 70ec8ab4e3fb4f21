import type * as Y from "yjs";
import {
  type ContentTree,
  type TreeChar,
  type TreeElement,
  type TreeNode,
  type TreeText,
  textOf,
} from "./content-tree.js";
import { commonSubsequence } from "./myers.js";
import { rangeHolding } from "./ranges.js";

/**
 * How two states of a document line up: the one alignment behind every diff,
 * restore and revert (see docs/history.md). Read a step list as the newer
 * state with the older one's leftovers put back where they were.
 */

/** One character: in both states (`keep`), only in the older (`delete`) or only in the newer (`insert`). */
export type CharStep = Pairing<TreeChar>;

/** One child of an element: paired with its counterpart (and aligned inside), or only in one state. */
export type NodeStep =
  | {
      readonly op: "element";
      readonly old: TreeElement;
      readonly new: TreeElement;
      readonly children: readonly NodeStep[];
    }
  | { readonly op: "text"; readonly old: TreeText; readonly new: TreeText; readonly chars: readonly CharStep[] }
  | { readonly op: "delete"; readonly old: TreeNode }
  | { readonly op: "insert"; readonly new: TreeNode };

/** Two states of a document, aligned. */
export interface ContentAlignment {
  readonly title: Extract<NodeStep, { op: "text" }>;
  readonly body: Extract<NodeStep, { op: "element" }>;
}

/** Appends `items` one by one: spreading a long stretch into push() would overflow the call stack. */
function pushAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

/** An item of two aligned sequences: in both (`keep`), only in the older (`delete`) or only in the newer (`insert`). */
type Pairing<T> =
  | { readonly op: "keep"; readonly old: T; readonly new: T }
  | { readonly op: "delete"; readonly old: T }
  | { readonly op: "insert"; readonly new: T };

/**
 * The pairs of indexes of items with the same Yjs id in two sequences (when
 * `same` agrees): since Yjs never moves an item, shared ids come in the same
 * order in both states, so one pass finds them all. For the few children of
 * an element.
 */
function idAnchors<T>(
  old: readonly T[],
  next: readonly T[],
  idOf: (item: T) => Y.ID | null,
  same: (a: T, b: T) => boolean,
): [number, number][] {
  const positions = new Map<string, number>();
  next.forEach((item, index) => {
    const id = idOf(item);
    if (id !== null) positions.set(`${id.client}:${id.clock}`, index);
  });
  const anchors: [number, number][] = [];
  let lastNext = -1;
  old.forEach((item, index) => {
    const id = idOf(item);
    const position = id === null ? undefined : positions.get(`${id.client}:${id.clock}`);
    // Always increasing, as said above; a stray one is simply not an anchor.
    if (position !== undefined && position > lastNext && same(item, next[position] as T)) {
      anchors.push([index, position]);
      lastNext = position;
    }
  });
  return anchors;
}

/** Characters of one client with consecutive clocks at consecutive indexes: a typed run, usually one Yjs item. */
interface CharRun {
  readonly clock: number;
  end: number;
  readonly index: number;
}

/**
 * {@link idAnchors} for characters, which number in the hundreds of
 * thousands: a key per character was most of a diff's time. The newer
 * characters are indexed as runs (per client, sorted by clock) and each older
 * character is found by binary search, or at once when it follows the one
 * before in the same run. A character of two UTF-16 units (an emoji) is a run
 * of its own, so that clocks and indexes step together inside a run.
 */
function charAnchors(old: readonly TreeChar[], next: readonly TreeChar[]): [number, number][] {
  const runs = new Map<number, CharRun[]>();
  let open: { client: number; run: CharRun } | undefined;
  next.forEach((char, index) => {
    const { client, clock } = char.id;
    const extends_ =
      open !== undefined &&
      open.client === client &&
      open.run.end === clock &&
      open.run.index + (open.run.end - open.run.clock) === index &&
      char.text.length === 1;
    if (extends_ && open) {
      open.run.end++;
      return;
    }
    const run = { clock, end: clock + 1, index };
    const list = runs.get(client) ?? [];
    list.push(run);
    runs.set(client, list);
    open = char.text.length === 1 ? { client, run } : undefined;
  });
  for (const list of runs.values()) list.sort((a, b) => a.clock - b.clock);
  const anchors: [number, number][] = [];
  let lastNext = -1;
  let found: { client: number; run: CharRun } | undefined;
  old.forEach((char, index) => {
    const { client, clock } = char.id;
    if (found === undefined || found.client !== client || clock < found.run.clock || clock >= found.run.end) {
      const run = rangeHolding(runs.get(client) ?? [], clock, (candidate) => ({
        from: candidate.clock,
        to: candidate.end,
      }));
      found = run && { client, run };
    }
    if (found === undefined) return;
    const position = found.run.index + (clock - found.run.clock);
    if (position > lastNext && next[position]?.text === char.text) {
      anchors.push([index, position]);
      lastNext = position;
    }
  });
  return anchors;
}

/** Pairs the items at `matches` (pairs of indexes, increasing), and hands the stretches between them to `between`. */
function pairAround<T>(
  old: readonly T[],
  next: readonly T[],
  matches: readonly (readonly [number, number])[],
  between: (old: readonly T[], next: readonly T[]) => Pairing<T>[],
): Pairing<T>[] {
  const steps: Pairing<T>[] = [];
  let from = 0;
  let fromNext = 0;
  for (const [at, atNext] of [...matches, [old.length, next.length] as const]) {
    // Most anchors follow one another: nothing between them to compare.
    if (at > from || atNext > fromNext) pushAll(steps, between(old.slice(from, at), next.slice(fromNext, atNext)));
    const kept = old[at];
    const keptNext = next[atNext];
    if (kept !== undefined && keptNext !== undefined) steps.push({ op: "keep", old: kept, new: keptNext });
    from = at + 1;
    fromNext = atNext + 1;
  }
  return steps;
}

/**
 * Pairs what `commonSubsequence` matched between the signatures of two
 * stretches; the rest goes to `unmatched`, one run at a time, so that each
 * run's deletions and insertions stay together.
 */
function pairMatched<T>(
  old: readonly T[],
  next: readonly T[],
  signature: (item: T) => string,
  unmatched: (old: readonly T[], next: readonly T[]) => Pairing<T>[],
): Pairing<T>[] {
  if (old.length === 0 || next.length === 0) return unmatched(old, next);
  return pairAround(old, next, commonSubsequence(old.map(signature), next.map(signature)) ?? [], unmatched);
}

/** Deletions first, then insertions: how a replaced stretch reads. */
function replaced<T>(old: readonly T[], next: readonly T[]): Pairing<T>[] {
  return [
    ...old.map((item) => ({ op: "delete", old: item }) as const),
    ...next.map((item) => ({ op: "insert", new: item }) as const),
  ];
}

const WORD = /[\p{L}\p{N}_]/u;

/** Words (runs of letters, digits and underscores) and single other characters, as index ranges. */
function tokens(chars: readonly TreeChar[]): Token[] {
  const found: Token[] = [];
  let index = 0;
  while (index < chars.length) {
    let end = index + 1;
    if (WORD.test(chars[index]?.text ?? "")) while (end < chars.length && WORD.test(chars[end]?.text ?? "")) end++;
    found.push({ text: textOf(chars.slice(index, end)), from: index, to: end });
    index = end;
  }
  return found;
}

type Token = { readonly text: string; readonly from: number; readonly to: number };

/** A stretch of a word diff: tokens equal on both sides, or changed (deleted and inserted ones). */
type Segment =
  | { readonly equal: true; readonly pairs: { old: Token; new: Token }[]; readonly length: number }
  | { readonly equal: false; readonly deleted: Token[]; readonly inserted: Token[] };

const lengthOf = (tokens: readonly Token[]) => tokens.reduce((sum, token) => sum + token.text.length, 0);
const changeSize = (segment: Segment | undefined) =>
  segment === undefined || segment.equal ? 0 : Math.max(lengthOf(segment.deleted), lengthOf(segment.inserted));

/**
 * Diff-match-patch's semantic cleanup: an equality no longer than the
 * changes on either side of it (a space, "the", a comma between two
 * rewritten phrases) is folded into them, so that a rewrite reads as one
 * deletion and one insertion rather than as confetti. At the edge of a
 * stretch, where it has one neighbour, only an equality without letters or
 * digits is folded.
 */
function cleanUp(segments: Segment[]): Segment[] {
  let changed = true;
  while (changed) {
    changed = false;
    for (let index = 0; index < segments.length; index++) {
      const segment = segments[index] as Segment;
      if (!segment.equal) continue;
      const before = changeSize(segments[index - 1]);
      const after = changeSize(segments[index + 1]);
      const inside = index > 0 && index < segments.length - 1;
      const fold = inside
        ? segment.length <= before && segment.length <= after
        : (before > 0 || after > 0) &&
          segment.length <= Math.max(before, after) &&
          !segment.pairs.some((pair) => WORD.test(pair.old.text));
      if (!fold) continue;
      const merged: Segment = {
        equal: false,
        deleted: segment.pairs.map((pair) => pair.old),
        inserted: segment.pairs.map((pair) => pair.new),
      };
      const left = segments[index - 1];
      const right = segments[index + 1];
      const from = left && !left.equal ? index - 1 : index;
      const to = right && !right.equal ? index + 1 : index;
      const parts = segments.slice(from, to + 1).map((part) => (part === segment ? merged : part)) as (Segment & {
        equal: false;
      })[];
      segments.splice(from, to - from + 1, {
        equal: false,
        deleted: parts.flatMap((part) => part.deleted),
        inserted: parts.flatMap((part) => part.inserted),
      });
      changed = true;
      break;
    }
  }
  return segments;
}

/** A word diff's steps as segments. */
function segmentsOf(steps: readonly Pairing<Token>[]): Segment[] {
  const segments: Segment[] = [];
  for (const step of steps) {
    const last = segments.at(-1);
    if (step.op === "keep") {
      if (last?.equal) {
        last.pairs.push({ old: step.old, new: step.new });
        segments[segments.length - 1] = { ...last, length: last.length + step.old.text.length };
      } else segments.push({ equal: true, pairs: [{ old: step.old, new: step.new }], length: step.old.text.length });
    } else {
      const change = last && !last.equal ? last : { equal: false as const, deleted: [], inserted: [] };
      if (change !== last) segments.push(change);
      if (step.op === "delete") change.deleted.push(step.old);
      else change.inserted.push(step.new);
    }
  }
  return segments;
}

/**
 * Characters between two anchors, compared by content a word at a time:
 * letter-by-letter matching pairs stray letters of unrelated words and reads
 * as noise; whole words read as what a person changed.
 */
function charGap(old: readonly TreeChar[], next: readonly TreeChar[]): Pairing<TreeChar>[] {
  if (old.length === 0 || next.length === 0) return replaced(old, next);
  const steps = pairMatched(tokens(old), tokens(next), (token) => token.text, replaced);
  return cleanUp(segmentsOf(steps)).flatMap((segment): Pairing<TreeChar>[] => {
    if (segment.equal) {
      return segment.pairs.flatMap((pair) =>
        old.slice(pair.old.from, pair.old.to).map((char, offset) => ({
          op: "keep" as const,
          old: char,
          new: next[pair.new.from + offset] as TreeChar,
        })),
      );
    }
    return [
      ...segment.deleted.flatMap((token) =>
        old.slice(token.from, token.to).map((char) => ({ op: "delete" as const, old: char })),
      ),
      ...segment.inserted.flatMap((token) =>
        next.slice(token.from, token.to).map((char) => ({ op: "insert" as const, new: char })),
      ),
    ];
  });
}

function signature(node: TreeNode): string {
  if (node.kind === "text") return `t${textOf(node.chars)}`;
  return `e${node.name}${JSON.stringify(node.attrs)}(${node.children.map(signature).join("|")})`;
}

const sameShape = (a: TreeNode, b: TreeNode) =>
  a.kind === b.kind && (a.kind === "text" || a.name === (b as TreeElement).name);

/**
 * What is left of a stretch of children once equal ones are paired: blocks
 * of the same kind, in order, are taken for the same block changed (its
 * text is then aligned inside), the rest deleted or inserted whole.
 */
function zipByShape(old: readonly TreeNode[], next: readonly TreeNode[]): Pairing<TreeNode>[] {
  const steps: Pairing<TreeNode>[] = [];
  for (let index = 0; index < Math.max(old.length, next.length); index++) {
    const a = old[index];
    const b = next[index];
    if (a !== undefined && b !== undefined && sameShape(a, b)) steps.push({ op: "keep", old: a, new: b });
    else {
      if (a !== undefined) steps.push({ op: "delete", old: a });
      if (b !== undefined) steps.push({ op: "insert", new: b });
    }
  }
  return steps;
}

/** Aligns the characters of two texts. */
function alignChars(old: readonly TreeChar[], next: readonly TreeChar[]): CharStep[] {
  // The text must agree too (charAnchors checks it): Yjs turns both halves of a surrogate pair into U+FFFD when
  // an edit splits them, so one id can stand for an emoji in an older state and for "\uFFFD" in a newer one.
  return pairAround(old, next, charAnchors(old, next), charGap);
}

/** Aligns the children of two elements, recursively. */
function alignNodes(old: readonly TreeNode[], next: readonly TreeNode[]): NodeStep[] {
  const anchors = idAnchors(
    old,
    next,
    (node) => node.id,
    (a, b) => a.kind === b.kind,
  );
  const pairings = pairAround(old, next, anchors, (a, b) => pairMatched(a, b, signature, zipByShape));
  return pairings.flatMap((step): NodeStep[] => {
    if (step.op !== "keep") return [step];
    const { old: a, new: b } = step;
    if (a.kind === "text" && b.kind === "text")
      return [{ op: "text", old: a, new: b, chars: alignChars(a.chars, b.chars) }];
    if (a.kind === "element" && b.kind === "element" && a.name === b.name) {
      return [{ op: "element", old: a, new: b, children: alignNodes(a.children, b.children) }];
    }
    return [
      { op: "delete", old: a },
      { op: "insert", new: b },
    ];
  });
}

/** Aligns two states of a document: its title and its body. */
export function alignContent(old: ContentTree, next: ContentTree): ContentAlignment {
  return {
    title: { op: "text", old: old.title, new: next.title, chars: alignChars(old.title.chars, next.title.chars) },
    body: { op: "element", old: old.body, new: next.body, children: alignNodes(old.body.children, next.body.children) },
  };
}
