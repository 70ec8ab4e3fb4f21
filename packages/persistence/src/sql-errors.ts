import { PersistenceError } from "./errors.js";

/** The SQLSTATE of a `pg` or PGlite error, if it has one. */
function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

// SQLSTATE classes worth another try: connection exceptions (08),
// serialization failures and deadlocks (40), insufficient resources (53),
// lock not available (55P03), operator intervention such as an admin shutdown
// or failover (57), and system errors (58).
const TRANSIENT_CLASSES = new Set(["08", "40", "53", "57", "58"]);

/**
 * Whether a failed statement may succeed if tried again. Errors without a
 * SQLSTATE are network or driver failures ("Connection terminated", ECONNRESET)
 * and count as transient; a syntax error or a constraint violation does not.
 */
export function isTransient(error: unknown): boolean {
  const state = sqlState(error);
  return state === undefined || TRANSIENT_CLASSES.has(state.slice(0, 2)) || state === "55P03";
}

/**
 * A {@link PersistenceError} for any failure: one already is passes through;
 * a data exception (SQLSTATE class 22) means the caller's input was refused;
 * anything else means the storage did not do its job.
 */
export function toPersistenceError(error: unknown, doing: string): PersistenceError {
  if (error instanceof PersistenceError) return error;
  const code = sqlState(error)?.startsWith("22") ? "invalid-argument" : "unavailable";
  const reason = error instanceof Error ? error.message : String(error);
  return new PersistenceError(code, `${doing} failed: ${reason}`, { cause: error });
}
