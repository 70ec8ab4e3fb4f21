import {
  allContenders,
  type Contender,
  type ContenderName,
  contenderLabels,
  withContender,
} from "../contenders/index.js";
import type { BotConfig } from "../load/bot.js";
import { connectBots } from "../load/connect.js";
import { GeneratorThreads } from "../load/generator-threads.js";
import { type RateStepOptions, type RateStepResult, runRateStep } from "../load/rate-step.js";
import type { Metric, ScenarioOutcome, Target } from "../report/record.js";
import type { ScenarioContext } from "./context.js";
import { botConfigs, stepValuesOf } from "./load-metrics.js";

/**
 * Metrics of a run at one rate: the table every load scenario shares, with
 * that scenario's targets (metric key → target).
 */
export function loadMetrics(targets: Readonly<Record<string, Target>> = {}): Metric[] {
  const metrics: Metric[] = [
    { key: "p50", label: "delivery latency p50", unit: "ms", better: "lower" },
    { key: "p95", label: "delivery latency p95", unit: "ms", better: "lower" },
    { key: "p99", label: "delivery latency p99", unit: "ms", better: "lower" },
    { key: "ackP99", label: "acknowledgment latency p99", unit: "ms", better: "lower" },
    { key: "throughput", label: "throughput (updates sent)", unit: "updates/s", better: "higher" },
    { key: "deliveries", label: "deliveries", unit: "messages/s", better: "higher" },
    { key: "missing", label: "deliveries missing after the drain", unit: "", better: "lower", digits: 0 },
    { key: "cpuPerUpdate", label: "server CPU per update", unit: "µs", better: "lower" },
    { key: "cpuShare", label: "server CPU (share of its core)", unit: "", better: "lower" },
    { key: "postgresCpuPerUpdate", label: "Postgres CPU per update (all backends)", unit: "µs", better: "lower" },
    { key: "rss", label: "server memory (RSS)", unit: "MB", better: "lower", digits: 1 },
    { key: "disconnected", label: "clients disconnected by the server", unit: "", better: "lower", digits: 0 },
    { key: "generatorCpu", label: "generator CPU (share of its core)", unit: "" },
    { key: "generatorLag", label: "generator send lag p99 (behind its schedule)", unit: "ms" },
  ];
  return metrics.map((metric) => {
    const target = targets[metric.key];
    return target === undefined ? metric : { ...metric, target };
  });
}

/** A fixed-rate load on one document: how many clients, how fast, sending what. */
export interface OneDocumentLoad {
  readonly clients: number;
  /** Sends per second, all clients together. */
  readonly rate: number;
  readonly sends: RateStepOptions["sends"];
  /** One more client that sends nothing and reads everyone's presence (for presence latency). */
  readonly observer?: boolean;
  readonly step: Pick<RateStepOptions, "warmupMs" | "measureMs" | "drainMs">;
  /** Clients connected at once (the default suits tens of clients; a crowd joins in smaller waves). */
  readonly wave?: number;
  /**
   * Generate the load from one thread per core ({@link GeneratorThreads}),
   * for loads whose deliveries one thread cannot read.
   */
  readonly threaded?: boolean;
}

/**
 * Runs `load` against every contender, each on a fresh server: the clients
 * join one document, publish their presence, and send on an open-loop
 * schedule. Returns each contender's step, with `describe` logging it.
 */
export async function runOneDocument(
  context: ScenarioContext,
  load: OneDocumentLoad,
  describe: (result: RateStepResult) => string,
): Promise<Partial<Record<ContenderName, RateStepResult>>> {
  const results: Partial<Record<ContenderName, RateStepResult>> = {};
  for (const name of context.contenders ?? allContenders) {
    results[name] = await withContender(name, async (contender) => {
      const configs = botConfigs(contender, 1, load.clients + (load.observer ? 1 : 0));
      const step = { rate: load.rate, sends: load.sends, ...load.step };
      const result = load.threaded
        ? await threadedStep(contender, configs, load, step)
        : await singleThreadStep(contender, configs, load, step);
      context.log(`${contenderLabels[name]}: ${describe(result)}`);
      return result;
    });
  }
  return results;
}

async function singleThreadStep(
  contender: Contender,
  configs: readonly BotConfig[],
  load: OneDocumentLoad,
  step: RateStepOptions,
): Promise<RateStepResult> {
  const bots = await connectBots(configs, load.wave);
  try {
    const senders = load.observer ? bots.slice(0, -1) : bots;
    const observer = load.observer ? bots.at(-1) : undefined;
    if (observer) observer.observesPresence = true;
    for (const bot of senders) bot.sendAwareness();
    return await runRateStep(contender, senders, step, bots);
  } finally {
    for (const bot of bots) bot.destroy();
  }
}

async function threadedStep(
  contender: Contender,
  configs: readonly BotConfig[],
  load: OneDocumentLoad,
  step: RateStepOptions,
): Promise<RateStepResult> {
  const generator = await GeneratorThreads.connect(configs, load.observer ?? false, load.wave ?? 100);
  try {
    await generator.publishPresence();
    return await generator.runStep(contender, step);
  } finally {
    await generator.destroy();
  }
}

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
  const results = await runOneDocument(
    context,
    { clients, rate: clients * perClient, sends: "keystroke+cursor", step },
    (result) =>
      `p99 ${result.delivery.p99.toFixed(2)} ms, acknowledgment p99 ${result.ack?.p99.toFixed(2) ?? "n/a"} ms`,
  );
  return {
    setup: [
      `${clients} clients in one document, ${perClient} updates/s each (${clients * perClient}/s in all), one character per update`,
      "cursors on: every keystroke also sends a presence update (user and a relative-position cursor)",
      `${step.warmupMs / 1000} s warm-up, ${step.measureMs / 1000} s measured, open-loop schedule`,
      "Tandem's acknowledgments are durable (committed to Postgres); acknowledgment latency is from the send to the server's sync status",
    ],
    metrics: loadMetrics({
      p99: { value: 1.2, text: "≤ 1.2 × Hocuspocus", relativeTo: "hocuspocus" },
      ackP99: { value: 5, text: "≤ 5" },
      cpuPerUpdate: { value: 1.2, text: "≤ 1.2 × Hocuspocus", relativeTo: "hocuspocus" },
    }),
    values: stepValuesOf(results),
    notes: [],
  };
}
