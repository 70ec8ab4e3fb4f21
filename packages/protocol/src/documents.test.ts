import { describe, expect, it } from "vitest";
import {
  contributorsText,
  documentKindOf,
  documentMetaFrom,
  isCalendarDate,
  listTitle,
  MAX_CONTRIBUTORS,
  MAX_TITLE_LENGTH,
  metaFieldsOf,
} from "./documents.js";

describe("document layout", () => {
  it("reads the kind from the name", () => {
    expect(documentKindOf("spec/k3x9")).toBe("spec");
    expect(documentKindOf("idea/a")).toBe("idea");
    expect(documentKindOf("notes/a")).toBeNull();
    expect(documentKindOf("spec")).toBeNull();
  });

  it("keeps only valid metadata from what any client may have written", () => {
    const none = { contributors: [], targetDate: null, priority: null };
    expect(
      documentMetaFrom({
        kind: "spec",
        status: "in-review",
        owner: "  Ada\nLovelace ",
        contributors: " Grace,, Ada Lovelace ,Grace",
        targetDate: "2027-02-28",
        priority: "high",
      }),
    ).toEqual({
      kind: "spec",
      status: "in-review",
      owner: "Ada Lovelace",
      contributors: ["Grace", "Ada Lovelace"],
      targetDate: "2027-02-28",
      priority: "high",
    });
    expect(documentMetaFrom({ kind: "spec", targetDate: "2027-02-30", priority: "asap" })).toMatchObject(none);
    expect(documentMetaFrom({ kind: "spec", contributors: ["Ada", 7, " Ada ", "Grace"] }).contributors).toEqual([
      "Ada",
      "Grace",
    ]);
    expect(
      documentMetaFrom({ kind: "spec", contributors: Array.from({ length: 30 }, (_, i) => i).join(",") }),
    ).toHaveProperty("contributors.length", MAX_CONTRIBUTORS);
    expect(
      documentMetaFrom({ kind: "idea", status: "approved", owner: "", contributors: "Ada", priority: "low" }),
    ).toEqual({ kind: "idea", status: null, owner: null, ...none });
    expect(documentMetaFrom({ kind: "poem", status: { evil: true }, owner: 42 })).toEqual({
      kind: null,
      status: null,
      owner: null,
      ...none,
    });
    expect(documentMetaFrom(null)).toEqual({ kind: null, status: null, owner: null, ...none });
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

  it("writes contributors as one string and reads only real calendar days", () => {
    expect(contributorsText(["Ada", "Grace Hopper"])).toBe("Ada, Grace Hopper");
    expect(["2024-02-29", "2026-12-31"].map(isCalendarDate)).toEqual([true, true]);
    expect(["2026-02-29", "2026-13-01", "26-01-01", "2026-1-1", 20260101].map(isCalendarDate)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it("cuts titles to one line without splitting a character", () => {
    expect(listTitle("  Launch\n plan ")).toBe("Launch plan");
    const long = listTitle("😀".repeat(MAX_TITLE_LENGTH + 5));
    expect(Array.from(long)).toHaveLength(MAX_TITLE_LENGTH);
    expect(long.endsWith("😀")).toBe(true);
  });
});
