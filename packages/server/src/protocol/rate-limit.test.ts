import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limit.js";

describe("RateLimiter", () => {
  it("allows a burst of twice the rate, then the rate itself", () => {
    let now = 0;
    const limiter = new RateLimiter(10, () => now);
    for (let i = 0; i < 20; i++) expect(limiter.take()).toBe(true);
    expect(limiter.take()).toBe(false);
    now += 100; // a tenth of a second buys one message
    expect(limiter.take()).toBe(true);
    expect(limiter.take()).toBe(false);
    now += 60_000; // an idle minute refills the burst, no more
    for (let i = 0; i < 20; i++) expect(limiter.take()).toBe(true);
    expect(limiter.take()).toBe(false);
  });
});
