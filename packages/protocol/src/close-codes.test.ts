import { describe, expect, it } from "vitest";
import { CloseCodes, closeCodeFor } from "./close-codes.js";

describe("close codes", () => {
  it("are unique, application-range codes with a reason", () => {
    const entries = Object.values(CloseCodes);
    expect(new Set(entries.map((entry) => entry.code)).size).toBe(entries.length);
    for (const entry of entries) {
      expect(entry.code).toBeGreaterThanOrEqual(4000);
      expect(entry.code).toBeLessThan(5000);
      expect(entry.reason).toMatch(/^[a-z-]+$/);
    }
  });

  it("looks codes up, and does not know codes Tandem never sends", () => {
    expect(closeCodeFor(4401)?.retry).toBe("refresh-token");
    expect(closeCodeFor(4403)?.retry).toBe("never");
    expect(closeCodeFor(1006)).toBeUndefined();
  });
});
