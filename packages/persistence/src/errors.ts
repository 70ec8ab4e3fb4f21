/**
 * What went wrong, as a code a caller can switch on:
 * - `invalid-update`: bytes that are not a Yjs update; nothing was stored.
 * - `invalid-argument`: a malformed name, label, id or option.
 * - `not-found`: the document or version does not exist.
 * - `unavailable`: the database could not be reached or a write failed after retries.
 * - `overloaded`: too many bytes are already waiting for their commit (`maxQueuedBytes`); nothing was stored.
 * - `migration-failed`: the schema could not be brought up to date.
 * - `locked`: the PGlite data directory is open in another process (or already in this one).
 * - `closed`: the store was closed.
 */
export type PersistenceErrorCode =
  | "invalid-update"
  | "invalid-argument"
  | "not-found"
  | "unavailable"
  | "overloaded"
  | "migration-failed"
  | "locked"
  | "closed";

/** The one error class of `@tandem/persistence`. */
export class PersistenceError extends Error {
  override readonly name = "PersistenceError";

  constructor(
    readonly code: PersistenceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Whether `error` is a {@link PersistenceError}, optionally with the given code. */
export function isPersistenceError(error: unknown, code?: PersistenceErrorCode): error is PersistenceError {
  return error instanceof PersistenceError && (code === undefined || error.code === code);
}
