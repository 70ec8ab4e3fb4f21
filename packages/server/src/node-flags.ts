/**
 * The young generation's size Tandem's server runs under: two 16 MB
 * semi-spaces.
 *
 * Why: V8 grows the young generation (where new objects start) up to two
 * 64 MB semi-spaces when many objects outlive a collection, as they do on a
 * server where every edit's bytes and acknowledgment wait for a commit. With
 * the largest size, each collection paused the event loop for 8–15 ms (one
 * document, 50 writers, 1,000–2,000 updates/s), and 128 MB of it stays
 * resident for good (12 KB per connection of a server with 10,000 idle ones).
 * Capped at 8 MB, collections came twice as often as at 16 and promoted more;
 * once V8's helper ran nicer than the event loop (v8-helper-priority.ts),
 * 16 MB held higher rates in one document (3,000–6,000 updates/s against
 * 1,500–4,000 at p99 ≤ 10 ms) at no cost to the hot document's delivery or
 * acknowledgment. See docs/operations.md.
 */
export const YOUNG_GENERATION_FLAG = "--max-semi-space-size=16";

/**
 * Turns off V8's allocation-site pretenuring, which Tandem's server runs without.
 *
 * Why: V8 watches where objects are allocated, and once enough of one site's
 * objects outlive a young-generation collection it allocates that site's
 * objects straight into the old generation. Under load it came to pretenure
 * the frame guard's decoding of incoming updates, short-lived as it is: a
 * quarter of what outlived the young collections, garbage that only the old
 * generation's slower collections free. One document, 50 writers: p99
 * delivery at 1,500 updates/s 3.8–5.0 ms against 5.5–6.5 with pretenuring;
 * opening a large document's history is slower, 155–178 ms against 93–137.
 * See docs/operations.md.
 */
export const NO_PRETENURING_FLAG = "--no-allocation-site-pretenuring";

/**
 * The old generation's floor Tandem's server runs under: no full collection
 * (mark-compact) while the old generation holds less than 256 MB.
 *
 * Why: under load, edits keep promoting short-lived objects to the old
 * generation, and V8 sets the next full collection's threshold at a small
 * multiple of what survived the last one. On a server whose live heap is
 * 50–60 MB that was every 3–4 s (200 documents, 2,000 updates/s), each after
 * 50–90 ms of marking steps and with an 8–21 ms pause at its end: delivery
 * p99 10.9–23.3 ms. With the floor, none in the same 42 s and p99 5.2–5.5 ms,
 * at no more CPU. A busy server's heap may hold up to 256 MB before it is
 * collected; V8 still collects when the server goes quiet. See
 * docs/operations.md.
 */
export const OLD_GENERATION_FLOOR_FLAG = "--initial-old-space-size=256";

/**
 * Makes V8's garbage collector callable (`globalThis.gc`), which Tandem's
 * server runs with.
 *
 * Why: a large document's load collects the young generation between its
 * slices, a few megabytes at a time, rather than let V8 copy a full 16 MB
 * semi-space of surviving structs in one pause (young-generation.ts).
 * Without it that collection is skipped.
 */
export const EXPOSE_GC_FLAG = "--expose-gc";

/** The flags' names, for telling whether the operator chose them. */
const SEMI_SPACE = "--max-semi-space-size";
const V8_POOL = "--v8-pool-size";
const PRETENURING = "--allocation-site-pretenuring";
const OLD_SPACE = "--initial-old-space-size";
/** V8 derives the old generation's initial size from this one when it is given alone. */
const HEAP_SIZE = "--initial-heap-size";

/** Node's own number of V8 helper threads (`--v8-pool-size`), which Tandem never raises. */
const NODE_DEFAULT_V8_POOL_SIZE = 4;

/**
 * How many helper threads V8 gets for garbage collection and compiling
 * (`--v8-pool-size`) when the server may run on `cpus` CPUs: one fewer than
 * that, so that the event loop keeps a core of its own, at least one and at
 * most Node's own four.
 *
 * Why: V8 hands parts of each collection to its helpers and waits for them.
 * On a server that may use one core (a container pinned to one CPU, `taskset`),
 * Node's four helpers took that core in turn, a 4 ms scheduler slice each,
 * while the event loop waited up to 20 ms: one document, 50 writers, 2,000
 * updates/s on one core, p99 delivery 27 ms with four helpers and 7–10 ms
 * with one. See docs/operations.md.
 */
export function v8PoolSize(cpus: number): number {
  return Math.min(NODE_DEFAULT_V8_POOL_SIZE, Math.max(1, cpus - 1));
}

/**
 * Whether `flag` (a name such as `--v8-pool-size`) is among `flags`, as
 * `--name=value`, `--name value` or, for a V8 switch, `--no-name`; V8 reads
 * `_` in a name as `-`.
 */
function isGiven(flags: readonly string[], flag: string): boolean {
  const negated = flag.replace(/^--/, "--no-");
  return flags
    .map((given) => given.replaceAll("_", "-"))
    .some((given) => given === flag || given === negated || given.startsWith(`${flag}=`));
}

/**
 * The flags Tandem sets that the process does not run under: each of
 * {@link YOUNG_GENERATION_FLAG}, the V8 pool of {@link v8PoolSize} for `cpus`
 * CPUs, {@link NO_PRETENURING_FLAG}, {@link OLD_GENERATION_FLOOR_FLAG} and {@link EXPOSE_GC_FLAG} that
 * neither `execArgv` nor `nodeOptions` (`NODE_OPTIONS`) holds; a choice of
 * the operator's own for any of them counts as given.
 */
export function missingFlags(execArgv: readonly string[], nodeOptions: string | undefined, cpus: number): string[] {
  const given = [...execArgv, ...(nodeOptions?.split(/\s+/) ?? [])];
  return [
    ...(isGiven(given, SEMI_SPACE) ? [] : [YOUNG_GENERATION_FLAG]),
    ...(isGiven(given, V8_POOL) ? [] : [`${V8_POOL}=${v8PoolSize(cpus)}`]),
    ...(isGiven(given, PRETENURING) ? [] : [NO_PRETENURING_FLAG]),
    ...(isGiven(given, OLD_SPACE) || isGiven(given, HEAP_SIZE) ? [] : [OLD_GENERATION_FLOOR_FLAG]),
    ...(isGiven(given, EXPOSE_GC_FLAG) ? [] : [EXPOSE_GC_FLAG]),
  ];
}

/**
 * The node arguments to run the server again with ({@link missingFlags}
 * before `execArgv`), or undefined when it already runs as it should.
 */
export function restartArguments(
  execArgv: readonly string[],
  nodeOptions: string | undefined,
  cpus: number,
): string[] | undefined {
  const added = missingFlags(execArgv, nodeOptions, cpus);
  return added.length === 0 ? undefined : [...added, ...execArgv];
}
