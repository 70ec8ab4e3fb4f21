import { allContenders, type ContenderName, contenderLabels, withContender } from "../contenders/index.js";
import { connectBots } from "../load/connect.js";
import { type RateStepResult, runRateStep } from "../load/rate-step.js";
import type { Metric, ScenarioOutcome } from "../report/record.js";
import type { ScenarioContext } from "./context.js";
import { botConfigs, stepValues } from "./load-metrics.js";

/** Metrics of a run at one rate: the table every load scenario shares. */
export const loadMetrics: readonly Metric[] = [
  { key: "p50", label: "delivery latency p50", unit: "ms", better: "lower" },
  { key: "p95", label: "delivery latency p95", unit: "ms", better: "lower" },
  { key: "p99", label: "delivery latency p99", unit: "ms", better: "lower", target: { value: 5, text: "≤ 5" } },
  { key: "ackP99", label: "acknowledgment latency p99", unit: "ms", better: "lower" },
  { key: "throughput", label: "throughput (updates sent)", unit: "updates/s", better: "higher" },
  { key: "deliveries", label: "deliveries", unit: "messages/s", better: "higher" },
  { key: "missing", label: "deliveries missing after the drain", unit: "", better: "lower", digits: 0 },
  { key: "cpuPerUpdate", label: "server CPU per update", unit: "µs", better: "lower" },
  { key: "cpuShare", label: "server CPU (share of its core)", unit: "", better: "lower" },
  { key: "postgresCpuPerUpdate", label: "Postgres CPU per update (all backends)", unit: "µs", better: "lower" },
  { key: "rss", label: "server memory (RSS)", unit: "MB", better: "lower", digits: 1 },
  { key: "generatorCpu", label: "generator CPU (share of its core)", unit: "" },
  { key: "generatorLag", label: "generator send lag p99 (behind its schedule)", unit: "ms" },
];

/**
 * 1. Hot document: 50 clients in one document, each typing 5 updates/s with
 * its cursor in awareness (a presence update with every keystroke).
 */
export async function hotDocument(context: ScenarioContext): Promise<ScenarioOutcome> {
  const clients = context.smoke ? 5 : 50;
  const perClient = 5;
  // The warm-up outlasts the server's start-up (code not yet optimised, cold pools), the same for every contender.
  const step = context.smoke
    ? { warmupMs: 300, measureMs: 1000, drainMs: 1000 }
    : { warmupMs: 5000, measureMs: 10_000, drainMs: 3000 };
  const values: ScenarioOutcome["values"] = {};
  for (const name of context.contenders ?? allContenders) {
    const result: RateStepResult = await withContender(name, async (contender) => {
      const bots = await connectBots(botConfigs(contender, 1, clients));
      try {
        for (const bot of bots) bot.sendAwareness();
        return await runRateStep(contender, bots, { rate: clients * perClient, awareness: true, ...step });
      } finally {
        for (const bot of bots) bot.destroy();
      }
    });
    context.log(`${contenderLabels[name as ContenderName]}: p99 ${result.delivery.p99.toFixed(2)} ms`);
    values[name] = stepValues(result);
  }
  return {
    setup: [
      `${clients} clients in one document, ${perClient} updates/s each (${clients * perClient}/s in all), one character per update`,
      "cursors on: every keystroke also sends a presence update (user and a relative-position cursor)",
      `${step.warmupMs / 1000} s warm-up, ${step.measureMs / 1000} s measured, open-loop schedule`,
    ],
    metrics: loadMetrics,
    values,
    notes: [],
  };
}
