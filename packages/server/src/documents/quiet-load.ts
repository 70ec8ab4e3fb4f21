import type * as Y from "yjs";

/**
 * Runs `load`, which fills the new `document` from storage, with its `update`
 * listeners set aside, and gives them back after (with any added meanwhile).
 * Yjs encodes an `update` event for each transaction that has a listener: for
 * the load, the whole document again (13 ms and as many bytes of garbage for
 * the benchmark's 304 KB document), on the turn every client of a cold
 * document waits for. Nobody needs it: until the load ends, the only listener
 * is Hocuspocus' broadcast, and a loading document has no connections yet.
 */
export async function withoutUpdateEvents<T>(document: Y.Doc, load: () => Promise<T>): Promise<T> {
  const observers = document._observers;
  const listeners = observers.get("update");
  observers.delete("update");
  try {
    return await load();
  } finally {
    if (listeners !== undefined) {
      for (const added of observers.get("update") ?? []) listeners.add(added);
      observers.set("update", listeners);
    }
  }
}
