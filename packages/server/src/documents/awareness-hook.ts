import type { Configuration, Document } from "@hocuspocus/server";

/**
 * Whether any of these extensions (or the configuration itself) implements
 * `onAwarenessUpdate`. Asked before Hocuspocus adds the configuration's own
 * hooks, which are no-ops unless given, to the extensions.
 */
export function hearsAwarenessUpdates(configuration: Partial<Configuration>): boolean {
  return (
    configuration.onAwarenessUpdate !== undefined ||
    (configuration.extensions ?? []).some((extension) => extension.onAwarenessUpdate !== undefined)
  );
}

/**
 * Takes Hocuspocus' `onAwarenessUpdate` listener off a freshly loaded
 * document, for a server where no extension implements that hook. The
 * listener builds the hook's payload on every presence change, and with it
 * an array of every client's state, before it learns that nobody listens: at
 * 1,000 people in a document, a thousand objects for each cursor move, the
 * largest cost of presence after the broadcast itself.
 *
 * `Hocuspocus.loadDocument` adds it last, after the document's own listener
 * (which keeps each connection's client ids and broadcasts); anything else
 * found there (another Hocuspocus version) is left alone, and the test of
 * this function says so.
 */
export function dropAwarenessHookListener(document: Document): void {
  const listeners = document.awareness._observers.get("update");
  if (listeners?.size !== 2) return;
  const [, hookListener] = listeners;
  document.awareness.off("update", hookListener);
}
