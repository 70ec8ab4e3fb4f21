import { getSchema } from "@tiptap/core";
import { describe, expect, it } from "vitest";
import { contentExtensions } from "./extensions.js";
import { isSafeLinkHref } from "./links.js";

const hostile = [
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  " \u0001javascript:alert(1)",
  "java\tscript:alert(1)",
  "java\nscript:alert(1)",
  "vbscript:msgbox(1)",
  "data:text/html,<script>alert(1)</script>",
  "file:///etc/passwd",
  "blob:https://example.com/uuid",
  // Allowed by TipTap's default check, but not by Tandem's.
  "tel:+15550100",
  "ftp://example.com/file",
  "",
  "   ",
];

describe("link safety", () => {
  it.each([
    "https://tandem.dev/a?b#c",
    "http://example.com",
    "mailto:ada@example.com",
    "/docs/spec",
    "#heading",
    "//cdn.example.com/x",
  ])("allows %j", (href) => {
    expect(isSafeLinkHref(href)).toBe(true);
  });

  it.each(hostile)("refuses %j", (href) => {
    expect(isSafeLinkHref(href)).toBe(false);
  });

  // A hostile client can write any href straight into the shared document, so
  // what matters is what the editor renders and what it parses from pasted HTML.
  // Editors configure the Link mark (autolink and the like): safety holds whatever they set.
  const schema = getSchema(contentExtensions({ link: { autolink: true, openOnClick: true } }));
  const linkType = schema.marks.link;

  it("renders a hostile href as an empty one", () => {
    if (!linkType) throw new Error("no link mark");
    const render = (href: string) => {
      const spec = linkType.spec.toDOM?.(linkType.create({ href }), true) as [string, Record<string, string>];
      return spec[1].href;
    };
    for (const href of hostile.filter((value) => value.trim() !== "")) expect(render(href)).toBe("");
    expect(render("https://tandem.dev")).toBe("https://tandem.dev");
  });

  it("does not parse hostile links from pasted HTML", () => {
    // Tag rules get the element; a stand-in with getAttribute is all the Link rule reads.
    const rule = linkType?.spec.parseDOM?.[0] as { getAttrs?: (element: unknown) => unknown } | undefined;
    const parse = (href: string) => rule?.getAttrs?.({ getAttribute: () => href });
    expect(parse("javascript:alert(1)")).toBe(false);
    expect(parse("https://tandem.dev")).not.toBe(false);
  });
});
