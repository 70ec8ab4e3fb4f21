import { describe, expect, it } from "vitest";
import { defaultUserColor, isUserColor, userColorOf } from "./users.js";

describe("user colours", () => {
  it("accepts #rrggbb only, and derives a stable colour from the id otherwise", () => {
    expect(isUserColor("#0090ff")).toBe(true);
    expect(isUserColor("#0090FF")).toBe(true);
    for (const color of ["#09f", "#0090ff80", "0090ff", "red", "#0090ff;x:y", " #0090ff", "", null, 0x0090ff]) {
      expect(isUserColor(color)).toBe(false);
      expect(userColorOf("ada", color)).toBe(defaultUserColor("ada"));
    }
    expect(userColorOf("ada", "#123456")).toBe("#123456");
    expect(defaultUserColor("ada")).toBe(defaultUserColor("ada"));
    expect(isUserColor(defaultUserColor("grace"))).toBe(true);
  });
});
