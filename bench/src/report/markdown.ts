import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { allContenders, type ContenderName, contenderLabels } from "../contenders/index.js";
import { TRACES_CREDIT } from "../traces.js";
import type { Metric, ScenarioRecord } from "./record.js";
import { linePlot } from "./svg.js";

const root = join(import.meta.dirname, "..", "..", "..");
/** Where results are saved, one JSON file per scenario. */
const resultsDir = join(root, "bench", "results");
const docsDir = join(root, "docs");
const plotsDir = join(docsDir, "benchmarks");
const analysisFile = join(import.meta.dirname, "analysis.md");

const colors: Record<ContenderName, string> = { tandem: "#1f6feb", hocuspocus: "#d97706", "y-websocket": "#6b7280" };

/** Saves one scenario's record as bench/results/<scenario>.json. */
export async function saveRecord(record: ScenarioRecord): Promise<void> {
  await mkdir(resultsDir, { recursive: true });
  await writeFile(join(resultsDir, `${record.scenario}.json`), `${JSON.stringify(record, roundNumbers, 1)}\n`);
}

// Results stay small and diffable: four significant digits are more than a
// benchmark resolves. JSON has no infinity (a percentile among lost
// deliveries, a load that never finished), so it is written as a string.
function roundNumbers(_key: string, value: unknown): unknown {
  if (value === Number.POSITIVE_INFINITY) return "Infinity";
  return typeof value === "number" && Number.isFinite(value) && !Number.isInteger(value)
    ? Number(value.toPrecision(4))
    : value;
}

function reviveInfinity(_key: string, value: unknown): unknown {
  return value === "Infinity" ? Number.POSITIVE_INFINITY : value;
}

async function readRecords(order: readonly string[]): Promise<ScenarioRecord[]> {
  const records: ScenarioRecord[] = [];
  for (const scenario of order) {
    try {
      records.push(
        JSON.parse(await readFile(join(resultsDir, `${scenario}.json`), "utf8"), reviveInfinity) as ScenarioRecord,
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  return records;
}

function format(value: number | null | undefined, metric: Metric): string {
  if (value === null || value === undefined) return "n/a";
  if (value === Number.POSITIVE_INFINITY) return "∞";
  if (Number.isNaN(value)) return "–";
  const digits = metric.digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const isNumber = (value: number | null | undefined): value is number =>
  typeof value === "number" && !Number.isNaN(value);

/** The other contender's number a relative target multiplies: stock Hocuspocus', or the best of the others'. */
function reference(record: ScenarioRecord, metric: Metric): number | undefined {
  const relativeTo = metric.target?.relativeTo;
  if (relativeTo === undefined) return undefined;
  if (relativeTo === "hocuspocus") {
    const value = record.values.hocuspocus?.[metric.key];
    return isNumber(value) ? value : undefined;
  }
  const others = allContenders
    .filter((name) => name !== "tandem")
    .map((name) => record.values[name]?.[metric.key])
    .filter(isNumber);
  if (others.length === 0) return undefined;
  return metric.better === "higher" ? Math.max(...others) : Math.min(...others);
}

/** The bound Tandem's number must keep in this run: the target's value, or that multiple of the reference. */
function bound(record: ScenarioRecord, metric: Metric): number | undefined {
  const target = metric.target;
  if (target === undefined) return undefined;
  if (target.relativeTo === undefined) return target.value;
  const other = reference(record, metric);
  return other === undefined ? undefined : target.value * other;
}

function meets(record: ScenarioRecord, metric: Metric): boolean | undefined {
  const value = record.values.tandem?.[metric.key];
  const limit = bound(record, metric);
  if (limit === undefined || !isNumber(value)) return undefined;
  return metric.better === "higher" ? value >= limit : value <= limit;
}

function ratio(tandem: number | null | undefined, other: number | null | undefined): string {
  if (tandem === null || tandem === undefined || other === null || other === undefined) return "";
  if (!Number.isFinite(tandem) || !Number.isFinite(other) || other === 0) return "";
  return `${(tandem / other).toFixed(2)}×`;
}

const arrow = (metric: Metric) => (metric.better === "lower" ? " ↓" : metric.better === "higher" ? " ↑" : "");

function contendersOf(record: ScenarioRecord): ContenderName[] {
  return allContenders.filter((name) => record.values[name] !== undefined);
}

function scenarioTable(record: ScenarioRecord): string {
  const names = contendersOf(record);
  const others = names.filter((name) => name !== "tandem");
  const hasTandem = names.includes("tandem");
  const header = [
    "metric",
    ...names.map((name) => contenderLabels[name]),
    ...(hasTandem ? others.map((name) => `Tandem ÷ ${contenderLabels[name]}`) : []),
    "target (Tandem)",
  ];
  const rows = record.metrics.map((metric) => {
    const value = (name: ContenderName) => record.values[name]?.[metric.key];
    const verdict = meets(record, metric);
    return [
      `${metric.label}${metric.unit ? ` (${metric.unit})` : ""}${arrow(metric)}`,
      ...names.map((name) => format(value(name), metric)),
      ...(hasTandem ? others.map((name) => ratio(value("tandem"), value(name))) : []),
      metric.target ? `${metric.target.text}${verdict === undefined ? "" : verdict ? " ✅" : " ❌"}` : "",
    ];
  });
  return [header, header.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

function summaryTable(records: readonly ScenarioRecord[]): string {
  const rows: string[][] = [];
  for (const record of records) {
    for (const metric of record.metrics) {
      if (!metric.target) continue;
      const value = (name: ContenderName) => record.values[name]?.[metric.key];
      const verdict = meets(record, metric);
      const unit = metric.unit ? ` ${metric.unit}` : "";
      rows.push([
        `${record.title.split(":")[0]}: ${metric.label}`,
        `${metric.target.text}${metric.target.relativeTo === undefined ? unit : ""}`,
        metric.target.relativeTo === undefined ? "" : `${format(bound(record, metric), metric)}${unit}`,
        format(value("tandem"), metric),
        verdict === undefined ? "–" : verdict ? "✅ met" : "❌ missed",
        format(value("hocuspocus"), metric),
        format(value("y-websocket"), metric),
      ]);
    }
  }
  const header = ["scenario: metric", "target", "bound in this run", "Tandem", "", "Hocuspocus", "y-websocket"];
  return [header, header.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

async function plot(record: ScenarioRecord): Promise<string | undefined> {
  if (!record.series) return undefined;
  const lines = contendersOf(record)
    .filter((name) => (record.series?.[name]?.length ?? 0) > 0)
    .map((name) => ({
      label: contenderLabels[name],
      color: colors[name],
      points: (record.series?.[name] ?? []).map((point) => ({ x: point.rate, y: point.p99, hollow: !point.sustained })),
    }));
  const svg = linePlot(lines, {
    title: `${record.title.split(":")[0]}: p99 delivery latency against offered rate`,
    xLabel: "offered rate (updates/s, all clients together)",
    yLabel: "p99 delivery latency (ms, log scale)",
    threshold: { y: 10, label: "10 ms" },
  });
  await mkdir(plotsDir, { recursive: true });
  await writeFile(join(plotsDir, `${record.scenario}.svg`), svg);
  return `![${record.title}: p99 latency against rate](benchmarks/${record.scenario}.svg)`;
}

async function analysis(): Promise<string> {
  try {
    return (await readFile(analysisFile, "utf8")).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw error;
  }
}

/**
 * Rewrites docs/benchmarks.md (and its plots under docs/benchmarks/) from the
 * saved results of every scenario in `order`, so a run of one scenario
 * refreshes its section and keeps the others.
 */
export async function writeReport(order: readonly string[]): Promise<void> {
  const records = await readRecords(order);
  if (records.length === 0) return;
  const machine = records.at(-1)?.machine;
  const sections: string[] = [];
  for (const record of records) {
    const picture = await plot(record);
    sections.push(
      [
        `## ${record.title}`,
        record.setup.map((line) => `- ${line}`).join("\n"),
        scenarioTable(record),
        ...(picture ? [picture] : []),
        ...record.notes,
      ].join("\n\n"),
    );
  }
  const runs = records
    .map(
      (record) =>
        `| ${record.title.split(":")[0]} | ${record.date.slice(0, 16).replace("T", " ")} UTC | ${Math.round(record.seconds)} s | ${record.machine.loadBefore.toFixed(2)} → ${record.machine.loadAfter.toFixed(2)} |`,
    )
    .join("\n");
  const doc = `# Benchmarks

<!-- Generated by \`pnpm bench\` from bench/results/*.json and bench/src/report/analysis.md; edit those, not this file. -->

Tandem's server (acknowledgments durable on Postgres) against stock Hocuspocus v4 with @hocuspocus/extension-database
storing to the same Postgres (its default 2 s debounce), and the y-websocket reference server (in memory), in the same
run on the same machine. Tandem runs as \`tandem-server\` ships, which starts itself with V8's young generation capped
(\`--max-semi-space-size=16\`), one V8 helper thread fewer than the CPUs it may use (\`--v8-pool-size=1\` here,
pinned to one core), that helper 10 nicer than the event loop once the server listens, no allocation-site pretenuring
(\`--no-allocation-site-pretenuring\`), no full garbage collection below 256 MB of old generation
(\`--initial-old-space-size=256\`; see operations.md) and V8's collector exposed (\`--expose-gc\`: a large
document's load collects the young generation between its slices), and which runs Yjs' load and encoding on a small
document of its own before it listens (\`WARM_UP\`, on by default); the others with Node's defaults (four helper threads). Each
server runs as a child process pinned to core 0 (\`taskset -c 0\`); the load generator runs on core 1, except in the
presence and crowd scenarios, whose generator needs more than a core (see there). Postgres is shared and
not pinned; its CPU is reported separately.

- **Command:** \`pnpm bench\` (every scenario) or \`pnpm bench <scenario>…\`; \`pnpm bench --smoke\` runs all of them at
  tiny scale. Raw results: \`bench/results/<scenario>.json\`.
- **Machine:** ${machine ? `${machine.cores} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, Postgres ${machine.postgres} on localhost` : "unknown"}.
- **Delivery latency** is the time from one client sending an update to another client receiving it, on one clock
  (both clients live in the generator). Percentiles are exact (sorted samples); deliveries that never arrived count as
  infinitely late (shown as ∞, as is a load that did not finish). Loads are open-loop: sends follow a fixed schedule
  whatever the server does.
- **Server CPU per update** is the server process' user + system time (every thread, from \`/proc/<pid>/stat\`) over the
  measured window, divided by the updates sent in it. Memory is its resident set (\`VmRSS\`).
- **Generator CPU** is the load generator's own share of its core: near 1.0 means the generator, not the server, was the
  limit. The generator runs with 4 MB semi-spaces (\`--max-semi-space-size=4\`, set by \`pnpm bench\` itself): at V8's
  default its own collections paused it for 35–50 ms at 2,000 updates/s in many rooms, which set every contender's p99.
- Ratios are Tandem's value divided by the other's; ↓ marks metrics where lower is better, ↑ higher.
- **Rounds:** the short scenarios (idle, join storm, bulk writer), where one run moves by up to a third on a 2-core VM,
  run three rounds, each contender on a fresh server every round and in reversed order every other round; they report
  each metric's median round (for disconnects and matching text, the worst round), and list every round in their notes.
- **Targets** are the performance issue's. Most are ratios to another contender in the same run ("≤ 1.2 × Hocuspocus":
  at most 1.2 times stock Hocuspocus' number; "best" is the best of the other contenders); the bound column gives that
  bound in this run's numbers.

| scenario | measured | took | 1-min load before → after |
| --- | --- | --- | --- |
${runs}

## Targets

${summaryTable(records)}

${await analysis()}

${sections.join("\n\n")}

## Credits

${TRACES_CREDIT}
`;
  await writeFile(join(docsDir, "benchmarks.md"), doc);
}
