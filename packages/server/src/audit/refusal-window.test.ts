import { describe, expect, it } from "vitest";
import { RefusalWindow } from "./refusal-window.js";

describe("RefusalWindow", () => {
  it("admits one refusal per address per window, and the next once the window has passed", () => {
    let now = 0;
    const window = new RefusalWindow(60_000, 10_000, () => now);
    expect(window.admit("192.0.2.1")).toBe(true);
    expect(window.admit("192.0.2.1")).toBe(false);
    expect(window.admit("192.0.2.2")).toBe(true);
    now = 59_999;
    expect(window.admit("192.0.2.1")).toBe(false);
    now = 60_000;
    expect(window.admit("192.0.2.1")).toBe(true);
    expect(window.admit(null)).toBe(true);
    expect(window.admit(null)).toBe(false);
  });

  it("holds at most maxAddresses windows: past that, refusals are not recorded until some end", () => {
    let now = 0;
    const window = new RefusalWindow(1_000, 2, () => now);
    expect(window.admit("a")).toBe(true);
    now = 10;
    expect(window.admit("b")).toBe(true);
    expect(window.admit("c")).toBe(false);
    now = 1_000;
    expect(window.admit("c")).toBe(true);
    expect(window.admit("d")).toBe(false);
    now = 1_010;
    expect(window.admit("d")).toBe(true);
  });
});
