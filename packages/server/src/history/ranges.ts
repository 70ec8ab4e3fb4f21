/**
 * The item of `sorted` (disjoint ranges of clocks, ordered by their start)
 * whose range holds `clock`, by binary search; undefined when none does.
 */
export function rangeHolding<T>(
  sorted: readonly T[],
  clock: number,
  range: (item: T) => { readonly from: number; readonly to: number },
): T | undefined {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const item = sorted[middle] as T;
    const { from, to } = range(item);
    if (clock < from) high = middle - 1;
    else if (clock >= to) low = middle + 1;
    else return item;
  }
  return undefined;
}
