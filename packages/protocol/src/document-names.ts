/**
 * Document naming. Content documents have plain names such as `spec/42`; the
 * comment threads of a document live beside it in `spec/42#comments`, so that
 * a commenter can write to comments while the content stays read-only to them.
 */

/** The suffix that turns a content document's name into its comments document's name. */
export const COMMENTS_SUFFIX = "#comments";

/** The longest document name the server accepts, in characters. */
export const MAX_DOCUMENT_NAME_LENGTH = 200;

// Letters, digits and a few separators: names appear in URLs, logs and SQL
// parameters, and a narrow alphabet keeps path tricks (`..`, `%2F`, control
// characters) out without a second escaping layer.
const contentName = /^[A-Za-z0-9][A-Za-z0-9._~:/-]*$/;

/** The comments document that belongs to content document `name`. */
export function commentsDocumentName(name: string): string {
  return `${name}${COMMENTS_SUFFIX}`;
}

/** Splits a document name into the content document it belongs to and whether it is that document's comments. */
export function parseDocumentName(name: string): { content: string; isComments: boolean } {
  if (name.endsWith(COMMENTS_SUFFIX)) {
    return { content: name.slice(0, -COMMENTS_SUFFIX.length), isComments: true };
  }
  return { content: name, isComments: false };
}

/**
 * Whether the server accepts `name` as a document name: a content name of at
 * most {@link MAX_DOCUMENT_NAME_LENGTH} characters made of letters, digits and
 * `. _ ~ : / -` (not starting with a separator, no `..`), optionally followed
 * by {@link COMMENTS_SUFFIX}.
 */
export function isValidDocumentName(name: string): boolean {
  if (name.length === 0 || name.length > MAX_DOCUMENT_NAME_LENGTH) return false;
  const { content } = parseDocumentName(name);
  return contentName.test(content) && !content.includes("..");
}
