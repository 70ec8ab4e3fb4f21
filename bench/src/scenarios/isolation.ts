import * as Y from "yjs";
import { allContenders, contenderLabels, withContender } from "../contenders/index.js";
import { connectBots } from "../load/connect.js";
import { type RateStepResult, runRateStep } from "../load/rate-step.js";
import { type StormResult, storm } from "../load/storm.js";
import type { ScenarioOutcome } from "../report/record.js";
import { replayed } from "../traces.js";
import type { ScenarioContext } from "./context.js";
import { botConfigs } from "./load-metrics.js";
import { seedHocuspocus, seedOverTheWire, seedTandem, storesDocuments } from "./seed.js";

const LARGE = "bench/large";
/** The editing histories in the large document, each replayed by a client of its own. */
const HISTORIES = ["automerge-paper", "seph-blog1", "rustcode", "sveltecomponent"];
/** Pasted text is added in pieces this long (a paragraph or so each). */
const PASTE = 4096;

/**
 * A very large document: the real editing histories of several traces (each
 * by its own client, concurrently into the same text), then their final texts
 * pasted again and again at the end by one more client until the document's
 * state reaches `bytes`. Both what a long-lived document accumulates (many
 * small structs, deletions) and sheer size.
 */
async function largeDocument(bytes: number, smoke: boolean): Promise<Uint8Array> {
  const doc = new Y.Doc();
  const histories = smoke ? HISTORIES.slice(0, 1) : HISTORIES;
  for (const name of histories) Y.applyUpdate(doc, (await replayed(name, smoke ? 3000 : undefined)).state);
  const text = doc.getText("t");
  const pasted = text.toString();
  let size = Y.encodeStateAsUpdate(doc).length;
  for (let at = 0; size < bytes; at = (at + PASTE) % Math.max(1, pasted.length - PASTE)) {
    const piece = pasted.slice(at, at + PASTE);
    text.insert(text.length, piece);
    size += piece.length + 16;
  }
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

/**
 * Isolation: small documents under a steady load, measured quiet and then
 * while a crowd of clients opens a very large document at once (cold where
 * the server stores: it loads the document from storage first). Whatever the
 * large document costs must not stall the small ones.
 */
export async function isolation(context: ScenarioContext): Promise<ScenarioOutcome> {
  const megabytes = context.smoke ? 0.5 : 8;
  const state = await largeDocument(megabytes * 1024 * 1024, context.smoke);
  const documents = context.smoke ? 4 : 20;
  const perDocument = 5;
  const rate = context.smoke ? 50 : 200;
  const stormClients = context.smoke ? 3 : 20;
  const step = context.smoke
    ? { warmupMs: 300, measureMs: 1500, drainMs: 2000, sends: "keystroke" as const }
    : { warmupMs: 5000, measureMs: 10_000, drainMs: 5000, sends: "keystroke" as const };
  const values: ScenarioOutcome["values"] = {};
  for (const name of context.contenders ?? allContenders) {
    values[name] = await withContender(
      name,
      async (contender) => {
        if (name === "hocuspocus" && contender.schema) await seedHocuspocus(contender.schema, LARGE, state);
        const holder = storesDocuments(name) ? undefined : await seedOverTheWire(contender, LARGE, state);
        const bots = await connectBots(botConfigs(contender, documents, perDocument, "bench/small"));
        try {
          const quiet = await runRateStep(contender, bots, { ...step, rate });
          let stormed: Promise<StormResult> | undefined;
          const stormy: RateStepResult = await runRateStep(contender, bots, {
            ...step,
            warmupMs: 1000,
            rate,
            onWindowOpen: () => {
              stormed = storm(contender, LARGE, stormClients, { background: true });
            },
          });
          const lastSynced = (await stormed)?.lastMs ?? Number.NaN;
          context.log(
            `${contenderLabels[name]}: small documents p99 ${quiet.delivery.p99.toFixed(2)} ms quiet, ${stormy.delivery.p99.toFixed(2)} ms during the storm (${(stormy.delivery.p99 / quiet.delivery.p99).toFixed(2)}×); the storm's last client synced after ${lastSynced.toFixed(0)} ms`,
          );
          return {
            quietP99: quiet.delivery.p99,
            stormP99: stormy.delivery.p99,
            ratio: stormy.delivery.p99 / quiet.delivery.p99,
            stormMax: stormy.delivery.max,
            stormLast: lastSynced,
            stormCpu: stormy.serverCpuShare,
            stormPeakRss: stormy.serverPeakRssBytes / 1024 / 1024,
            disconnected: stormy.disconnected,
          };
        } finally {
          for (const bot of bots) bot.destroy();
          holder?.destroy();
        }
      },
      name === "tandem" ? (schema) => seedTandem(schema, LARGE, state) : undefined,
    );
  }
  return {
    setup: [
      `small documents: ${documents} documents × ${perDocument} clients typing ${rate} characters/s in all, measured ${step.measureMs / 1000} s quiet, then ${step.measureMs / 1000} s from the moment the storm starts`,
      `the storm: ${stormClients} raw clients open a ${(state.length / 1024 / 1024).toFixed(1)} MB document at once (the editing histories of ${context.smoke ? "a trace prefix" : HISTORIES.join(", ")}, each by its own client, then their text pasted again in ${PASTE / 1024} KB pieces), each synced when its sync step 2 arrived; they run in a thread of their own at the lowest priority, so that reading what the storm is sent does not hold up the generator's small-document clients`,
      "Tandem and stock Hocuspocus load the large document from storage (cold: stored as they store it); y-websocket has no storage, so it was sent the document first and holds it",
    ],
    metrics: [
      { key: "quietP99", label: "small documents: delivery p99, quiet", unit: "ms", better: "lower" },
      { key: "stormP99", label: "small documents: delivery p99 during the storm", unit: "ms", better: "lower" },
      {
        key: "ratio",
        label: "small documents: p99 during the storm ÷ quiet p99",
        unit: "",
        better: "lower",
        target: { value: 2, text: "≤ 2" },
      },
      { key: "stormMax", label: "small documents: slowest delivery during the storm", unit: "ms", better: "lower" },
      { key: "stormLast", label: "the storm's last client synced", unit: "ms", better: "lower" },
      { key: "stormCpu", label: "server CPU during the storm window (share of its core)", unit: "" },
      { key: "stormPeakRss", label: "server peak memory (RSS)", unit: "MB", better: "lower", digits: 0 },
      { key: "disconnected", label: "small-document clients disconnected", unit: "", better: "lower", digits: 0 },
    ],
    values,
    notes: [],
  };
}
