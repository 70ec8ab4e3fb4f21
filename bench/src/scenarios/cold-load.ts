import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { createPostgresStore } from "@tandem/persistence";
import { databaseUrl } from "../../../test/support/postgres.js";
import { dropBenchSchema, freshBenchSchema } from "../contenders/index.js";
import { withPostgres } from "../measure/postgres.js";
import type { ScenarioOutcome } from "../report/record.js";
import { replayed } from "../traces.js";
import type { ScenarioContext } from "./context.js";
import { seedTandem } from "./seed.js";

const run = promisify(execFile);
const MB = 1024 * 1024;
const child = new URL("./cold-load-child.ts", import.meta.url).pathname;

interface LoadMeasurement {
  readonly ms: number;
  readonly peakRss: number;
  readonly peakHeap: number;
  readonly heapRetained: number;
  readonly textHash: string;
}

/** How long one load may take before it counts as not finishing (a load that runs away must not stall the run). */
const LOAD_TIMEOUT_MS = 60_000;

/** Loads one document `times` times, each in a fresh process pinned to core 0, and keeps the median time. */
async function measureLoad(
  store: "tandem" | "hocuspocus",
  schema: string,
  document: string,
  times: number,
): Promise<LoadMeasurement> {
  const runs: LoadMeasurement[] = [];
  for (let i = 0; i < times; i++) {
    let stdout: string;
    try {
      ({ stdout } = await run(
        "taskset",
        [
          "-c",
          "0",
          process.execPath,
          "--expose-gc",
          "--import",
          "tsx",
          child,
          JSON.stringify({ store, databaseUrl, schema, document }),
        ],
        { cwd: import.meta.dirname, maxBuffer: 1024 * 1024, timeout: LOAD_TIMEOUT_MS },
      ));
    } catch (error) {
      if ((error as { killed?: boolean }).killed) return timedOut;
      throw error;
    }
    runs.push(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as LoadMeasurement);
  }
  runs.sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(runs.length / 2)] as LoadMeasurement;
}

/**
 * An update log that was never compacted, one row per edit: written straight
 * into Tandem's log table, because the store's group commit would merge
 * appends that arrive together into fewer rows.
 */
async function seedLog(schema: string, document: string, updates: readonly Uint8Array[]): Promise<void> {
  const store = await createPostgresStore({ connectionString: databaseUrl, schema, compactAfterRows: 0 });
  try {
    await store.append(document, updates[0] as Uint8Array);
  } finally {
    await store.close();
  }
  await withPostgres(async (client) => {
    for (let i = 1; i < updates.length; i += 10_000) {
      await client.query("INSERT INTO tandem_updates (document_name, data) SELECT $1, unnest($2::bytea[])", [
        document,
        updates.slice(i, i + 10_000).map((update) => Buffer.from(update)),
      ]);
    }
  }, schema);
}

/** What a load that did not finish within {@link LOAD_TIMEOUT_MS} reports: infinitely slow, nothing measured. */
const timedOut: LoadMeasurement = {
  ms: Number.POSITIVE_INFINITY,
  peakRss: Number.NaN,
  peakHeap: Number.NaN,
  heapRetained: Number.NaN,
  textHash: "",
};

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * 6. Cold load: the automerge-paper document loaded into a fresh Y.Doc in a
 * fresh process, from Tandem's compacted snapshot, from an uncompacted log of
 * 100,000 rows (its first 100,000 edits) and of all 259,778 rows; and from
 * stock Hocuspocus' single blob through its database extension.
 */
export async function coldLoad(context: ScenarioContext): Promise<ScenarioOutcome> {
  const limit = context.smoke ? 2000 : undefined;
  const logRows = context.smoke ? 1000 : 100_000;
  const times = context.smoke ? 1 : 3;
  const paper = await replayed("automerge-paper", limit);
  const prefix = await replayed("automerge-paper", logRows);
  const contenders = context.contenders ?? ["tandem", "hocuspocus"];
  const values: ScenarioOutcome["values"] = {};
  const checks: string[] = [];
  const notes: string[] = [];
  const record = (key: string, measurement: LoadMeasurement, expected: string, into: Record<string, number | null>) => {
    into[`${key}Ms`] = measurement.ms;
    into[`${key}PeakRss`] = measurement.peakRss / MB;
    into[`${key}PeakHeap`] = measurement.peakHeap / MB;
    into[`${key}Heap`] = measurement.heapRetained / MB;
    if (measurement.ms === Number.POSITIVE_INFINITY) {
      notes.push(`${key}: a load did not finish within ${LOAD_TIMEOUT_MS / 1000} s and was stopped.`);
    } else if (measurement.textHash !== sha256(expected)) {
      checks.push(`${key}: the loaded text differs from the trace's`);
    }
  };

  if (contenders.includes("tandem")) {
    const schema = freshBenchSchema("cold");
    try {
      await seedTandem(schema, "paper", paper.state);
      await seedLog(schema, "paper-log-prefix", prefix.updates);
      await seedLog(schema, "paper-log-all", paper.updates);
      const tandem: Record<string, number | null> = {};
      record("compacted", await measureLoad("tandem", schema, "paper", times), paper.text, tandem);
      record("logPrefix", await measureLoad("tandem", schema, "paper-log-prefix", times), prefix.text, tandem);
      record("logAll", await measureLoad("tandem", schema, "paper-log-all", times), paper.text, tandem);
      values.tandem = tandem;
      context.log(
        `Tandem: ${tandem.compactedMs?.toFixed(1)} ms compacted, ${tandem.logPrefixMs?.toFixed(0)} ms from ${logRows} rows`,
      );
    } finally {
      await dropBenchSchema(schema);
    }
  }
  if (contenders.includes("hocuspocus")) {
    const schema = freshBenchSchema("cold");
    try {
      await withPostgres(async (client) => {
        await client.query(`CREATE SCHEMA ${schema}`);
        await client.query(`CREATE TABLE ${schema}.hocuspocus_documents (name text PRIMARY KEY, data bytea NOT NULL)`);
        await client.query(`INSERT INTO ${schema}.hocuspocus_documents (name, data) VALUES ('paper', $1)`, [
          Buffer.from(paper.state),
        ]);
      });
      const hocuspocus: Record<string, number | null> = { logPrefixMs: null, logAllMs: null };
      record("compacted", await measureLoad("hocuspocus", schema, "paper", times), paper.text, hocuspocus);
      values.hocuspocus = hocuspocus;
      context.log(`Hocuspocus: ${hocuspocus.compactedMs?.toFixed(1)} ms from its blob`);
    } finally {
      await dropBenchSchema(schema);
    }
  }
  if (checks.length > 0) throw new Error(`cold load read the wrong document: ${checks.join("; ")}`);
  const edits = paper.updates.length.toLocaleString("en");
  return {
    setup: [
      `the automerge-paper document (${edits} edits, ${paper.text.length.toLocaleString("en")} characters) loaded into a fresh Y.Doc, each load in a fresh Node process pinned to core 0 with its database connection already open; median of ${times}`,
      "Tandem through @tandem/persistence's `load` (snapshot plus every log row, in one statement and one Yjs transaction): from the compacted snapshot (Yjs V2), " +
        `from a log of ${logRows.toLocaleString("en")} rows (one per edit: the first ${logRows.toLocaleString("en")} edits), and from a log of all ${edits} rows`,
      "stock Hocuspocus through @hocuspocus/extension-database's `onLoadDocument` with the stock server's fetch: it keeps one blob per document (the whole state, rewritten on every store), so it has no uncompacted form; y-websocket keeps documents in memory only",
      "peak heap growth is how far V8's heap grew during the load (total heap size after it, before any GC, minus before); peak resident memory growth is VmHWM (reset before the load) minus RSS before; heap retained is measured after a full GC, with the document still loaded",
    ],
    metrics: [
      {
        key: "compactedMs",
        label: "from compacted storage (Hocuspocus: its blob)",
        unit: "ms",
        better: "lower",
      },
      { key: "compactedPeakHeap", label: "… peak heap growth", unit: "MB", better: "lower", digits: 1 },
      { key: "compactedPeakRss", label: "… peak resident memory growth", unit: "MB", better: "lower", digits: 1 },
      { key: "compactedHeap", label: "… heap retained", unit: "MB", better: "lower", digits: 1 },
      {
        key: "logPrefixMs",
        label: `from a ${logRows.toLocaleString("en")}-row log`,
        unit: "ms",
        better: "lower",
      },
      { key: "logPrefixPeakHeap", label: "… peak heap growth", unit: "MB", better: "lower", digits: 1 },
      { key: "logPrefixPeakRss", label: "… peak resident memory growth", unit: "MB", better: "lower", digits: 1 },
      { key: "logPrefixHeap", label: "… heap retained", unit: "MB", better: "lower", digits: 1 },
      { key: "logAllMs", label: `from a ${edits}-row log`, unit: "ms", better: "lower" },
      { key: "logAllPeakHeap", label: "… peak heap growth", unit: "MB", better: "lower", digits: 1 },
      { key: "logAllPeakRss", label: "… peak resident memory growth", unit: "MB", better: "lower", digits: 1 },
      { key: "logAllHeap", label: "… heap retained", unit: "MB", better: "lower", digits: 1 },
    ],
    values,
    notes,
  };
}
