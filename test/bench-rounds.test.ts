import { describe, expect, it } from "vitest";
import type { ContenderName } from "../bench/src/contenders/index.js";
import type { ScenarioContext } from "../bench/src/scenarios/context.js";
import { inRounds } from "../bench/src/scenarios/rounds.js";

// What a short scenario reports after several rounds decides whether a
// target is met; these check the order the contenders run in and how their
// rounds become one number.
describe("the benchmark's rounds", () => {
  const listed = { key: "seconds", label: "time", format: (seconds: number) => `${seconds} s` };
  const context = (contenders: ContenderName[], smoke = false): ScenarioContext => ({
    smoke,
    contenders,
    log: () => {},
  });

  it("runs three rounds, the contenders' order reversed every other round", async () => {
    const order: ContenderName[] = [];
    await inRounds(context(["tandem", "hocuspocus", "y-websocket"]), { listed }, async (name) => {
      order.push(name);
      return { seconds: 1 };
    });
    expect(order).toEqual([
      ...["tandem", "hocuspocus", "y-websocket"],
      ...["y-websocket", "hocuspocus", "tandem"],
      ...["tandem", "hocuspocus", "y-websocket"],
    ]);
  });

  it("reports each metric's median, and the worst round of what must always hold", async () => {
    const rounds = [
      { seconds: 4.1, disconnects: 0, matches: 1 },
      { seconds: 3.2, disconnects: 2, matches: 1 },
      { seconds: 3.6, disconnects: 0, matches: 0 },
    ];
    let next = 0;
    const { values, notes, setup } = await inRounds(
      context(["tandem"]),
      { listed, worst: { disconnects: "max", matches: "min" } },
      async () => rounds[next++] ?? {},
    );
    expect(values.tandem).toEqual({ seconds: 3.6, disconnects: 2, matches: 0 });
    expect(notes).toEqual(["Tandem: time in each round: 4.1 s, 3.2 s, 3.6 s (median reported)"]);
    expect(setup).toMatch(/^3 rounds/);
  });

  it("keeps a metric that does not apply as null, and lists no rounds for it", async () => {
    const { values, notes } = await inRounds(context(["y-websocket"]), { listed }, async () => ({
      seconds: null,
      warm: 2,
    }));
    expect(values["y-websocket"]).toEqual({ seconds: null, warm: 2 });
    expect(notes).toEqual([]);
  });

  it("runs once and notes nothing in the smoke test", async () => {
    let runs = 0;
    const { values, notes, setup } = await inRounds(context(["tandem"], true), { listed }, async () => ({
      seconds: ++runs,
    }));
    expect(runs).toBe(1);
    expect(values.tandem).toEqual({ seconds: 1 });
    expect(notes).toEqual([]);
    expect(setup).toBe("one round");
  });
});
