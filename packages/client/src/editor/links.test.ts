import { contentExtensions } from "@tandem/content";
import { getSchema } from "@tiptap/core";
import { describe, expect, it } from "vitest";
import { hrefFromInput, linkOptions } from "./links.js";

describe("links in the editor", () => {
  it("turns typed input into safe hrefs, and refuses the rest", () => {
    expect(hrefFromInput("example.com/page")).toBe("https://example.com/page");
    expect(hrefFromInput("ada@example.com")).toBe("mailto:ada@example.com");
    expect(hrefFromInput(" https://x.dev ")).toBe("https://x.dev");
    expect(hrefFromInput("javascript:alert(1)")).toBeUndefined();
  });

  it("keeps the schema's href check with the editor's link options", () => {
    const link = getSchema(contentExtensions({ link: linkOptions(() => true) })).marks.link;
    const spec = link?.spec.toDOM?.(link.create({ href: "javascript:alert(1)" }), true) as [string, { href: string }];
    expect(spec[1].href).toBe("");
  });
});
