import type * as Y from "yjs";

/** One change of a Y.Text, as Yjs describes it in an event's delta. */
type DeltaOp = { insert?: unknown; retain?: number; delete?: number };

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * Turns the whole new value of a text field into the smallest edit of
 * `text` (one replaced range between the common prefix and suffix), so that
 * what others type elsewhere in the same title is kept, not overwritten.
 * Boundaries never split a surrogate pair (an emoji stays whole).
 */
export function applyValue(text: Y.Text, value: string, origin: unknown): void {
  const current = text.toString();
  if (current === value) return;
  let start = 0;
  while (start < current.length && start < value.length && current[start] === value[start]) start++;
  if (start > 0 && isHighSurrogate(current.charCodeAt(start - 1))) start--;
  let endCurrent = current.length;
  let endValue = value.length;
  while (endCurrent > start && endValue > start && current[endCurrent - 1] === value[endValue - 1]) {
    endCurrent--;
    endValue--;
  }
  if (endCurrent < current.length && isLowSurrogate(current.charCodeAt(endCurrent))) {
    endCurrent++;
    endValue++;
  }
  text.doc?.transact(() => {
    if (endCurrent > start) text.delete(start, endCurrent - start);
    if (endValue > start) text.insert(start, value.slice(start, endValue));
  }, origin);
}

/**
 * Where a caret at `index` belongs after someone else's change: it moves
 * right past text inserted before it and left past text deleted before it.
 */
export function mapIndex(index: number, delta: readonly DeltaOp[]): number {
  let position = 0;
  let mapped = index;
  for (const op of delta) {
    if (position > mapped) break;
    if (op.retain !== undefined) {
      position += op.retain;
    } else if (typeof op.insert === "string") {
      if (position < mapped) mapped += op.insert.length;
      position += op.insert.length;
    } else if (op.delete !== undefined) {
      mapped -= Math.min(op.delete, Math.max(0, mapped - position));
    }
  }
  return mapped;
}
