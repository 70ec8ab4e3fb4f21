import * as Y from "yjs";
import { applyTraceToYText, type EditingTrace, readTrace } from "../../test/support/editing-traces.js";

/**
 * Editing traces from github.com/josephg/editing-traces by Joseph Gentle
 * (json-crdt-* traces by Vadim Dalecky / JSON Joy), CC BY 4.0. automerge-paper
 * is from github.com/automerge/automerge-perf, CC BY 4.0.
 */
export const TRACES_CREDIT =
  "Editing traces from github.com/josephg/editing-traces by Joseph Gentle (json-crdt-* traces by Vadim Dalecky / JSON Joy), CC BY 4.0. " +
  "automerge-paper is the editing history of the LaTeX source of Kleppmann & Beresford, “A Conflict-Free Replicated JSON Datatype” (arXiv:1608.03960), from github.com/automerge/automerge-perf, CC BY 4.0.";

/** A trace replayed into a Y.Text (named "t", as every client in the benchmark uses). */
export interface ReplayedTrace {
  /** The text after the replayed transactions. */
  readonly text: string;
  /** The whole document as one Yjs V1 update. */
  readonly state: Uint8Array;
  /** One Yjs V1 update per transaction, in order: what an update log with one row per edit holds. */
  readonly updates: readonly Uint8Array[];
}

const replays = new Map<string, Promise<ReplayedTrace>>();
const traces = new Map<string, Promise<EditingTrace>>();

/** The trace itself (parsed once per process). */
export function trace(name: string): Promise<EditingTrace> {
  let loaded = traces.get(name);
  if (loaded === undefined) {
    loaded = readTrace(name);
    traces.set(name, loaded);
  }
  return loaded;
}

/** Replays the first `limit` transactions of `name` (all by default), once per process. */
export function replayed(name: string, limit?: number): Promise<ReplayedTrace> {
  const key = `${name}:${limit ?? "all"}`;
  let replay = replays.get(key);
  if (replay === undefined) {
    replay = trace(name).then((loaded) => replayTrace(loaded, limit));
    replays.set(key, replay);
  }
  return replay;
}

function replayTrace(loaded: EditingTrace, limit: number | undefined): ReplayedTrace {
  const doc = new Y.Doc();
  const text = doc.getText("t");
  const updates: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array) => updates.push(update));
  applyTraceToYText(loaded, text, limit === undefined ? {} : { limit });
  const result = { text: text.toString(), state: Y.encodeStateAsUpdate(doc), updates };
  doc.destroy();
  return result;
}
