import type { Extension, Hocuspocus } from "@hocuspocus/server";

/**
 * Waits for documents to unload: shutdown waits for all of them, deleting a
 * document for it and its comments. Each unload (after the durable log's
 * compaction, which runs earlier in the hook chain) checks the waiters again.
 */
export class Unloads {
  private readonly waiters = new Set<() => void>();

  /** The extension that tells waiters about each unload; last in the chain (priority 0). */
  readonly extension: Extension = {
    extensionName: "tandem-unload-watcher",
    priority: 0,
    afterUnloadDocument: async () => {
      for (const check of this.waiters) check();
    },
  };

  /** Resolves once none of `names` (every document, when not given) is loaded or loading. */
  whenUnloaded(instance: Hocuspocus, names?: readonly string[]): Promise<void> {
    const loaded = () =>
      names === undefined
        ? instance.getDocumentsCount() > 0 || instance.loadingDocuments.size > 0
        : names.some((name) => instance.documents.has(name) || instance.loadingDocuments.has(name));
    return new Promise((resolve) => {
      const check = () => {
        if (loaded()) return;
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
      check();
    });
  }
}
