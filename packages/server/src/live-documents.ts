import type { Document, Hocuspocus } from "@hocuspocus/server";
import { dropAwarenessHookListener, hearsAwarenessUpdates } from "./documents/awareness-hook.js";
import { UnloadableHocuspocus } from "./documents/unloadable-hocuspocus.js";

/**
 * Hocuspocus whose documents always unload (see {@link UnloadableHocuspocus}),
 * and a live document can be dropped at once, so
 * that the next connection to its name loads it afresh from the store.
 *
 * The durable log drops a document whose append failed: its live state holds
 * content the log lacks, and nothing built on that content may be
 * acknowledged. Hocuspocus unloads a document only some time after its last
 * connection has closed (after the messages in flight and the unload hooks),
 * and in that time a new connection would join the very same document.
 *
 * Where no extension hears `onAwarenessUpdate`, a loaded document does not
 * build that hook's payload on every presence change (see
 * {@link dropAwarenessHookListener}).
 */
export class LiveDocuments extends UnloadableHocuspocus {
  private readonly dropped = new WeakSet<Document>();
  private readonly awarenessHeard: boolean;

  constructor(...args: ConstructorParameters<typeof UnloadableHocuspocus>) {
    // Before Hocuspocus adds the configuration's own (no-op) hooks to the extensions.
    const heard = hearsAwarenessUpdates(args[0] ?? {});
    super(...args);
    this.awarenessHeard = heard;
  }

  /**
   * Takes `document` out of the live documents now; the caller has closed
   * its connections. A document already unloading (it had no connection
   * left) finishes unloading first: until it has, a connection to its name
   * waits (see createDocument).
   */
  dropDocument(document: Document): void {
    this.dropped.add(document);
    const { name } = document;
    if (this.documents.get(name) === document && !this.unloadingDocuments.has(name)) this.documents.delete(name);
  }

  /** Whether `document` was dropped. */
  isDropped(document: Document): boolean {
    return this.dropped.has(document);
  }

  override async createDocument(...args: Parameters<Hocuspocus["createDocument"]>): Promise<Document> {
    const [name] = args;
    const existing = this.documents.get(name);
    if (existing !== undefined && this.dropped.has(existing)) {
      await this.unloadingDocuments.get(name);
      // An unload its hooks cancelled left it in place.
      if (this.documents.get(name) === existing) this.documents.delete(name);
    }
    return super.createDocument(...args);
  }

  override async loadDocument(...args: Parameters<Hocuspocus["loadDocument"]>): Promise<Document> {
    const document = await super.loadDocument(...args);
    if (!this.awarenessHeard) dropAwarenessHookListener(document);
    return document;
  }

  /**
   * A dropped document is destroyed once its last connection has gone,
   * without Hocuspocus's unload: that removes whatever document holds its
   * name by then, which is the one loaded afresh.
   */
  override async unloadDocument(document: Document): Promise<void> {
    if (this.dropped.has(document) && this.documents.get(document.name) !== document) {
      if (document.getConnectionsCount() === 0 && !document.isDestroyed) document.destroy();
      return;
    }
    await super.unloadDocument(document);
  }
}
