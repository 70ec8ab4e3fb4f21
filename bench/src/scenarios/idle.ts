import { setTimeout as sleep } from "node:timers/promises";
import { contenderLabels, withContender } from "../contenders/index.js";
import type { Bot } from "../load/bot.js";
import { connectBots } from "../load/connect.js";
import { cpuMicros, memory } from "../measure/process.js";
import type { ScenarioOutcome } from "../report/record.js";
import type { ScenarioContext } from "./context.js";
import { botConfigs } from "./load-metrics.js";
import { inRounds } from "./rounds.js";

const KB = 1024;
const MB = 1024 * 1024;
/** y-protocols renews a client's presence every 15 s; an idle editor sends nothing else. */
const PRESENCE_RENEWAL_MS = 15_000;

/**
 * 4. Idle: 10,000 connected clients over 1,000 documents, each with its
 * presence published and renewed every 15 s, nothing typed. Memory per
 * connection = (RSS with every client connected − RSS of the fresh server) ÷
 * clients, so each connection carries its share of the documents too.
 */
export async function idle(context: ScenarioContext): Promise<ScenarioOutcome> {
  const documents = context.smoke ? 20 : 1000;
  const perDocument = 10;
  const clients = documents * perDocument;
  const settleMs = context.smoke ? 300 : 5000;
  const windowMs = context.smoke ? 500 : 10_000;
  const rounds = await inRounds(
    context,
    {
      worst: { disconnected: "max" },
      listed: { key: "perConnection", label: "memory per connection", format: (kb) => `${kb.toFixed(1)} KB` },
    },
    (name) =>
      withContender(name, async (contender) => {
        await sleep(settleMs);
        const before = memory(contender.pid).rss;
        const started = performance.now();
        let bots: Bot[] = [];
        let renewal: NodeJS.Timeout | undefined;
        try {
          bots = await connectBots(botConfigs(contender, documents, perDocument, "bench/idle"), 200);
          const joinSeconds = (performance.now() - started) / 1000;
          for (const bot of bots) bot.sendAwareness();
          let next = 0;
          // Renewals spread over the period, as independent clients' timers would be.
          renewal = setInterval(() => {
            for (let i = 0; i < Math.ceil(bots.length / (PRESENCE_RENEWAL_MS / 100)); i++) {
              bots[next++ % bots.length]?.sendAwareness();
            }
          }, 100);
          await sleep(settleMs);
          const cpuBefore = cpuMicros(contender.pid);
          await sleep(windowMs);
          const cpu = cpuMicros(contender.pid) - cpuBefore;
          const { rss, peak } = memory(contender.pid);
          const disconnected = bots.filter((bot) => bot.closeCode !== undefined).length;
          context.log(
            `${contenderLabels[name]}: ${((rss - before) / clients / KB).toFixed(1)} KB per connection, ${disconnected} disconnected`,
          );
          return {
            perConnection: (rss - before) / clients / KB,
            rssBefore: before / MB,
            rss: rss / MB,
            peak: peak / MB,
            idleCpu: cpu / 1e6 / (windowMs / 1000),
            joinSeconds,
            disconnected,
          };
        } finally {
          clearInterval(renewal);
          for (const bot of bots) bot.destroy();
        }
      }),
  );
  return {
    setup: [
      `${clients.toLocaleString("en")} clients over ${documents.toLocaleString("en")} documents (${perDocument} each), one socket per client, joined 200 at a time`,
      `each publishes its presence once and renews it every ${PRESENCE_RENEWAL_MS / 1000} s (as y-protocols does); nothing is typed`,
      `CPU over the ${windowMs / 1000} s from ${settleMs / 1000} s after the last client synced, memory at their end`,
      rounds.setup,
    ],
    metrics: [
      {
        key: "perConnection",
        label: "memory per connection (RSS growth ÷ clients)",
        unit: "KB",
        better: "lower",
        target: { value: 0.5, text: "≤ 0.5 × Hocuspocus", relativeTo: "hocuspocus" },
        digits: 1,
      },
      { key: "rssBefore", label: "RSS of the fresh server", unit: "MB", digits: 1 },
      { key: "rss", label: "RSS with every client connected", unit: "MB", better: "lower", digits: 1 },
      { key: "peak", label: "peak RSS", unit: "MB", better: "lower", digits: 1 },
      { key: "idleCpu", label: "server CPU while idle (share of its core)", unit: "", better: "lower", digits: 3 },
      { key: "joinSeconds", label: "time for every client to join and sync", unit: "s", better: "lower" },
      { key: "disconnected", label: "clients disconnected by the server", unit: "", better: "lower", digits: 0 },
    ],
    values: rounds.values,
    notes: rounds.notes,
  };
}
