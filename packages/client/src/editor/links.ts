import type { StarterKitOptions } from "@tiptap/starter-kit";

/**
 * Link safety. A link's href comes from whoever wrote it, and in a shared
 * document that is anyone with edit rights (or a hostile client writing the
 * Yjs document directly), so every href is checked where it is rendered, not
 * only where it is typed: a `javascript:` or `data:` URL would run in the
 * reader's page when clicked.
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

/**
 * Turns what someone typed into a link dialog into an href: `example.com`
 * becomes `https://example.com`, `ada@example.com` becomes a `mailto:`.
 * Returns `undefined` when the result would not be safe.
 */
export function hrefFromInput(input: string): string | undefined {
  const value = input.trim();
  if (value === "") return undefined;
  let href = value;
  if (/^[^\s@/:]+@[^\s@/]+\.[^\s@/]+$/.test(value)) href = `mailto:${value}`;
  else if (!/^[a-z][a-z0-9+.-]*:/i.test(value) && !value.startsWith("/") && !value.startsWith("#")) {
    href = `https://${value}`;
  }
  return isSafeLinkHref(href) ? href : undefined;
}

/**
 * The Link extension's options: links open only on purpose (not on a click
 * while editing), and every href is checked with {@link isSafeLinkHref} when
 * it is set, pasted, parsed and, above all, rendered. Autolinking writes to
 * the document, so it happens only while `isEditable()`.
 */
export function linkOptions(isEditable: () => boolean): Exclude<StarterKitOptions["link"], false> {
  return {
    openOnClick: false,
    autolink: true,
    defaultProtocol: "https",
    isAllowedUri: (url) => isSafeLinkHref(url),
    shouldAutoLink: (url) => isEditable() && hrefFromInput(url) !== undefined,
  };
}
