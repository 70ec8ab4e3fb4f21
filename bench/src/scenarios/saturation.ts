import { allContenders, contenderLabels, withContender } from "../contenders/index.js";
import { connectBots } from "../load/connect.js";
import type { Metric, RatePoint, ScenarioOutcome } from "../report/record.js";
import type { ScenarioContext } from "./context.js";
import { botConfigs, stepValues } from "./load-metrics.js";
import { P99_LIMIT_MS, ramp } from "./ramp.js";

/**
 * The highest rate every contender sustained, where their CPU per update can
 * be compared: at its own highest rate each server merges a different number
 * of updates into each broadcast, so those figures are not comparable.
 */
function commonRate(series: Partial<Record<string, readonly RatePoint[]>>): number | undefined {
  const highest = Object.values(series).map((points) =>
    Math.max(0, ...(points ?? []).filter((point) => point.sustained).map((point) => point.rate)),
  );
  const common = Math.min(...highest);
  return highest.length > 1 && common > 0 ? common : undefined;
}

/** The table of a ramp: the highest sustained rate, and what the server looked like there. */
function rampMetrics(common: number | undefined): Metric[] {
  return [
    {
      key: "highest",
      label: `highest rate sustained at p99 ≤ ${P99_LIMIT_MS} ms`,
      unit: "updates/s",
      better: "higher",
      target: { value: 1, text: "≥ 1.0 × best", relativeTo: "best" },
      digits: 0,
    },
    { key: "p50", label: "p50 there", unit: "ms", better: "lower" },
    { key: "p99", label: "p99 there", unit: "ms", better: "lower" },
    { key: "ackP99", label: "acknowledgment p99 there", unit: "ms", better: "lower" },
    { key: "deliveries", label: "deliveries there", unit: "messages/s", better: "higher" },
    { key: "cpuPerUpdate", label: "server CPU per update there", unit: "µs", better: "lower" },
    { key: "cpuShare", label: "server CPU there (share of its core)", unit: "" },
    { key: "postgresCpuPerUpdate", label: "Postgres CPU per update there", unit: "µs", better: "lower" },
    { key: "rss", label: "server memory (RSS) there", unit: "MB", better: "lower", digits: 1 },
    { key: "generatorCpu", label: "generator CPU there (share of its core)", unit: "" },
    { key: "generatorLag", label: "generator send lag p99 there", unit: "ms" },
    ...(common === undefined
      ? []
      : [
          {
            key: "cpuAtCommon",
            label: `server CPU per update at ${common.toLocaleString("en")}/s (the highest rate all sustained)`,
            unit: "µs",
            better: "lower" as const,
            target: { value: 1.2, text: "≤ 1.2 × Hocuspocus", relativeTo: "hocuspocus" as const },
          },
        ]),
    { key: "firstFailed", label: "first rate not sustained", unit: "updates/s", digits: 0 },
    { key: "firstFailedP99", label: "p99 at that rate", unit: "ms" },
    {
      key: "firstFailedGenerator",
      label: "generator CPU at that rate (near 1: the generator was the limit)",
      unit: "",
    },
  ];
}

/** Runs a ramp per contender over `documents` × `perDocument` bots and shapes it as a record. */
async function rampScenario(
  context: ScenarioContext,
  shape: { documents: number; perDocument: number; rates: readonly number[] },
): Promise<ScenarioOutcome> {
  // 10 s windows: in 4 s, a p99 rests on the worst 1% of a few thousand updates, which one
  // 30 ms stall anywhere on the machine decides, and rates held or failed from run to run.
  const step = context.smoke
    ? { firstWarmupMs: 200, warmupMs: 200, measureMs: 600, drainMs: 1000, sends: "keystroke" as const }
    : { firstWarmupMs: 5000, warmupMs: 1000, measureMs: 10_000, drainMs: 2000, sends: "keystroke" as const };
  const values: ScenarioOutcome["values"] = {};
  const series: NonNullable<ScenarioOutcome["series"]> = {};
  for (const name of context.contenders ?? allContenders) {
    context.log(`${contenderLabels[name]}:`);
    const result = await withContender(name, async (contender) => {
      const bots = await connectBots(botConfigs(contender, shape.documents, shape.perDocument));
      try {
        return await ramp(contender, bots, shape.rates, step, context.log);
      } finally {
        for (const bot of bots) bot.destroy();
      }
    });
    series[name] = result.points;
    const failed = result.points.find((point) => !point.sustained);
    values[name] = {
      ...(result.best ? stepValues(result.best) : {}),
      highest: result.best?.offeredRate ?? 0,
      firstFailed: failed?.rate ?? null,
      firstFailedP99: failed?.p99 ?? null,
      firstFailedGenerator: failed?.generatorCpu ?? null,
    };
  }
  const common = commonRate(series);
  for (const [name, points] of Object.entries(series)) {
    const value = values[name as keyof typeof values];
    if (value) value.cpuAtCommon = points?.find((point) => point.rate === common)?.cpuPerUpdate ?? null;
  }
  const clients = shape.documents * shape.perDocument;
  return {
    setup: [
      `${shape.documents === 1 ? `one document with ${shape.perDocument} clients` : `${shape.documents} documents with ${shape.perDocument} clients each (${clients} connections)`}, one character per update, no presence updates`,
      `rates tried (updates/s, all clients together): ${shape.rates.join(", ")}; each step ${step.warmupMs / 1000} s warm-up (the first ${step.firstWarmupMs / 1000} s, past the server's start-up) + ${step.measureMs / 1000} s measured`,
      `a rate is sustained when p99 ≤ ${P99_LIMIT_MS} ms, at least 95% of it was sent, every delivery arrived within ${step.drainMs / 1000} s after the window, and nobody was disconnected; the first rate that fails ends the ramp`,
    ],
    metrics: rampMetrics(common),
    values,
    series,
    notes: [],
  };
}

/** 2. Hot document saturation: 50 clients in one document, rate raised until p99 passes 10 ms. */
export function saturation(context: ScenarioContext): Promise<ScenarioOutcome> {
  return rampScenario(context, {
    documents: 1,
    perDocument: context.smoke ? 5 : 50,
    rates: context.smoke
      ? [50, 100]
      : [100, 250, 500, 1000, 1500, 2000, 3000, 4000, 6000, 8000, 10_000, 12_000, 16_000],
  });
}

/** 3. Many rooms: 200 documents with 5 clients each, rate raised until p99 passes 10 ms. */
export function manyRooms(context: ScenarioContext): Promise<ScenarioOutcome> {
  return rampScenario(context, {
    documents: context.smoke ? 4 : 200,
    perDocument: 5,
    rates: context.smoke ? [50, 100] : [500, 1000, 2000, 4000, 6000, 8000, 10_000, 12_000, 16_000],
  });
}
