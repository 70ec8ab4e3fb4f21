import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RateLimiter, Throttle } from "./rate-limit.js";

describe("RateLimiter", () => {
  it("allows a burst of twice the rate, then the rate itself", () => {
    let now = 0;
    const limiter = new RateLimiter(10, 20, () => now);
    for (let i = 0; i < 20; i++) expect(limiter.take(1)).toBe(true);
    expect(limiter.take(1)).toBe(false);
    now += 100; // a tenth of a second buys one message
    expect(limiter.take(1)).toBe(true);
    expect(limiter.take(1)).toBe(false);
    now += 60_000; // an idle minute refills the burst, no more
    for (let i = 0; i < 20; i++) expect(limiter.take(1)).toBe(true);
    expect(limiter.take(1)).toBe(false);
  });

  it("takes more than it holds only when full, leaving a debt that delays what follows", () => {
    let now = 0;
    const limiter = new RateLimiter(10, 20, () => now);
    expect(limiter.take(1)).toBe(true);
    expect(limiter.take(50)).toBe(false); // not full
    now += 100;
    expect(limiter.take(50)).toBe(true); // full: passes, 30 in debt
    expect(limiter.msUntil(1)).toBe(3_100);
    expect(limiter.take(1)).toBe(false);
  });

  it("goes into debt for what was spent regardless, and says how long until it is repaid", () => {
    let now = 0;
    const limiter = new RateLimiter(10, 20, () => now);
    for (let i = 0; i < 20; i++) expect(limiter.spend(1)).toBe(false);
    expect(limiter.spend(1)).toBe(true);
    expect(limiter.spend(1)).toBe(true);
    expect(limiter.msUntil(1)).toBe(300); // two in debt, then one token
    now += 300;
    expect(limiter.take(1)).toBe(true);
  });
});

describe("Throttle", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function throttle(maxThrottledMs = 60_000) {
    const delivered: number[] = [];
    const events: string[] = [];
    const subject = new Throttle<number, string[]>(
      {
        perSecond: 10,
        burst: 20,
        cost: (message: number) => (message >= 1_000 ? message / 1_000 : 1),
        maxThrottledMs,
        pause: (log) => log.push("pause"),
        resume: (log) => log.push("resume"),
        deliver: (_, message) => delivered.push(message),
        onSustained: (log) => log.push("sustained"),
        now: () => Date.now(),
      },
      events,
    );
    return { subject, delivered, events };
  }

  it("passes a burst at once, then holds the rest and pauses, and delivers it later in order, none lost", () => {
    const { subject, delivered, events } = throttle();
    for (let i = 0; i < 50; i++) subject.admit(i);
    expect(delivered).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(events).toEqual(["pause"]);
    expect(subject.isPaused).toBe(true);
    vi.advanceTimersByTime(2_000); // a full burst's worth of budget: 20 more
    expect(delivered).toHaveLength(40);
    expect(events).toEqual(["pause"]);
    vi.advanceTimersByTime(1_000);
    expect(delivered).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(events).toEqual(["pause", "resume"]);
    expect(subject.isPaused).toBe(false);
  });

  it("keeps later messages behind held ones even once the budget has refilled", () => {
    const { subject, delivered } = throttle();
    for (let i = 0; i < 21; i++) subject.admit(i);
    vi.setSystemTime(Date.now() + 5_000); // the budget is back, but the timer has not fired yet
    subject.admit(21);
    expect(delivered).toHaveLength(20);
    vi.advanceTimersByTime(100);
    expect(delivered).toEqual(Array.from({ length: 22 }, (_, i) => i));
  });

  it("pauses for pings and pongs over the budget until their debt is repaid", () => {
    const { subject, delivered, events } = throttle();
    for (let i = 0; i < 25; i++) subject.charge(1);
    expect(events).toEqual(["pause"]);
    subject.admit(1);
    expect(delivered).toEqual([]);
    vi.advanceTimersByTime(599);
    expect(delivered).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(delivered).toEqual([1]);
    expect(events).toEqual(["pause", "resume"]);
  });

  it("gives up on a client that stays over its budget without a break, and only then", () => {
    const { subject, events } = throttle(10_000);
    let sent = 0;
    // A flood: whenever the socket is read again, it is over the limit at once.
    while (!events.includes("sustained")) {
      for (let i = 0; i < 40; i++) subject.admit(sent++);
      vi.advanceTimersByTime(500);
      expect(Date.now()).toBeLessThanOrEqual(11_000);
    }
    expect(Date.now()).toBeGreaterThanOrEqual(10_000);
    expect(subject.isPaused).toBe(true);
    // Stopped: nothing more is delivered or scheduled.
    expect(vi.getTimerCount()).toBe(0);
  });

  it("gives up on time even while a deep debt of pings is being waited out", () => {
    const { subject, events } = throttle(1_000);
    for (let i = 0; i < 1_000; i++) subject.charge(1); // 98 s of debt
    expect(events).toEqual(["pause"]);
    vi.advanceTimersByTime(999);
    expect(events).toEqual(["pause"]);
    vi.advanceTimersByTime(1);
    expect(events).toEqual(["pause", "sustained"]);
  });

  it("never gives up on a client whose bursts are separated by rests", () => {
    const { subject, delivered, events } = throttle(10_000);
    for (let burst = 0; burst < 10; burst++) {
      for (let i = 0; i < 60; i++) subject.admit(burst * 60 + i);
      vi.advanceTimersByTime(10_000); // 4 s to drain the backlog, then a full bucket
    }
    expect(events).not.toContain("sustained");
    expect(delivered).toHaveLength(600);
  });

  it("counts each message at its cost: a large one takes the budget of many small ones", () => {
    const { subject, delivered, events } = throttle();
    subject.admit(15_000); // costs 15 of the 20
    for (let i = 0; i < 10; i++) subject.admit(i);
    expect(delivered).toEqual([15_000, 0, 1, 2, 3, 4]);
    expect(events).toEqual(["pause"]);
    vi.advanceTimersByTime(500); // 5 more: the whole backlog
    expect(delivered).toHaveLength(11);
    expect(events).toEqual(["pause", "resume"]);
  });

  it("drops what it holds once stopped", () => {
    const { subject, delivered } = throttle();
    for (let i = 0; i < 30; i++) subject.admit(i);
    subject.stop();
    vi.advanceTimersByTime(10_000);
    expect(delivered).toHaveLength(20);
    expect(vi.getTimerCount()).toBe(0);
  });
});
