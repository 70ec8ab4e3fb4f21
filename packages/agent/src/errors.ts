/**
 * What went wrong for a program, as a code it can switch on:
 * - `forbidden`: its role does not allow this (a commenter writing the text, a viewer commenting), or the server
 *   refused the document.
 * - `not-found`: the quoted text or the heading is not in the document.
 * - `invalid-argument`: an empty quote or body, a quote that spans blocks where one block is needed.
 * - `unavailable`: the server could not be reached or did not answer in time.
 * - `closed`: the collaborator has left the document.
 */
export type TandemAgentErrorCode = "forbidden" | "not-found" | "invalid-argument" | "unavailable" | "closed";

/** The one error class of `@tandem/agent`. */
export class TandemAgentError extends Error {
  override readonly name = "TandemAgentError";

  constructor(
    readonly code: TandemAgentErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Whether `error` is a {@link TandemAgentError}, optionally with the given code. */
export function isTandemAgentError(error: unknown, code?: TandemAgentErrorCode): error is TandemAgentError {
  return error instanceof TandemAgentError && (code === undefined || error.code === code);
}
