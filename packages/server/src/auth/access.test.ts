import { describe, expect, it } from "vitest";
import { TandemServerError } from "../errors.js";
import { matchesPattern, parseAccessSpec, roleFor } from "./access.js";

describe("matchesPattern", () => {
  it("treats * as any run of characters and everything else literally", () => {
    expect(matchesPattern("spec/*", "spec/42")).toBe(true);
    expect(matchesPattern("spec/*", "spec/")).toBe(true);
    expect(matchesPattern("spec/*", "spec/a/b")).toBe(true);
    expect(matchesPattern("*/42", "spec/42")).toBe(true);
    expect(matchesPattern("s*c/*2", "spec/42")).toBe(true);
    expect(matchesPattern("spec/*", "idea/1")).toBe(false);
    expect(matchesPattern("spec.1", "specx1")).toBe(false);
    expect(matchesPattern("spec/4", "spec/42")).toBe(false);
    expect(matchesPattern("*", "")).toBe(true);
  });

  it("answers patterns that make a `.*`-joined regular expression backtrack for ages", () => {
    // /^a.*a.*…a.*b$/ against 200 a's does not finish; the matcher is O(name × pattern).
    expect(matchesPattern(`${"a*".repeat(30)}b`, "a".repeat(200))).toBe(false);
  });
});

describe("roleFor", () => {
  it("takes the most specific matching pattern", () => {
    const access = { "*": "viewer", "spec/*": "editor", "spec/42": "commenter" } as const;
    expect(roleFor(access, "idea/1")).toBe("viewer");
    expect(roleFor(access, "spec/7")).toBe("editor");
    expect(roleFor(access, "spec/42")).toBe("commenter");
  });

  it("counts literal characters, not stars", () => {
    expect(roleFor({ "spec/**": "owner", "spec/4*": "viewer" }, "spec/42")).toBe("viewer");
  });

  it("gives the less privileged role when equally specific patterns disagree", () => {
    expect(roleFor({ "team/*": "editor", "*/plan": "viewer" }, "team/plan")).toBe("viewer");
    expect(roleFor({ "*/plan": "viewer", "team/*": "editor" }, "team/plan")).toBe("viewer");
    expect(roleFor({ "team/*": "editor", "*/plan": "viewer" }, "team/other")).toBe("editor");
  });

  it("gives a comments document the role of its content document", () => {
    expect(roleFor({ "spec/*": "commenter" }, "spec/42#comments")).toBe("commenter");
    expect(roleFor({ "spec/42": "viewer" }, "spec/42#comments")).toBe("viewer");
  });

  it("grants nothing without a match or for an unknown role", () => {
    expect(roleFor({ "spec/*": "editor" }, "idea/1")).toBeUndefined();
    expect(roleFor({ "spec/*": "superuser" } as never, "spec/1")).toBeUndefined();
  });
});

describe("parseAccessSpec", () => {
  it("parses pattern=role lists", () => {
    expect(parseAccessSpec("spec/*=editor, idea/*=viewer")).toEqual({ "spec/*": "editor", "idea/*": "viewer" });
  });

  it.each(["spec/*=admin", "spec/*", "=editor", "a=editor=x", " , "])("refuses %j", (spec) => {
    expect(() => parseAccessSpec(spec)).toThrow(TandemServerError);
  });
});
