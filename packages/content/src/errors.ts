/** What went wrong in a content conversion. */
export type TandemContentErrorCode =
  /** The content does not fit the document schema (an unknown node or mark, a node where none may be). */
  "invalid-content";

/**
 * The one error class of `@tandem/content`; `code` says what went wrong.
 *
 * @example
 * ```ts
 * try { writeDocumentContent(doc, input); }
 * catch (error) { if (error instanceof TandemContentError && error.code === "invalid-content") reject(error.message); }
 * ```
 */
export class TandemContentError extends Error {
  override readonly name = "TandemContentError";

  constructor(
    readonly code: TandemContentErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
