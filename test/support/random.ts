/**
 * Seeded randomness for tests and benchmarks, so that a failing run can be
 * replayed. Put the seed in the test's name; `TEST_SEED=<n>` replays it.
 */

/** The seed of this run: `TEST_SEED` if set, else a fresh random one. */
export function testSeed(): number {
  return Number(process.env.TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));
}

/** mulberry32: a small, fast seeded generator of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
