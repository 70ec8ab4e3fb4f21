import type { ContentLinkOptions } from "@tandem/content";

import { isSafeLinkHref } from "@tandem/content";

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
export function linkOptions(isEditable: () => boolean): ContentLinkOptions {
  return {
    openOnClick: false,
    autolink: true,
    defaultProtocol: "https",
    shouldAutoLink: (url) => isEditable() && hrefFromInput(url) !== undefined,
  };
}
