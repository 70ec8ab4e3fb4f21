import { getHeapSpaceStatistics } from "node:v8";

/**
 * How full V8's young generation may be before a large load collects it:
 * collecting 2 MB of objects that all outlive the collection took 2–5 ms
 * on the benchmark's 2-core VM.
 */
export const COLLECT_YOUNG_ABOVE_BYTES = 2 * 1024 * 1024;

/** Bytes of objects in V8's young generation now. */
function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === "new_space")?.space_used_size ?? 0;
}

/**
 * Collects V8's young generation if it holds more than
 * {@link COLLECT_YOUNG_ABOVE_BYTES} and the process runs with `--expose-gc`
 * (`tandem-server` does, node-flags.ts); otherwise does nothing. The store
 * calls it between the slices of a large document's load.
 *
 * Why: every struct such a load applies outlives the collections that follow,
 * and V8 lets the young generation fill its 16 MB semi-space before it
 * copies what survived, so the isolation benchmark's 8 MB document paused
 * the event loop 3–4 times for 10–20 ms while it loaded, every other
 * document's messages waiting. Collected whenever it passes 2 MB, the
 * pauses were 2–5 ms, and in eight alternating pairs the small documents'
 * p99 during the storm was 4.8–9.9 ms (median 5.7) against 6.4–11.4 (8.2).
 * V8 copies the same survivors either way; what changes is how many at a
 * time.
 */
export function collectGrownYoungGeneration(
  collect: NodeJS.GCFunction | undefined = globalThis.gc,
  usedBytes: () => number = youngGenerationBytes,
): void {
  if (collect !== undefined && usedBytes() > COLLECT_YOUNG_ABOVE_BYTES) collect({ type: "minor" });
}
