import { createPostgresStore, type DocumentStore } from "@tandem/persistence";
import { type DocumentDiff, DocumentFields, type VersionList } from "@tandem/protocol";
import * as Y from "yjs";
import { patcherFor } from "../../../test/support/editing-traces.js";
import { databaseUrl } from "../../../test/support/postgres.js";
import { withContender } from "../contenders/index.js";
import { Samples } from "../load/samples.js";
import type { ScenarioOutcome } from "../report/record.js";
import { trace } from "../traces.js";
import type { ScenarioContext } from "./context.js";

const DOCUMENT = "bench/paper-history";
const AUTHORS = [
  { id: "ada", name: "Ada", color: "#0090ff" },
  { id: "grace", name: "Grace", color: "#8e4ec6" },
  { id: "margaret", name: "Margaret", color: "#46a758" },
] as const;
/** Versions are made after these shares of the trace. */
const VERSION_AT = [0.25, 0.5, 0.75, 1] as const;

/**
 * Writes the automerge-paper trace into the body of a document, as one
 * paragraph (TipTap's layout: a Y.XmlElement holding a Y.XmlText), typed by
 * three people taking turns of `turn` edits, each turn's edits appended one
 * update per edit with its author, and a version made after each quarter.
 * The log is compacted at the end, as when the last person leaves.
 */
async function seedHistory(schema: string, limit: number | undefined, turn: number): Promise<number> {
  const loaded = await trace("automerge-paper");
  const txns = loaded.txns.slice(0, limit);
  const apply = patcherFor(loaded);
  const store: DocumentStore = await createPostgresStore({
    connectionString: databaseUrl,
    schema,
    compactAfterRows: 0,
  });
  try {
    const docs = AUTHORS.map(() => new Y.Doc());
    const texts = docs.map((doc) => doc.getXmlFragment(DocumentFields.content));
    const first = docs[0] as Y.Doc;
    first.transact(() => {
      const paragraph = new Y.XmlElement("paragraph");
      (texts[0] as Y.XmlFragment).insert(0, [paragraph]);
      paragraph.insert(0, [new Y.XmlText()]);
    });
    await store.append(DOCUMENT, Y.encodeStateAsUpdate(first), { author: AUTHORS[0].id });
    for (const author of AUTHORS) await store.recordAuthor(DOCUMENT, author);
    const versionAt = VERSION_AT.map((share) => Math.round(txns.length * share));
    for (let start = 0, round = 0; start < txns.length; start += turn, round++) {
      const who = round % AUTHORS.length;
      const doc = docs[who] as Y.Doc;
      // A person types their turn once they have everything the others typed.
      for (const other of docs)
        if (other !== doc) Y.applyUpdate(doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc)));
      const text = ((texts[who] as Y.XmlFragment).get(0) as Y.XmlElement).get(0) as Y.XmlText;
      const updates: Uint8Array[] = [];
      const collect = (update: Uint8Array) => updates.push(update);
      doc.on("update", collect);
      const end = Math.min(txns.length, start + turn);
      for (const txn of txns.slice(start, end)) {
        doc.transact(() => {
          for (const patch of txn.patches) apply(text, patch);
        });
      }
      doc.off("update", collect);
      await Promise.all(updates.map((update) => store.append(DOCUMENT, update, { author: AUTHORS[who]?.id ?? "" })));
      if (versionAt.some((at) => at > start && at <= end)) {
        await store.createVersion(DOCUMENT, {
          label: `${Math.round((end / txns.length) * 100)}%`,
          createdBy: AUTHORS[who]?.id ?? "",
        });
      }
    }
    await store.compact(DOCUMENT);
    return txns.length;
  } finally {
    await store.close();
  }
}

async function timed<T>(url: string): Promise<{ ms: number; body: T }> {
  const started = performance.now();
  const response = await fetch(url);
  const body = (await response.json()) as T;
  const ms = performance.now() - started;
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${JSON.stringify(body)}`);
  return { ms, body };
}

/**
 * 13. History: the automerge-paper document (259,778 edits, by three people
 * taking turns) with a version after each quarter of its edits. Opening the
 * history (the version list, then what changed since the newest version, as
 * `<HistoryPanel>` does) and diffing two versions, through the REST API of a
 * running server. Tandem only: neither stock Hocuspocus nor y-websocket
 * keeps versions.
 */
export async function history(context: ScenarioContext): Promise<ScenarioOutcome> {
  const limit = context.smoke ? 3000 : undefined;
  const turn = context.smoke ? 300 : 5000;
  const times = context.smoke ? 2 : 7;
  const values: ScenarioOutcome["values"] = {};
  const notes: string[] = [];
  let edits = 0;
  if ((context.contenders ?? ["tandem"]).includes("tandem")) {
    values.tandem = await withContender(
      "tandem",
      async (contender) => {
        const base = `${contender.baseUrl.replace(/^ws/, "http").replace(/\/collab$/, "")}/api/documents/${encodeURIComponent(DOCUMENT)}`;
        const samples = { list: new Samples(), open: new Samples(), quarter: new Samples(), whole: new Samples() };
        const first: Record<keyof typeof samples, number> = { list: 0, open: 0, quarter: 0, whole: 0 };
        let versionIds: string[] = [];
        let changedWords = 0;
        for (let run = 0; run < times; run++) {
          const list = await timed<VersionList>(`${base}/versions`);
          const newest = list.body.versions[0]?.id;
          const opened = await timed<DocumentDiff>(`${base}/diff?from=${newest}`);
          versionIds = list.body.versions.map((version) => version.id).reverse();
          const [v25, v50, , v100] = versionIds;
          const quarter = await timed<DocumentDiff>(`${base}/diff?from=${v25}&to=${v50}`);
          const whole = await timed<DocumentDiff>(`${base}/diff?from=${v25}&to=${v100}`);
          if (opened.body.summary.length !== 0) throw new Error("the newest version differs from the current text");
          if (whole.body.authors.length !== AUTHORS.length) throw new Error("the diff does not name all three authors");
          changedWords = whole.body.summary.reduce((sum, line) => sum + line.wordsAdded + line.wordsDeleted, 0);
          const measured = { list: list.ms, open: list.ms + opened.ms, quarter: quarter.ms, whole: whole.ms };
          for (const key of Object.keys(samples) as (keyof typeof samples)[]) {
            if (run === 0) first[key] = measured[key];
            else samples[key].add(measured[key]);
          }
        }
        if (versionIds.length !== VERSION_AT.length) throw new Error(`expected ${VERSION_AT.length} versions`);
        notes.push(`The diff from 25% to 100% marks ${changedWords.toLocaleString("en")} words inserted or deleted.`);
        context.log(
          `open ${samples.open.percentile(50).toFixed(0)} ms, diff of a quarter ${samples.quarter.percentile(50).toFixed(0)} ms`,
        );
        return {
          listMs: samples.list.percentile(50),
          openMs: samples.open.percentile(50),
          openColdMs: first.open,
          diffQuarterMs: samples.quarter.percentile(50),
          diffWholeMs: samples.whole.percentile(50),
        };
      },
      async (schema) => {
        edits = await seedHistory(schema, limit, turn);
      },
    );
  }
  const count = edits.toLocaleString("en");
  return {
    setup: [
      `the automerge-paper trace (${count} edits) typed into one paragraph of a document's body (a Y.XmlText in a Y.XmlElement, as TipTap lays it out) by three people taking turns of ${turn.toLocaleString("en")} edits, each edit appended as its own update with its author; a version after each quarter of the edits; the log compacted`,
      `each number is the median of ${times - 1} runs after a first (cold) one, measured by the client from request to parsed answer over the REST API of a running server (pinned to core 0)`,
      "open history: `GET …/versions`, then `GET …/diff?from=<newest>` (the current text against the newest version), as `<HistoryPanel>` does when it opens; diffs: the version at 25% against the one at 50%, and against the last one (100%)",
    ],
    metrics: [
      { key: "listMs", label: "list versions", unit: "ms", better: "lower" },
      { key: "openMs", label: "open history (list + diff with the current text)", unit: "ms", better: "lower" },
      { key: "openColdMs", label: "… the first time (document not yet read)", unit: "ms", better: "lower" },
      { key: "diffQuarterMs", label: "diff of two versions a quarter of the trace apart", unit: "ms", better: "lower" },
      { key: "diffWholeMs", label: "diff of the versions at 25% and 100%", unit: "ms", better: "lower" },
    ],
    values,
    notes,
  };
}
