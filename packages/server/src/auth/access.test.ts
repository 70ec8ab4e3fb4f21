import { describe, expect, it } from "vitest";
import { parseAccessSpec, roleFor } from "./access.js";

describe("roleFor", () => {
  it("takes the most specific matching pattern", () => {
    const access = { "*": "viewer", "spec/*": "editor", "spec/42": "commenter" } as const;
    expect(roleFor(access, "idea/1")).toBe("viewer");
    expect(roleFor(access, "spec/7")).toBe("editor");
    expect(roleFor(access, "spec/42")).toBe("commenter");
  });

  it("gives a comments document the role of its content document", () => {
    expect(roleFor({ "spec/*": "commenter" }, "spec/42#comments")).toBe("commenter");
  });

  it("grants nothing without a match, and treats pattern characters literally", () => {
    expect(roleFor({ "spec/*": "editor" }, "idea/1")).toBeUndefined();
    expect(roleFor({ "spec.1": "editor" }, "specx1")).toBeUndefined();
    expect(roleFor({ "spec/*": "superuser" } as never, "spec/1")).toBeUndefined();
  });
});

describe("parseAccessSpec", () => {
  it("parses pattern=role lists and refuses unknown roles", () => {
    expect(parseAccessSpec("spec/*=editor, idea/*=viewer")).toEqual({ "spec/*": "editor", "idea/*": "viewer" });
    expect(() => parseAccessSpec("spec/*=admin")).toThrow(/pattern=role/);
  });
});
