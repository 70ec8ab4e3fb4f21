import { describe, expect, it } from "vitest";
import { MAX_RETRY_DELAY_MS, retryDelay } from "./backoff.js";

describe("retryDelay", () => {
  it("doubles from the base, between half and all of it, capped", () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelay(attempt, 1000, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3, 4].map((attempt) => retryDelay(attempt, 1000, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect(retryDelay(30, 1000, () => 1)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelay(10_000, 30_000, () => 0)).toBe(MAX_RETRY_DELAY_MS / 2);
  });
});
