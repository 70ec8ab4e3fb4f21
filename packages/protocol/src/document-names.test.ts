import { describe, expect, it } from "vitest";
import { commentsDocumentName, isValidDocumentName, parseDocumentName } from "./document-names.js";

describe("document names", () => {
  it("pairs a content document with its comments document", () => {
    expect(commentsDocumentName("spec/42")).toBe("spec/42#comments");
    expect(parseDocumentName("spec/42#comments")).toEqual({ content: "spec/42", isComments: true });
    expect(parseDocumentName("spec/42")).toEqual({ content: "spec/42", isComments: false });
  });

  it.each(["spec/42", "idea/a-b_c.d", "spec/42#comments", "x"])("accepts %s", (name) => {
    expect(isValidDocumentName(name)).toBe(true);
  });

  it.each(["", "/etc", "a/../b", "spec 42", "spec/42#other", "a\u0000b", "#comments", "x".repeat(201)])(
    "refuses %j",
    (name) => {
      expect(isValidDocumentName(name)).toBe(false);
    },
  );
});
