import { describe, expect, it } from "vitest";
import { runBench } from "../bench/src/run.js";
import { scenarioNames } from "../bench/src/scenarios/index.js";

// Speed is measured by `pnpm bench`, never here: this runs every scenario at
// tiny scale against the real servers so the harness cannot rot, and checks
// what must hold at any speed.
describe("benchmark harness, every scenario at tiny scale", () => {
  it("runs, reports a number for every metric, and its correctness checks hold", async () => {
    const records = await runBench(scenarioNames, { smoke: true });
    const byName = new Map(records.map((record) => [record.scenario, record]));
    expect([...byName.keys()]).toEqual(scenarioNames);

    for (const record of records) {
      const contenders = Object.keys(record.values);
      expect(contenders.length, record.scenario).toBeGreaterThan(0);
      for (const [contender, values] of Object.entries(record.values)) {
        for (const metric of record.metrics) {
          const value = values?.[metric.key];
          // null marks "does not apply" (e.g. acknowledgments on y-websocket); a number must be a real one.
          if (value !== null && value !== undefined)
            expect(Number.isNaN(value), `${record.scenario} ${contender} ${metric.key}`).toBe(false);
        }
      }
    }

    const hot = byName.get("hot-document")?.values ?? {};
    for (const values of Object.values(hot)) expect(values?.missing).toBe(0);
    expect(hot.tandem?.ackP99).toBeGreaterThan(0);

    for (const scenario of ["crowd", "presence"] as const) {
      for (const [contender, values] of Object.entries(byName.get(scenario)?.values ?? {})) {
        expect(values?.missing, `${scenario} ${contender}: every delivery arrived`).toBe(0);
        expect(values?.disconnected, `${scenario} ${contender}: nobody disconnected`).toBe(0);
      }
    }
    // The watcher saw every cursor move: a finite presence latency means none was lost.
    for (const [contender, values] of Object.entries(byName.get("presence")?.values ?? {})) {
      expect(Number.isFinite(values?.presenceP99), `presence ${contender}: every cursor move seen`).toBe(true);
    }
    for (const [contender, values] of Object.entries(byName.get("isolation")?.values ?? {})) {
      expect(Number.isFinite(values?.stormLast), `isolation ${contender}: the storm's clients synced`).toBe(true);
    }

    for (const scenario of ["join-storm", "trace-replay", "bulk-writer"] as const) {
      for (const [contender, values] of Object.entries(byName.get(scenario)?.values ?? {})) {
        expect(values?.matches, `${scenario} ${contender}: text equals the trace's`).toBe(1);
      }
    }

    const durability = byName.get("durability")?.values ?? {};
    expect(durability.tandem?.acknowledged).toBeGreaterThan(0);
    expect(durability.tandem?.lost).toBe(0);
    // Stock Hocuspocus acknowledges from memory and stores 2 s later: killed
    // after half a second it loses what it acknowledged, which shows the
    // harness does detect lost edits.
    expect(durability.hocuspocus?.lost).toBeGreaterThan(0);
  }, 300_000);
});
