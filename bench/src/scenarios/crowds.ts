import type { Metric, ScenarioOutcome } from "../report/record.js";
import type { ScenarioContext } from "./context.js";
import { loadMetrics, runOneDocument } from "./hot-document.js";
import { generatorNotes, stepValuesOf } from "./load-metrics.js";

/** Crowds join in waves this size, so the accept backlog of no contender overflows. */
const WAVE = 50;

/** Where the generator runs, for the setup lines: the same for every contender. */
const GENERATOR =
  "the generator runs one thread per core, each holding a share of the clients and of the schedule (one thread cannot read what a server sends a crowd); the server is pinned to core 0, the generator's main thread to core 1, and its sending threads may use both cores at a lower priority (nice 10), so they take from core 0 what the server leaves idle there: server CPU is the server's own, but latency includes sharing core 0 with the generator";

function windows(context: ScenarioContext) {
  return context.smoke
    ? { warmupMs: 500, measureMs: 1000, drainMs: 2000 }
    : { warmupMs: 5000, measureMs: 10_000, drainMs: 5000 };
}

/**
 * Presence at scale: 1,000 clients in one document, each moving its cursor
 * once a second and typing nothing: every cursor move goes to 999 others. One
 * more client only watches, and its view of everyone's presence gives the
 * presence latency.
 */
export async function presenceAtScale(context: ScenarioContext): Promise<ScenarioOutcome> {
  const clients = context.smoke ? 20 : 1000;
  const step = windows(context);
  const results = await runOneDocument(
    context,
    { clients, rate: clients, sends: "cursor", observer: true, step, wave: WAVE, threaded: true },
    (result) =>
      `server CPU ${(result.serverCpuShare * 100).toFixed(0)}% of a core, presence p99 ${result.presence?.p99.toFixed(1) ?? "n/a"} ms, ${result.disconnected} disconnected`,
  );
  const metrics: Metric[] = [
    {
      key: "cpuShare",
      label: "server CPU (share of its core)",
      unit: "",
      better: "lower",
      target: { value: 0.5, text: "≤ 0.5" },
    },
    { key: "cpuPerUpdate", label: "server CPU per cursor move", unit: "µs", better: "lower" },
    { key: "presenceP50", label: "presence latency p50 (one watcher)", unit: "ms", better: "lower" },
    { key: "presenceP99", label: "presence latency p99 (one watcher)", unit: "ms", better: "lower" },
    { key: "throughput", label: "cursor moves sent", unit: "per s", better: "higher" },
    { key: "rss", label: "server memory (RSS)", unit: "MB", better: "lower", digits: 1 },
    { key: "disconnected", label: "clients disconnected by the server", unit: "", better: "lower", digits: 0 },
    { key: "generatorCpu", label: "generator CPU (its busiest thread, share of a core)", unit: "" },
    { key: "generatorLag", label: "generator send lag p99 (behind its schedule)", unit: "ms" },
  ];
  return {
    setup: [
      `${clients.toLocaleString("en")} clients in one document, each publishing its presence (user and a relative-position cursor) once a second (${clients.toLocaleString("en")} cursor moves/s in all), nothing typed`,
      "one more client publishes nothing and reads every presence update: presence latency is from a client's publish to that watcher seeing it",
      `${step.warmupMs / 1000} s warm-up, ${step.measureMs / 1000} s measured, open-loop schedule; clients joined ${WAVE} at a time`,
      GENERATOR,
    ],
    metrics,
    values: stepValuesOf(results),
    notes: generatorNotes(results, "cursor moves"),
  };
}

/** Crowds: 500 people in one document, each typing one character a second. */
export async function crowd(context: ScenarioContext): Promise<ScenarioOutcome> {
  const clients = context.smoke ? 20 : 500;
  const step = windows(context);
  const results = await runOneDocument(
    context,
    { clients, rate: clients, sends: "keystroke", step, wave: WAVE, threaded: true },
    (result) =>
      `p99 ${result.delivery.p99.toFixed(1)} ms, server CPU ${(result.serverCpuShare * 100).toFixed(0)}% of a core, ${result.disconnected} disconnected`,
  );
  return {
    setup: [
      `${clients} clients in one document, each typing one character a second (${clients}/s in all): every keystroke goes to ${clients - 1} others`,
      "each client published its presence once when it joined; no cursor moves while typing",
      `${step.warmupMs / 1000} s warm-up, ${step.measureMs / 1000} s measured, open-loop schedule; clients joined ${WAVE} at a time`,
      GENERATOR,
    ],
    metrics: loadMetrics({ p99: { value: 50, text: "≤ 50" } }),
    values: stepValuesOf(results),
    notes: generatorNotes(results, "keystrokes"),
  };
}
