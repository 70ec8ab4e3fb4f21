/**
 * The V8 flag Tandem's server runs under: a young generation of two 8 MB
 * semi-spaces, the size V8 starts with.
 *
 * Why: V8 grows the young generation (where new objects start) up to two
 * 64 MB semi-spaces when many objects outlive a collection, as they do on a
 * server where every edit's bytes and acknowledgment wait for a commit. With
 * the largest size, each collection paused the event loop for 8–15 ms (one
 * document, 50 writers, 1,000–2,000 updates/s) against about 2 ms at 8 MB,
 * at the same or lower CPU per update, and 128 MB of it stays resident for
 * good (12 KB per connection of a server with 10,000 idle ones). See
 * docs/operations.md.
 */
export const YOUNG_GENERATION_FLAG = "--max-semi-space-size=8";

const SEMI_SPACE_FLAG = "--max-semi-space-size";

/**
 * The node arguments to run the server again with, or undefined when it
 * already runs as it should: when the operator chose a semi-space size of
 * their own (a node flag or `NODE_OPTIONS`), that stays.
 */
export function restartArguments(execArgv: readonly string[], nodeOptions: string | undefined): string[] | undefined {
  const chosen = [...execArgv, ...(nodeOptions?.split(/\s+/) ?? [])].some(
    (flag) => flag === SEMI_SPACE_FLAG || flag.startsWith(`${SEMI_SPACE_FLAG}=`),
  );
  return chosen ? undefined : [YOUNG_GENERATION_FLAG, ...execArgv];
}
