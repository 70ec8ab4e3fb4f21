import { patcherFor } from "../../../test/support/editing-traces.js";
import { acknowledged, caughtUp, connectProvider, type ProviderClient, whenDoc } from "../clients/providers.js";
import { allContenders, contenderLabels, withContender } from "../contenders/index.js";
import { withDeadline } from "../load/connect.js";
import { cpuMicros, ownCpuMicros } from "../measure/process.js";
import type { ScenarioOutcome } from "../report/record.js";
import { replayed, trace } from "../traces.js";
import type { ScenarioContext } from "./context.js";

const TRACE = "seph-blog1";
const DOCUMENT = "bench/blog";

/**
 * 8. Trace replay: seph-blog1 typed by three real providers taking turns,
 * each transaction its own update as an editor sends it; a client types its
 * turn only once it has everything the others typed. End-to-end time until
 * all three hold the final text (and, where the server acknowledges, every
 * edit is acknowledged).
 */
export async function traceReplay(context: ScenarioContext): Promise<ScenarioOutcome> {
  const loaded = await trace(TRACE);
  const limit = context.smoke ? 600 : loaded.txns.length;
  const txns = loaded.txns.slice(0, limit);
  const expected = context.smoke ? (await replayed(TRACE, limit)).text : loaded.endContent;
  const turn = context.smoke ? 100 : 1000;
  const apply = patcherFor(loaded);
  const values: ScenarioOutcome["values"] = {};
  for (const name of context.contenders ?? allContenders) {
    values[name] = await withContender(name, async (contender) => {
      const clients = [0, 1, 2].map(() => connectProvider(contender, DOCUMENT));
      try {
        const deadline = Date.now() + (context.smoke ? 60_000 : 900_000);
        await withDeadline(Promise.all(clients.map((client) => client.synced)), deadline, "three providers to sync");
        const cpuBefore = cpuMicros(contender.pid);
        const ownBefore = ownCpuMicros();
        const started = performance.now();
        for (let start = 0, round = 0; start < txns.length; start += turn, round++) {
          const typist = clients[round % 3] as ProviderClient;
          for (const txn of txns.slice(start, start + turn)) {
            typist.doc.transact(() => {
              for (const patch of txn.patches) apply(typist.text, patch);
            });
          }
          // Typing on before the turn (deletions too) arrived would replay the trace onto the wrong text.
          await caughtUp(clients[(round + 1) % 3] as ProviderClient, typist, deadline, "the next typist to catch up");
        }
        await Promise.all(
          clients.map((client) =>
            whenDoc(
              client.doc,
              () => client.text.length === expected.length && client.text.toString() === expected,
              Math.max(0, deadline - Date.now()),
              "the final text",
            ),
          ),
        );
        await Promise.all(clients.map((client) => acknowledged(client, deadline)));
        const seconds = (performance.now() - started) / 1000;
        const cpu = cpuMicros(contender.pid) - cpuBefore;
        const own = ownCpuMicros() - ownBefore;
        const matches = clients.every((client) => client.text.toString() === expected);
        context.log(`${contenderLabels[name]}: ${seconds.toFixed(1)} s, final text ${matches ? "matches" : "DIFFERS"}`);
        return {
          seconds,
          editsPerSecond: txns.length / seconds,
          cpuPerEdit: cpu / txns.length,
          cpuShare: cpu / 1e6 / seconds,
          generatorCpu: own / 1e6 / seconds,
          matches: matches ? 1 : 0,
        };
      } finally {
        for (const client of clients) client.destroy();
      }
    });
  }
  return {
    setup: [
      `${TRACE}: ${txns.length.toLocaleString("en")} transactions (${context.smoke ? "a prefix" : "the whole trace"}), typed by three real providers (@hocuspocus/provider; y-websocket's WebsocketProvider for the reference server) in turns of ${turn} transactions, each transaction one update as an editor sends it, as fast as the client can apply them`,
      "before a client types its turn it waits until it has every earlier edit; the clock stops when all three hold the final text and every edit is acknowledged (Tandem: durable)",
      "all three clients run in the load generator: applying and re-encoding the trace on the client side is part of the time for every contender",
    ],
    metrics: [
      { key: "seconds", label: "end-to-end time", unit: "s", better: "lower" },
      { key: "editsPerSecond", label: "transactions per second", unit: "", better: "higher" },
      { key: "cpuPerEdit", label: "server CPU per transaction", unit: "µs", better: "lower" },
      { key: "cpuShare", label: "server CPU (share of its core)", unit: "" },
      { key: "generatorCpu", label: "generator CPU (share of its core)", unit: "" },
      { key: "matches", label: "every client's text equals endContent (1 = yes)", unit: "", digits: 0 },
    ],
    values,
    notes: [],
  };
}
