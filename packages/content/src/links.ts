/**
 * Link safety. A link's href comes from whoever wrote it, and in a shared
 * document that is anyone with edit rights (or a hostile client writing the
 * Yjs document directly), so every href is checked where it is rendered (in
 * the editor and in every HTML export), not only where it is typed: a
 * `javascript:` or `data:` URL would run in the reader's page when clicked.
 */

/** The only schemes a link may use. */
export const SAFE_LINK_PROTOCOLS: readonly string[] = ["http:", "https:", "mailto:"];

// Relative links (no scheme) resolve against the page, which is http(s).
const base = "https://relative.invalid/";

/**
 * Whether `href` is safe to render as a link: `http:`, `https:` or `mailto:`,
 * or relative. Parsed the way a browser parses it when the link is followed
 * (surrounding whitespace and control characters stripped, tabs and newlines
 * removed, scheme case-folded), so `" JaVa\tScript:alert(1)"` is caught too.
 *
 * @example
 * ```ts
 * isSafeLinkHref("https://tandem.dev"); // true
 * isSafeLinkHref("javascript:alert(1)"); // false
 * ```
 */
export function isSafeLinkHref(href: string | null | undefined): boolean {
  if (typeof href !== "string" || href.trim() === "") return false;
  try {
    return SAFE_LINK_PROTOCOLS.includes(new URL(href, base).protocol);
  } catch {
    return false;
  }
}
