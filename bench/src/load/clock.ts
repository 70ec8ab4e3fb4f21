/**
 * Milliseconds on the one clock every generator thread shares: a send is
 * stamped on one thread and its delivery on another, and `performance.now()`
 * counts from each thread's own start.
 */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
