import { patcherFor } from "../../../test/support/editing-traces.js";
import { acknowledged, caughtUp, connectProvider } from "../clients/providers.js";
import { contenderLabels, withContender } from "../contenders/index.js";
import { withDeadline } from "../load/connect.js";
import { cpuMicros } from "../measure/process.js";
import type { ScenarioOutcome } from "../report/record.js";
import { replayed, trace } from "../traces.js";
import type { ScenarioContext } from "./context.js";
import { inRounds } from "./rounds.js";

const TRACE = "rustcode";
const DOCUMENT = "bench/bulk";
const BURST = 400;

/**
 * Tandem with its default per-connection budget: the benchmark lifts it
 * elsewhere, but whether a client that writes fast is slowed rather than
 * disconnected is what this scenario asks.
 */
const DEFAULT_LIMITS = { MAX_BYTES_PER_SECOND: "" };

/**
 * Bulk writer: one real provider replays rustcode in bursts of 400
 * transactions (each its own update, sent as fast as the client makes them,
 * as a paste or a script would), waiting after each burst until a second
 * provider has it and (where the server acknowledges) every edit is
 * acknowledged. End-to-end time, and how often the server disconnected it.
 */
export async function bulkWriter(context: ScenarioContext): Promise<ScenarioOutcome> {
  const loaded = await trace(TRACE);
  const limit = context.smoke ? 3 * BURST : loaded.txns.length;
  const txns = loaded.txns.slice(0, limit);
  const expected = context.smoke ? (await replayed(TRACE, limit)).text : loaded.endContent;
  const apply = patcherFor(loaded);
  const rounds = await inRounds(
    context,
    {
      worst: { disconnects: "max", matches: "min" },
      listed: { key: "seconds", label: "end-to-end time", format: (seconds) => `${seconds.toFixed(2)} s` },
    },
    (name) =>
      withContender(
        name,
        async (contender) => {
          const writer = connectProvider(contender, DOCUMENT);
          const reader = connectProvider(contender, DOCUMENT);
          try {
            const deadline = Date.now() + (context.smoke ? 60_000 : 900_000);
            await withDeadline(Promise.all([writer.synced, reader.synced]), deadline, "two providers to sync");
            const cpuBefore = cpuMicros(contender.pid);
            const started = performance.now();
            for (let start = 0; start < txns.length; start += BURST) {
              for (const txn of txns.slice(start, start + BURST)) {
                writer.doc.transact(() => {
                  for (const patch of txn.patches) apply(writer.text, patch);
                });
              }
              await caughtUp(reader, writer, deadline, "the reader to catch up");
              await acknowledged(writer, deadline);
            }
            const seconds = (performance.now() - started) / 1000;
            const cpu = cpuMicros(contender.pid) - cpuBefore;
            const matches = reader.text.toString() === expected && writer.text.toString() === expected;
            const disconnects = writer.disconnects();
            context.log(
              `${contenderLabels[name]}: ${seconds.toFixed(1)} s, ${disconnects} disconnects, final text ${matches ? "matches" : "DIFFERS"}`,
            );
            return {
              seconds,
              editsPerSecond: txns.length / seconds,
              cpuPerEdit: cpu / txns.length,
              disconnects,
              matches: matches ? 1 : 0,
            };
          } finally {
            writer.destroy();
            reader.destroy();
          }
        },
        undefined,
        name === "tandem" ? DEFAULT_LIMITS : undefined,
      ),
  );
  return {
    setup: [
      `${TRACE}: ${txns.length.toLocaleString("en")} transactions (${context.smoke ? "a prefix" : "the whole trace"}) typed by one real provider in bursts of ${BURST}, each transaction one update, as fast as the client makes them`,
      "after each burst the writer waits until a second provider has the same text and (Tandem, stock Hocuspocus) every edit is acknowledged",
      "Tandem runs with its default per-connection budget (1 MiB/s after a 32 MiB burst, each message counted at its length plus 512 bytes), which every other scenario lifts",
      rounds.setup,
    ],
    metrics: [
      {
        key: "seconds",
        label: "end-to-end time",
        unit: "s",
        better: "lower",
        target: { value: 1.5, text: "≤ 1.5 × Hocuspocus", relativeTo: "hocuspocus" },
      },
      {
        key: "disconnects",
        label: "times the writer was disconnected",
        unit: "",
        better: "lower",
        target: { value: 0, text: "0" },
        digits: 0,
      },
      { key: "editsPerSecond", label: "transactions per second", unit: "", better: "higher" },
      { key: "cpuPerEdit", label: "server CPU per transaction", unit: "µs", better: "lower" },
      { key: "matches", label: "both clients' text equals the trace's (1 = yes)", unit: "", digits: 0 },
    ],
    values: rounds.values,
    notes: rounds.notes,
  };
}
