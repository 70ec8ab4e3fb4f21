import { setTimeout as sleep } from "node:timers/promises";
import { seededRandom } from "../../../test/support/random.js";
import { connectProvider, type ProviderClient } from "../clients/providers.js";
import {
  type Contender,
  type ContenderName,
  contenderLabels,
  dropBenchSchema,
  schemaFor,
  startContender,
  storingContenders,
  withContender,
} from "../contenders/index.js";
import { connectBots } from "../load/connect.js";
import { runRateStep } from "../load/rate-step.js";
import { walBytes, withPostgres } from "../measure/postgres.js";
import type { ScenarioOutcome } from "../report/record.js";
import { replayed } from "../traces.js";
import type { ScenarioContext } from "./context.js";
import { botConfigs } from "./load-metrics.js";
import { seedHocuspocus, seedTandem } from "./seed.js";

interface WalResult {
  readonly edits: number;
  readonly updateBytes: number;
  /** WAL while typing, until every edit was acknowledged (and delivered). */
  readonly typing: number;
  /** WAL until everything settled: clients gone, the document unloaded (Tandem compacts then; Hocuspocus stores). */
  readonly settled: number;
  /** WAL the cluster wrote per second with nobody typing, just before. */
  readonly background: number;
}

/**
 * Polls the WAL position until it has not moved for 3 s (longer than
 * Hocuspocus' 2 s store debounce), or `maxMs` passed.
 */
async function walSettled(maxMs: number, quietMs = 3000): Promise<bigint> {
  const deadline = Date.now() + maxMs;
  let last = await withPostgres(walBytes);
  let quietSince = Date.now();
  for (;;) {
    await sleep(500);
    const now = await withPostgres(walBytes);
    if (now !== last) quietSince = Date.now();
    if (Date.now() - quietSince >= quietMs || Date.now() > deadline) return now;
    last = now;
  }
}

/**
 * WAL written for `edits` one-character edits typed by 10 clients into one
 * document (empty, or holding the automerge-paper document).
 */
async function measureWal(name: ContenderName, seeded: Uint8Array | undefined, smoke: boolean): Promise<WalResult> {
  const documentName = "bench/wal-0";
  const rate = 50;
  const seconds = smoke ? 1 : 10;
  return withContender(
    name,
    async (contender) => {
      if (seeded && name === "hocuspocus" && contender.schema)
        await seedHocuspocus(contender.schema, documentName, seeded);
      const bots = await connectBots(botConfigs(contender, 1, 10, "bench/wal"));
      try {
        // Loading (and Hocuspocus' first store after it) is not typing.
        await walSettled(smoke ? 500 : 12_000, smoke ? 200 : 3000);
        const idleStart = await withPostgres(walBytes);
        await sleep(smoke ? 200 : 2000);
        const start = await withPostgres(walBytes);
        const background = Number(start - idleStart) / (smoke ? 0.2 : 2);
        const step = await runRateStep(contender, bots, {
          rate,
          warmupMs: 0,
          measureMs: seconds * 1000,
          drainMs: 5000,
          sends: "keystroke",
        });
        const typed = await withPostgres(walBytes);
        const edits = bots.reduce((sum, bot) => sum + bot.sent, 0);
        const updateBytes = bots.reduce((sum, bot) => sum + bot.sentBytes, 0);
        for (const bot of bots) bot.close();
        // Hocuspocus stores 2 s after the last change (at most 10 s late); Tandem compacts when the document unloads.
        const settled = await walSettled(smoke ? 500 : 25_000, smoke ? 200 : 3000);
        if (step.delivery.missing > 0) throw new Error(`${name}: ${step.delivery.missing} deliveries missing`);
        return { edits, updateBytes, typing: Number(typed - start), settled: Number(settled - start), background };
      } finally {
        for (const bot of bots) bot.destroy();
      }
    },
    seeded && name === "tandem" ? (schema) => seedTandem(schema, documentName, seeded) : undefined,
  );
}

interface KillResult {
  readonly acknowledged: number;
  readonly lost: number;
  readonly typed: number;
}

/**
 * Three real providers type (10 edits/s each) until the server is killed
 * with SIGKILL at a random moment; then a restarted server must still have
 * every edit the providers had been told was synced.
 */
async function killTrial(name: ContenderName, killAfterMs: number): Promise<KillResult> {
  const schema = schemaFor(name);
  const documentName = "bench/kill";
  const servers: Contender[] = [];
  const clients: ProviderClient[] = [];
  const timers: NodeJS.Timeout[] = [];
  try {
    const first = await startContender(name, schema);
    servers.push(first);
    const writers = [0, 1, 2].map(() => connectProvider(first, documentName));
    clients.push(...writers);
    await Promise.all(writers.map((writer) => writer.synced));
    const typed = writers.map(() => [] as string[]);
    const acknowledged = writers.map(() => 0);
    writers.forEach((writer, w) => {
      writer.onAcknowledged(() => {
        acknowledged[w] = typed[w]?.length ?? 0;
      });
      timers.push(
        setInterval(() => {
          const token = `w${w}e${typed[w]?.length ?? 0};`;
          typed[w]?.push(token);
          writer.text.insert(writer.text.length, token);
        }, 100),
      );
    });
    await sleep(killAfterMs);
    await first.kill();
    for (const timer of timers) clearInterval(timer);
    // Before anything can reconnect and resend what the dead server never stored.
    for (const writer of writers) writer.destroy();

    const second = await startContender(name, schema);
    servers.push(second);
    const reader = connectProvider(second, documentName);
    clients.push(reader);
    await reader.synced;
    const text = reader.text.toString();
    let lost = 0;
    writers.forEach((_, w) => {
      for (const token of typed[w]?.slice(0, acknowledged[w]) ?? []) if (!text.includes(token)) lost++;
    });
    return {
      acknowledged: acknowledged.reduce((sum, n) => sum + n, 0),
      lost,
      typed: typed.reduce((sum, tokens) => sum + tokens.length, 0),
    };
  } finally {
    for (const timer of timers) clearInterval(timer);
    for (const client of clients) client.destroy();
    for (const server of servers) await server.stop();
    if (schema) await dropBenchSchema(schema);
  }
}

/**
 * 7. Durability: WAL bytes written per edit, and acknowledged edits lost when
 * the server is killed with SIGKILL mid-typing. Tandem and stock Hocuspocus
 * (y-websocket keeps nothing).
 */
export async function durability(context: ScenarioContext): Promise<ScenarioOutcome> {
  const seed = Number(process.env.BENCH_SEED ?? Date.now() % 1_000_000);
  // Seeded, so a run's kill times can be repeated from its seed.
  const next = seededRandom(seed);
  const trials = context.smoke ? 1 : 3;
  const paper = await replayed("automerge-paper", context.smoke ? 2000 : undefined);
  const values: ScenarioOutcome["values"] = {};
  for (const name of context.contenders?.filter((n) => storingContenders.includes(n)) ?? storingContenders) {
    const empty = await measureWal(name, undefined, context.smoke);
    const big = context.smoke ? undefined : await measureWal(name, paper.state, context.smoke);
    let acknowledged = 0;
    let lost = 0;
    let typed = 0;
    for (let trial = 0; trial < trials; trial++) {
      const result = await killTrial(name, context.smoke ? 500 : 1500 + Math.round(next() * 2500));
      acknowledged += result.acknowledged;
      lost += result.lost;
      typed += result.typed;
    }
    context.log(
      `${contenderLabels[name]}: ${(empty.settled / empty.edits).toFixed(0)} WAL bytes per edit; lost ${lost} of ${acknowledged} acknowledged edits`,
    );
    values[name] = {
      walPerEdit: empty.settled / empty.edits,
      walPerUpdateByte: empty.settled / empty.updateBytes,
      walPerEditTyping: empty.typing / empty.edits,
      walPerEditBig: big ? big.settled / big.edits : null,
      walPerUpdateByteBig: big ? big.settled / big.updateBytes : null,
      updateBytesPerEdit: empty.updateBytes / empty.edits,
      background: big ? (empty.background + big.background) / 2 : empty.background,
      acknowledged,
      lost,
      typed,
    };
  }
  return {
    setup: [
      `WAL: 10 raw clients type one character per update into one document, 50 updates/s in all for ${context.smoke ? 1 : 10} s; WAL bytes are pg_current_wal_lsn() differences from the first edit until everything settled (acknowledged, clients gone, the document unloaded: Tandem compacts then, Hocuspocus stores; its debounce stores 2 to 10 s after a change)`,
      `once into an empty document, once into one already holding the automerge-paper document (${Math.round(paper.state.length / 1024)} KB): stock Hocuspocus rewrites the whole document on every store, Tandem appends the edit`,
      `SIGKILL: ${trials} trial${trials === 1 ? "" : "s"} per server; three real @hocuspocus/provider clients type 10 edits/s each; the server is killed at a random moment 1.5 to 4 s in (seed ${seed}, BENCH_SEED repeats it); the providers are destroyed at once so nothing is resent; a restarted server on the same storage is read by a fresh provider`,
      "an edit counts as acknowledged when its provider reported no unsynced changes after sending it",
      "WAL is cluster-wide: anything else writing to the same Postgres at the time is counted too (the background rate is shown)",
    ],
    metrics: [
      { key: "walPerEdit", label: "WAL per edit (empty document)", unit: "bytes", better: "lower" },
      { key: "walPerUpdateByte", label: "WAL per byte of update (empty document)", unit: "bytes", better: "lower" },
      {
        key: "walPerEditTyping",
        label: "… of which while typing (until acknowledged)",
        unit: "bytes",
        better: "lower",
      },
      { key: "walPerEditBig", label: "WAL per edit (automerge-paper document)", unit: "bytes", better: "lower" },
      {
        key: "walPerUpdateByteBig",
        label: "WAL per byte of update (automerge-paper document)",
        unit: "bytes",
        better: "lower",
      },
      { key: "updateBytesPerEdit", label: "update size per edit", unit: "bytes" },
      { key: "background", label: "background WAL with nobody typing", unit: "bytes/s" },
      { key: "typed", label: "SIGKILL: edits typed", unit: "", digits: 0 },
      { key: "acknowledged", label: "SIGKILL: edits acknowledged before the kill", unit: "", digits: 0 },
      {
        key: "lost",
        label: "SIGKILL: acknowledged edits lost",
        unit: "",
        better: "lower",
        target: { value: 0, text: "0" },
        digits: 0,
      },
    ],
    values,
    notes: [],
  };
}
