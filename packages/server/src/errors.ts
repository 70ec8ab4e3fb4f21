/**
 * What went wrong in the server, as a code a caller can switch on:
 * - `invalid-config`: a setting is missing or malformed (the message says which).
 * - `invalid-token`: a token did not verify, expired, or carries malformed claims.
 * - `forbidden`: a valid identity without the role an action needs.
 * - `invalid-update`: an update the server refuses to apply (it nests too deep).
 * - `storage-failed`: the document store could not do what was asked.
 * - `shutdown-failed`: pending edits could not be flushed while shutting down.
 * - `closed`: the server was closed and cannot listen again, or a message came
 *   on a connection closed since (what it had queued is not applied).
 */
export type TandemServerErrorCode =
  | "invalid-config"
  | "invalid-token"
  | "forbidden"
  | "invalid-update"
  | "storage-failed"
  | "shutdown-failed"
  | "closed";

/** The one error class of `@tandem/server`. */
export class TandemServerError extends Error {
  override readonly name = "TandemServerError";

  constructor(
    readonly code: TandemServerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
