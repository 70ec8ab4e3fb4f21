import type { VersionSummary } from "@tandem/protocol";
import { describe, expect, it } from "vitest";
import { byDay, describeChanges, describeCredit, versionTitle } from "./describe.js";

const version = (id: string, createdAt: string, extra: Partial<VersionSummary> = {}): VersionSummary => ({
  id,
  kind: "auto",
  label: null,
  createdAt,
  createdBy: null,
  authors: [],
  ...extra,
});

describe("how history is described", () => {
  it("credits an accepted suggestion to its suggester and its acceptor", () => {
    expect(describeCredit("written", "Ada")).toBe("Written by Ada");
    expect(describeCredit("written", "Ada", "Bo")).toBe("Written by Ada, accepted by Bo");
    expect(describeCredit("deleted", "Ada", "Bo")).toBe("Deleted by Ada, accepted by Bo");
  });

  it("groups versions, newest first, by the local day they were made on", () => {
    const now = new Date(2026, 11, 4, 15, 0);
    const at = (day: number, hour: number) => new Date(2026, 11, day, hour).toISOString();
    const days = byDay(
      [version("4", at(4, 14)), version("3", at(4, 9)), version("2", at(3, 23)), version("1", at(1, 8))],
      now,
    );
    expect(days.map((day) => [day.label, day.versions.map((item) => item.id)])).toEqual([
      ["Today", ["4", "3"]],
      ["Yesterday", ["2"]],
      [
        new Date(2026, 11, 1).toLocaleDateString(undefined, {
          weekday: "short",
          day: "numeric",
          month: "short",
          year: "numeric",
        }),
        ["1"],
      ],
    ]);
  });

  it("names a version by its label, or by why it was made", () => {
    expect(versionTitle(version("1", "", { kind: "named", label: "Sent for review" }))).toBe("Sent for review");
    expect(versionTitle(version("1", ""))).toBe("Automatic version");
    expect(versionTitle(version("1", "", { kind: "before-restore" }))).toBe("Before a restore");
  });

  it("sums one person's changes up in words", () => {
    const none = {
      author: "ada",
      paragraphsAdded: 0,
      paragraphsDeleted: 0,
      wordsAdded: 0,
      wordsDeleted: 0,
      formattingChanges: 0,
    };
    expect(describeChanges({ ...none, paragraphsAdded: 1, wordsAdded: 5, wordsDeleted: 3 })).toBe(
      "added 1 paragraph and 5 words, deleted 3 words",
    );
    expect(describeChanges({ ...none, formattingChanges: 1 })).toBe("changed formatting (1 change)");
    expect(describeChanges(none)).toBe("no visible changes");
  });
});
