import { describe, expect, it } from "vitest";
import type { ContenderName } from "../bench/src/contenders/index.js";
import { inRounds } from "../bench/src/scenarios/rounds.js";

// What a short scenario reports after several rounds decides whether a
// target is met; these check the order the contenders run in and how their
// rounds become one number.
describe("the benchmark's rounds", () => {
  const listed = { key: "seconds", label: "time", format: (seconds: number) => `${seconds} s` };

  it("reverses the contenders' order every other round", async () => {
    const order: ContenderName[] = [];
    await inRounds(["tandem", "hocuspocus", "y-websocket"], { rounds: 3, listed }, async (name) => {
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
    const { values, notes } = await inRounds(
      ["tandem"],
      { rounds: 3, listed, worst: { disconnects: "max", matches: "min" } },
      async () => rounds[next++] ?? {},
    );
    expect(values.tandem).toEqual({ seconds: 3.6, disconnects: 2, matches: 0 });
    expect(notes).toEqual(["Tandem: time in each round: 4.1 s, 3.2 s, 3.6 s (median reported)"]);
  });

  it("keeps a metric that does not apply as null, and lists no rounds for it", async () => {
    const { values, notes } = await inRounds(["y-websocket"], { rounds: 3, listed }, async () => ({
      seconds: null,
      warm: 2,
    }));
    expect(values["y-websocket"]).toEqual({ seconds: null, warm: 2 });
    expect(notes).toEqual([]);
  });

  it("runs once and notes nothing with one round", async () => {
    let runs = 0;
    const { values, notes } = await inRounds(["tandem"], { rounds: 1, listed }, async () => ({ seconds: ++runs }));
    expect(runs).toBe(1);
    expect(values.tandem).toEqual({ seconds: 1 });
    expect(notes).toEqual([]);
  });
});
