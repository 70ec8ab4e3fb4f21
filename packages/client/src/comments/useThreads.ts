import { useMemo } from "react";
import type { TandemDocument } from "../provider/document.js";
import { useTandemDocument } from "../provider/TandemProvider.js";
import { useObservable } from "../use-observable.js";
import type { CommentsSnapshot, Thread } from "./store.js";

/** Which threads to list. */
export type ThreadFilter = "open" | "resolved" | "all";

/** How to order threads: where their text is in the document, or most recent activity first. */
export type ThreadSort = "position" | "activity";

/** Options of {@link useThreads}. */
export interface UseThreadsOptions {
  readonly filter?: ThreadFilter;
  readonly sort?: ThreadSort;
}

/** Filters and orders threads; the snapshot's own order is by position. */
export function selectThreads(threads: readonly Thread[], filter: ThreadFilter, sort: ThreadSort): Thread[] {
  const selected = threads.filter((thread) => filter === "all" || thread.resolved === (filter === "resolved"));
  if (sort === "activity") selected.sort((a, b) => b.lastActivityAt - a.lastActivityAt);
  return selected;
}

/** The comments snapshot of a document already open; `null` before it is. */
export function useCommentsOf(document: TandemDocument | null): CommentsSnapshot | null {
  const store = document?.commentsStore;
  const observable = useMemo(
    () =>
      store ? { get: () => store.getSnapshot(), subscribe: (listener: () => void) => store.subscribe(listener) } : null,
    [store],
  );
  return useObservable(observable);
}

/**
 * A document's comment threads, live: open ones by default, in document
 * order. Each thread carries its comments, authors, reactions and where its
 * text is now (`anchor.state`: attached, collapsed or lost).
 *
 * @example
 * ```tsx
 * const threads = useThreads("spec/42", { filter: "open", sort: "activity" });
 * return <ul>{threads.map((thread) => <li key={thread.id}>{thread.quote}: {thread.comments.length}</li>)}</ul>;
 * ```
 */
export function useThreads(documentName: string, options: UseThreadsOptions = {}): readonly Thread[] {
  const snapshot = useCommentsOf(useTandemDocument(documentName));
  const { filter = "open", sort = "position" } = options;
  return useMemo(() => selectThreads(snapshot?.threads ?? [], filter, sort), [snapshot, filter, sort]);
}
