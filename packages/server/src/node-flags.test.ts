import { describe, expect, it } from "vitest";
import { restartArguments, YOUNG_GENERATION_FLAG } from "./node-flags.js";

describe("the node flags the server runs under", () => {
  it("adds the young generation's size before the flags node was given", () => {
    expect(restartArguments([], undefined)).toEqual([YOUNG_GENERATION_FLAG]);
    expect(restartArguments(["--cpu-prof", "--enable-source-maps"], "--import ./x.mjs")).toEqual([
      YOUNG_GENERATION_FLAG,
      "--cpu-prof",
      "--enable-source-maps",
    ]);
  });

  it("keeps a size the operator chose, as a node flag or in NODE_OPTIONS, and does not restart twice", () => {
    expect(restartArguments(["--max-semi-space-size=64"], undefined)).toBeUndefined();
    expect(restartArguments(["--max-semi-space-size", "64"], undefined)).toBeUndefined();
    expect(restartArguments([], "--enable-source-maps  --max-semi-space-size=32")).toBeUndefined();
    expect(restartArguments([YOUNG_GENERATION_FLAG], undefined)).toBeUndefined();
  });

  it("is not fooled by a flag whose name only starts the same", () => {
    expect(restartArguments(["--max-semi-space-size-extra=1"], undefined)).toEqual([
      YOUNG_GENERATION_FLAG,
      "--max-semi-space-size-extra=1",
    ]);
  });
});
