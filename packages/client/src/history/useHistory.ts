import type { DocumentAuthorship, DocumentDiff, VersionContent, VersionList } from "@tandem/protocol";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTandemConnection, useTandemDocument } from "../provider/TandemProvider.js";
import { HistoryClient } from "./client.js";

/** Something loaded from the server: not yet, loaded, or failed with a message. */
export type Loaded<T> =
  | { readonly state: "loading" }
  | { readonly state: "ready"; readonly value: T }
  | { readonly state: "failed"; readonly message: string };

/** The {@link HistoryClient} of the nearest `<TandemProvider>`'s connection. */
export function useHistoryClient(): HistoryClient {
  const connection = useTandemConnection();
  return useMemo(() => new HistoryClient(connection), [connection]);
}

/**
 * Loads `load()` whenever `key` changes (or `reload` is called), dropping
 * answers that arrive after a newer request started.
 */
function useLoaded<T>(key: string | null, load: () => Promise<T>): Loaded<T> & { reload(): void } {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: "loading" });
  const [generation, setGeneration] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names what `load` loads; `generation` asks again
  useEffect(() => {
    if (key === null) return;
    let current = true;
    setLoaded((previous) => (previous.state === "ready" ? previous : { state: "loading" }));
    load().then(
      (value) => current && setLoaded({ state: "ready", value }),
      (error: unknown) =>
        current && setLoaded({ state: "failed", message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
  }, [key, generation]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { ...loaded, reload };
}

/** A document's versions, newest first; `reload()` asks again. */
export function useVersions(name: string): Loaded<VersionList> & { reload(): void } {
  const client = useHistoryClient();
  return useLoaded(name, () => client.versions(name));
}

/**
 * What changed from version `from` to `to` (a version id or `current`); null
 * `from` loads nothing. A new `refresh` value asks again.
 */
export function useDiff(
  name: string,
  from: string | null,
  to: string,
  refresh = 0,
): Loaded<DocumentDiff> & { reload(): void } {
  const client = useHistoryClient();
  return useLoaded(from === null ? null : `${name} ${from} ${to} ${refresh}`, () => client.diff(name, from ?? "", to));
}

/** One version's content (or `current`); null loads nothing. */
export function useVersionContent(name: string, version: string | null): Loaded<VersionContent> & { reload(): void } {
  const client = useHistoryClient();
  return useLoaded(version === null ? null : `${name} ${version}`, () => client.read(name, version ?? "current"));
}

/** The current document with who wrote each run of text; a new `refresh` value asks again. */
export function useAuthorship(name: string, refresh = 0): Loaded<DocumentAuthorship> & { reload(): void } {
  const client = useHistoryClient();
  return useLoaded(`${name} ${refresh}`, () => client.authorship(name));
}

/**
 * Calls `onChange` a moment after the document's content last changed (a
 * diff against the current text goes stale as people type), at most once
 * per `delayMs`.
 */
export function useContentChanges(name: string, onChange: () => void, delayMs = 1500): void {
  const document = useTandemDocument(name);
  useEffect(() => {
    if (!document) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const changed = () => {
      clearTimeout(timer);
      timer = setTimeout(onChange, delayMs);
    };
    document.content.on("update", changed);
    return () => {
      clearTimeout(timer);
      document.content.off("update", changed);
    };
  }, [document, onChange, delayMs]);
}
