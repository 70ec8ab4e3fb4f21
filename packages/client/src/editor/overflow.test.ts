import { describe, expect, it } from "vitest";
import { overflowOf } from "./overflow.js";

describe("overflowOf", () => {
  it("says which ends of a scrolling row have more out of view", () => {
    expect(overflowOf({ scrollLeft: 0, clientWidth: 300, scrollWidth: 300 })).toBe("none");
    expect(overflowOf({ scrollLeft: 0, clientWidth: 300, scrollWidth: 700 })).toBe("end");
    expect(overflowOf({ scrollLeft: 200, clientWidth: 300, scrollWidth: 700 })).toBe("both");
    expect(overflowOf({ scrollLeft: 400, clientWidth: 300, scrollWidth: 700 })).toBe("start");
    // Sub-pixel widths do not count as more.
    expect(overflowOf({ scrollLeft: 0.5, clientWidth: 300, scrollWidth: 300.8 })).toBe("none");
  });
});
