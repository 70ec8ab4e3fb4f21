import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type * as Y from "yjs";

/**
 * A real recorded editing session, from test/fixtures/editing-traces (its
 * README lists the traces and their CC BY 4.0 credits).
 */
export interface EditingTrace {
  readonly endContent: string;
  /** Each patch is `[position, deleted, inserted]`, positions in Unicode code points. */
  readonly txns: readonly { readonly patches: readonly (readonly [number, number, string])[] }[];
}

// Inside the repository: tests and benchmarks need nothing from outside it.
const tracesDir = join(import.meta.dirname, "..", "fixtures", "editing-traces");

/** Reads a trace by file name without extension, e.g. `automerge-paper`. */
export async function readTrace(name: string): Promise<EditingTrace> {
  const raw = await readFile(join(tracesDir, `${name}.json.gz`));
  return JSON.parse(gunzipSync(raw).toString("utf8")) as EditingTrace;
}

const astral = /[\uD800-\uDBFF]/;

/**
 * Returns a function applying one patch of `trace` to a Y.Text. Trace
 * positions count Unicode code points and Y.Text counts UTF-16 code units;
 * they agree unless the trace holds characters outside the BMP, and only then
 * is each position converted against the current content (slow, but exact).
 */
export function patcherFor(trace: EditingTrace): (text: Y.Text, patch: readonly [number, number, string]) => void {
  const needsConversion =
    astral.test(trace.endContent) || trace.txns.some((txn) => txn.patches.some((patch) => astral.test(patch[2])));
  if (!needsConversion) {
    return (text, [pos, del, ins]) => {
      if (del > 0) text.delete(pos, del);
      if (ins !== "") text.insert(pos, ins);
    };
  }
  return (text, [pos, del, ins]) => {
    const content = text.toString();
    const start = codePointOffset(content, 0, pos);
    if (del > 0) text.delete(start, codePointOffset(content, start, del) - start);
    if (ins !== "") text.insert(start, ins);
  };
}

/**
 * Replays `trace` (or its first `limit` transactions) into `text`, one Yjs
 * transaction per trace transaction, so a listener on the document's
 * `update` event receives one update per recorded edit.
 *
 * @example
 * ```ts
 * const doc = new Y.Doc();
 * const updates: Uint8Array[] = [];
 * doc.on("update", (update: Uint8Array) => updates.push(update));
 * applyTraceToYText(await readTrace("automerge-paper"), doc.getText("t"));
 * ```
 */
export function applyTraceToYText(trace: EditingTrace, text: Y.Text, options: { limit?: number } = {}): void {
  const apply = patcherFor(trace);
  const doc = text.doc;
  if (doc === null) throw new Error("the Y.Text must belong to a Y.Doc");
  for (const txn of trace.txns.slice(0, options.limit)) {
    doc.transact(() => {
      for (const patch of txn.patches) apply(text, patch);
    });
  }
}

function codePointOffset(content: string, from: number, codePoints: number): number {
  let offset = from;
  for (let i = 0; i < codePoints && offset < content.length; i++) {
    const code = content.charCodeAt(offset);
    offset += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
  }
  return offset;
}
