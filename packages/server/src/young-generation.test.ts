import { describe, expect, it } from "vitest";
import { COLLECT_YOUNG_ABOVE_BYTES, collectGrownYoungGeneration } from "./young-generation.js";

describe("collecting the young generation between a large load's slices", () => {
  it("collects the young generation alone once it holds more than the bound, not before", () => {
    const calls: unknown[] = [];
    const gc = ((options?: unknown) => void calls.push(options)) as NodeJS.GCFunction;
    collectGrownYoungGeneration(gc, () => COLLECT_YOUNG_ABOVE_BYTES);
    expect(calls).toEqual([]);
    collectGrownYoungGeneration(gc, () => COLLECT_YOUNG_ABOVE_BYTES + 1);
    expect(calls).toEqual([{ type: "minor" }]);
  });

  it("does nothing where the process runs without --expose-gc", () => {
    let measured = false;
    collectGrownYoungGeneration(undefined, () => {
      measured = true;
      return Number.MAX_SAFE_INTEGER;
    });
    expect(measured).toBe(false);
  });
});
