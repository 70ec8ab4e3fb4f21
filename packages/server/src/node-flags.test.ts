import { describe, expect, it } from "vitest";
import {
  EXPOSE_GC_FLAG,
  NO_PRETENURING_FLAG,
  OLD_GENERATION_FLOOR_FLAG,
  restartArguments,
  v8PoolSize,
  YOUNG_GENERATION_FLAG,
} from "./node-flags.js";

describe("the node flags the server runs under", () => {
  it("adds the young generation's size, V8's pool, no pretenuring, the old generation's floor and an exposed collector before the flags node was given", () => {
    expect(restartArguments([], undefined, 8)).toEqual([
      YOUNG_GENERATION_FLAG,
      "--v8-pool-size=4",
      NO_PRETENURING_FLAG,
      OLD_GENERATION_FLOOR_FLAG,
      EXPOSE_GC_FLAG,
    ]);
    expect(restartArguments(["--cpu-prof", "--enable-source-maps"], "--import ./x.mjs", 2)).toEqual([
      YOUNG_GENERATION_FLAG,
      "--v8-pool-size=1",
      NO_PRETENURING_FLAG,
      OLD_GENERATION_FLOOR_FLAG,
      EXPOSE_GC_FLAG,
      "--cpu-prof",
      "--enable-source-maps",
    ]);
  });

  it("leaves the event loop a core of its own: one helper thread fewer than the CPUs, at least one, at most Node's four", () => {
    expect([1, 2, 3, 4, 5, 6, 64].map(v8PoolSize)).toEqual([1, 1, 2, 3, 4, 4, 4]);
  });

  it("keeps each flag the operator chose, as a node flag or in NODE_OPTIONS, and adds only the others", () => {
    expect(restartArguments(["--max-semi-space-size=64"], undefined, 1)).toEqual([
      "--v8-pool-size=1",
      NO_PRETENURING_FLAG,
      OLD_GENERATION_FLOOR_FLAG,
      EXPOSE_GC_FLAG,
      "--max-semi-space-size=64",
    ]);
    expect(restartArguments(["--max-semi-space-size", "64"], undefined, 1)).toEqual([
      "--v8-pool-size=1",
      NO_PRETENURING_FLAG,
      OLD_GENERATION_FLOOR_FLAG,
      EXPOSE_GC_FLAG,
      "--max-semi-space-size",
      "64",
    ]);
    expect(restartArguments([], "--enable-source-maps  --v8-pool-size=8", 1)).toEqual([
      YOUNG_GENERATION_FLAG,
      NO_PRETENURING_FLAG,
      OLD_GENERATION_FLOOR_FLAG,
      EXPOSE_GC_FLAG,
    ]);
  });

  it("keeps V8's pretenuring when the operator turns it on, or off, themselves, in either spelling", () => {
    for (const choice of [
      "--allocation-site-pretenuring",
      "--no-allocation-site-pretenuring",
      "--allocation_site_pretenuring",
    ]) {
      expect(restartArguments([choice], undefined, 2)).toEqual([
        YOUNG_GENERATION_FLAG,
        "--v8-pool-size=1",
        OLD_GENERATION_FLOOR_FLAG,
        EXPOSE_GC_FLAG,
        choice,
      ]);
    }
  });

  it("leaves V8's collector unexposed when the operator says so", () => {
    expect(restartArguments(["--no-expose-gc"], undefined, 2)).toEqual([
      YOUNG_GENERATION_FLAG,
      "--v8-pool-size=1",
      NO_PRETENURING_FLAG,
      OLD_GENERATION_FLOOR_FLAG,
      "--no-expose-gc",
    ]);
  });

  it("keeps the old generation's floor the operator chose, or the heap's initial size V8 derives it from", () => {
    const rest = [YOUNG_GENERATION_FLAG, "--v8-pool-size=1", NO_PRETENURING_FLAG];
    expect(restartArguments(["--initial-old-space-size=64"], undefined, 2)).toEqual([
      ...rest,
      EXPOSE_GC_FLAG,
      "--initial-old-space-size=64",
    ]);
    expect(restartArguments([], "--initial_heap_size=512", 2)).toEqual([...rest, EXPOSE_GC_FLAG]);
  });

  it("does not restart when every flag is chosen, so a restarted server does not restart again", () => {
    expect(
      restartArguments(
        ["--allocation-site-pretenuring", "--initial-old-space-size=64", "--expose-gc"],
        "--max-semi-space-size=32 --v8-pool-size=2",
        1,
      ),
    ).toBeUndefined();
    const again = restartArguments([], undefined, 1) ?? [];
    expect(restartArguments(again, undefined, 1)).toBeUndefined();
  });

  it("is not fooled by a flag whose name only starts the same", () => {
    const lookalikes = [
      "--max-semi-space-size-extra=1",
      "--v8-pool-size-x=2",
      "--no-allocation-site-pretenuring-x",
      "--initial-old-space-size-x=1",
      "--expose-gc-x",
    ];
    expect(restartArguments(lookalikes, undefined, 2)).toEqual([
      YOUNG_GENERATION_FLAG,
      "--v8-pool-size=1",
      NO_PRETENURING_FLAG,
      OLD_GENERATION_FLOOR_FLAG,
      EXPOSE_GC_FLAG,
      ...lookalikes,
    ]);
  });
});
