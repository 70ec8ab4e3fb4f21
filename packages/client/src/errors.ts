/**
 * What went wrong in the client kit, as a code a caller can switch on:
 * - `read-only`: the current role does not allow this write (a viewer commenting, a commenter typing).
 * - `not-author`: only a comment's author may edit or delete it.
 * - `not-found`: no thread or comment with that id.
 * - `invalid-argument`: an empty comment, an empty or unknown selection, a malformed option.
 * - `destroyed`: the connection or document was already closed.
 * - `unavailable`: the server could not be reached, or could not answer a request (its message says why).
 * - `gone`: a share link was revoked or has expired.
 * - `conflict`: a suggestion can no longer be changed or applied: it was decided already, or its text is gone or changed.
 */
export type TandemClientErrorCode =
  | "read-only"
  | "not-author"
  | "not-found"
  | "invalid-argument"
  | "destroyed"
  | "unavailable"
  | "conflict"
  | "gone";

/** The one error class of `@tandem/client`. */
export class TandemClientError extends Error {
  override readonly name = "TandemClientError";

  constructor(
    readonly code: TandemClientErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Whether `error` is a {@link TandemClientError}, optionally with the given code. */
export function isTandemClientError(error: unknown, code?: TandemClientErrorCode): error is TandemClientError {
  return error instanceof TandemClientError && (code === undefined || error.code === code);
}
