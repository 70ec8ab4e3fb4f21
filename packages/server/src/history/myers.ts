/**
 * Myers' O((N+M)·D) difference algorithm ("An O(ND) Difference Algorithm and
 * Its Variations", 1986), over any two sequences: the pairs of indexes of a
 * longest common subsequence, in order. The common prefix and suffix are
 * matched first, for free.
 *
 * History runs it only between identical anchors (see align.ts), on the
 * stretches where two states differ, so D stays small. `maxCost` bounds the
 * work: past that many differences the stretch is reported as unmatched
 * (undefined) and treated as a whole replacement, which is what a person
 * would call it anyway.
 */
export function commonSubsequence(
  a: readonly string[],
  b: readonly string[],
  maxCost = 1000,
): [number, number][] | undefined {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const middle = middleMatches(a, b, start, endA, start, endB, maxCost);
  if (middle === undefined) return undefined;
  const pairs: [number, number][] = [];
  for (let i = 0; i < start; i++) pairs.push([i, i]);
  for (const pair of middle) pairs.push(pair);
  for (let i = 0; endA + i < a.length; i++) pairs.push([endA + i, endB + i]);
  return pairs;
}

function middleMatches(
  a: readonly string[],
  b: readonly string[],
  fromA: number,
  toA: number,
  fromB: number,
  toB: number,
  maxCost: number,
): [number, number][] | undefined {
  const n = toA - fromA;
  const m = toB - fromB;
  if (n === 0 || m === 0) return [];
  const max = Math.min(n + m, maxCost);
  const offset = max + 1;
  // x reached on each diagonal k (k = x - y), per step d: kept for the walk back.
  const trace: Int32Array[] = [];
  let v = new Int32Array(2 * max + 3);
  for (let d = 0; d <= max; d++) {
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0))
          ? (v[offset + k + 1] ?? 0)
          : (v[offset + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[fromA + x] === b[fromB + y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        trace.push(next);
        return walkBack(trace, offset, n, m, fromA, fromB);
      }
    }
    trace.push(next);
    v = next;
  }
  return undefined;
}

function walkBack(
  trace: readonly Int32Array[],
  offset: number,
  n: number,
  m: number,
  fromA: number,
  fromB: number,
): [number, number][] {
  const pairs: [number, number][] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d > 0; d--) {
    const v = trace[d - 1] as Int32Array;
    const k = x - y;
    const down = k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0));
    const previousK = down ? k + 1 : k - 1;
    const previousX = v[offset + previousK] ?? 0;
    const previousY = previousX - previousK;
    // The snake after the step: equal elements, matched.
    while (x > (down ? previousX : previousX + 1) && y > (down ? previousY + 1 : previousY)) {
      x--;
      y--;
      pairs.push([fromA + x, fromB + y]);
    }
    x = previousX;
    y = previousY;
  }
  // d = 0: the leading snake.
  while (x > 0 && y > 0) {
    x--;
    y--;
    pairs.push([fromA + x, fromB + y]);
  }
  return pairs.reverse();
}
