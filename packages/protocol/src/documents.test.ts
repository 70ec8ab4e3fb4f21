import { describe, expect, it } from "vitest";
import { documentKindOf, documentMetaFrom, listTitle, MAX_TITLE_LENGTH, metaFieldsOf } from "./documents.js";

describe("document layout", () => {
  it("reads the kind from the name", () => {
    expect(documentKindOf("spec/k3x9")).toBe("spec");
    expect(documentKindOf("idea/a")).toBe("idea");
    expect(documentKindOf("notes/a")).toBeNull();
    expect(documentKindOf("spec")).toBeNull();
  });

  it("keeps only valid metadata from what any client may have written", () => {
    expect(documentMetaFrom({ kind: "spec", status: "in-review", owner: "  Ada\nLovelace " })).toEqual({
      kind: "spec",
      status: "in-review",
      owner: "Ada Lovelace",
    });
    expect(documentMetaFrom({ kind: "idea", status: "approved", owner: "" })).toEqual({
      kind: "idea",
      status: null,
      owner: null,
    });
    expect(documentMetaFrom({ kind: "poem", status: { evil: true }, owner: 42 })).toEqual({
      kind: null,
      status: null,
      owner: null,
    });
    expect(documentMetaFrom(null)).toEqual({ kind: null, status: null, owner: null });
  });

  it("reads the meta map key by key, keeping strings only, so nothing nested in it is walked", () => {
    const nested = {
      toJSON() {
        throw new Error("walked into a nested value");
      },
    };
    const map = new Map<string, unknown>([
      ["kind", "spec"],
      ["status", nested],
      ["owner", "Ada"],
      ["other", nested],
    ]);
    expect(metaFieldsOf(map)).toEqual({ kind: "spec", owner: "Ada" });
    expect(JSON.stringify(metaFieldsOf(map))).toBe('{"kind":"spec","owner":"Ada"}');
  });

  it("cuts titles to one line without splitting a character", () => {
    expect(listTitle("  Launch\n plan ")).toBe("Launch plan");
    const long = listTitle("😀".repeat(MAX_TITLE_LENGTH + 5));
    expect(Array.from(long)).toHaveLength(MAX_TITLE_LENGTH);
    expect(long.endsWith("😀")).toBe(true);
  });
});
