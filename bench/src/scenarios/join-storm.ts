import { connectProvider } from "../clients/providers.js";
import { contenderLabels, withContender } from "../contenders/index.js";
import { Bot } from "../load/bot.js";
import { withDeadline } from "../load/connect.js";
import { storm } from "../load/storm.js";
import type { ScenarioOutcome } from "../report/record.js";
import { replayed } from "../traces.js";
import type { ScenarioContext } from "./context.js";
import { inRounds } from "./rounds.js";
import { seedHocuspocus, seedOverTheWire, seedTandem, storesDocuments } from "./seed.js";

const DOCUMENT = "bench/paper";

/**
 * 5. Join storm: 50 clients open the automerge-paper document (259,778
 * edits) at the same moment. Cold: the document is only in storage (the
 * servers that store); warm: another client already holds it open. Then one
 * real provider joins alone, applies the document and must read exactly the
 * trace's final text.
 */
export async function joinStorm(context: ScenarioContext): Promise<ScenarioOutcome> {
  const paper = await replayed("automerge-paper", context.smoke ? 3000 : undefined);
  const clients = context.smoke ? 5 : 50;
  const rounds = await inRounds(
    context,
    {
      worst: { matches: "min" },
      listed: { key: "coldLast", label: "cold storm's last client", format: (ms) => `${ms.toFixed(0)} ms` },
    },
    (name) =>
      withContender(
        name,
        async (contender) => {
          if (name === "hocuspocus" && contender.schema) await seedHocuspocus(contender.schema, DOCUMENT, paper.state);
          const cold = storesDocuments(name) ? await storm(contender, DOCUMENT, clients) : undefined;
          const holder = storesDocuments(name)
            ? new Bot({
                protocol: contender.protocol,
                baseUrl: contender.baseUrl,
                documentName: DOCUMENT,
                name: "holder",
              })
            : await seedOverTheWire(contender, DOCUMENT, paper.state);
          try {
            if (storesDocuments(name)) {
              await holder.open();
              await holder.synced;
            }
            const warm = await storm(contender, DOCUMENT, clients);
            const started = performance.now();
            const client = connectProvider(contender, DOCUMENT);
            try {
              await withDeadline(client.synced, Date.now() + 60_000, "a provider to sync");
              const providerMs = performance.now() - started;
              const matches = client.text.toString() === paper.text;
              context.log(
                `${contenderLabels[name]}: last of ${clients} synced after ${cold ? `${cold.lastMs.toFixed(0)} ms cold, ` : ""}${warm.lastMs.toFixed(0)} ms warm; provider text ${matches ? "matches" : "DIFFERS"}`,
              );
              return {
                coldLast: cold?.lastMs ?? null,
                coldP50: cold?.p50Ms ?? null,
                warmLast: warm.lastMs,
                warmP50: warm.p50Ms,
                syncBytes: warm.bytes / 1024,
                providerMs,
                matches: matches ? 1 : 0,
              };
            } finally {
              client.destroy();
            }
          } finally {
            holder.destroy();
          }
        },
        name === "tandem" ? (schema) => seedTandem(schema, DOCUMENT, paper.state) : undefined,
      ),
  );
  return {
    setup: [
      `the automerge-paper document (${context.smoke ? "first 3,000 edits" : "259,778 edits"}, ${paper.text.length.toLocaleString("en")} characters, ${Math.round(paper.state.length / 1024)} KB as one Yjs V1 update), stored as the server stores it: Tandem as a compacted snapshot (through @tandem/persistence), stock Hocuspocus as its one blob; y-websocket has no storage, so the document is sent to it first`,
      `${clients} raw clients open their sockets at the same moment; each is synced when its sync step 2 (the whole document) has arrived; clients do not apply it, and they run in a thread of their own whose heap holds nothing else (on the generator's main thread, the answers' 15 MB set off a full collection of the replayed traces' heap in most storms), so the generator's CPU is not in the time`,
      "cold: the server has just started and loads the document from storage; warm: another client already holds it open",
      "then one real provider joins alone and applies the document: its time includes the client-side apply; its text must equal the trace's final text",
      rounds.setup,
    ],
    metrics: [
      {
        key: "coldLast",
        label: "cold: last client synced",
        unit: "ms",
        better: "lower",
        target: { value: 0.5, text: "≤ 0.5 × Hocuspocus", relativeTo: "hocuspocus" },
      },
      { key: "coldP50", label: "cold: median client synced", unit: "ms", better: "lower" },
      {
        key: "warmLast",
        label: "warm: last client synced",
        unit: "ms",
        better: "lower",
        target: { value: 0.5, text: "≤ 0.5 × Hocuspocus", relativeTo: "hocuspocus" },
      },
      { key: "warmP50", label: "warm: median client synced", unit: "ms", better: "lower" },
      { key: "syncBytes", label: "sync step 2 size", unit: "KB", digits: 0 },
      { key: "providerMs", label: "one real provider: join, sync and apply", unit: "ms", better: "lower" },
      { key: "matches", label: "provider's text equals endContent (1 = yes)", unit: "", digits: 0 },
    ],
    values: rounds.values,
    notes: rounds.notes,
  };
}
