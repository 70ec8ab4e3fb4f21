import { useMemo } from "react";
import type { TandemDocument } from "../provider/document.js";
import { useTandemDocument } from "../provider/TandemProvider.js";
import { useObservable } from "../use-observable.js";
import type { PresenceSnapshot } from "./tracker.js";

const empty: PresenceSnapshot = { peers: [] };

/**
 * Who is in a document now, the local user first, with each person's
 * activity (`idle` after 15 s without moving their caret or typing).
 * Re-renders when someone arrives, leaves, acts or turns idle.
 *
 * @example
 * ```tsx
 * const { peers } = usePresence("spec/42");
 * return <p>{peers.length} here: {peers.map((peer) => peer.user.name).join(", ")}</p>;
 * ```
 */
export function usePresence(documentName: string): PresenceSnapshot {
  const document = useTandemDocument(documentName);
  return usePresenceOf(document) ?? empty;
}

/** {@link usePresence} for a document already open. */
export function usePresenceOf(document: TandemDocument | null): PresenceSnapshot | null {
  const presence = document?.presence;
  const observable = useMemo(
    () =>
      presence
        ? { get: () => presence.getSnapshot(), subscribe: (listener: () => void) => presence.subscribe(listener) }
        : null,
    [presence],
  );
  return useObservable(observable);
}
