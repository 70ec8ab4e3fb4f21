import type { Observable } from "../observable.js";
import type { CommentsStore } from "./store.js";

/**
 * Lets go of the selected thread when it is resolved while selected, by
 * anyone: it leaves the open threads, so keeping it selected would leave its
 * highlight in the text with no thread beside it, and the sidebar would
 * switch to the resolved list under the reader. Resolving it from the sidebar
 * does the same. A thread selected while already resolved (from the resolved
 * list) stays selected.
 *
 * @returns a function that stops watching.
 */
export function releaseResolvedThread(
  store: CommentsStore,
  ui: Observable<{ readonly activeThreadId: string | null }>,
  deselect: () => void,
): () => void {
  // The selected thread, as long as it is selected and open.
  let selectedOpen: string | null = null;
  const check = () => {
    const { activeThreadId } = ui.get();
    const resolved = activeThreadId === null ? undefined : store.getSnapshot().byId.get(activeThreadId)?.resolved;
    if (activeThreadId !== null && activeThreadId === selectedOpen && resolved === true) {
      selectedOpen = null;
      deselect();
      return;
    }
    selectedOpen = resolved === false ? activeThreadId : null;
  };
  check();
  const stops = [store.subscribe(check), ui.subscribe(check)];
  return () => {
    for (const stop of stops) stop();
  };
}
