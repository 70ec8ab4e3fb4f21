import type { Extension } from "@hocuspocus/server";
import type { DocumentStore, WebhookStore } from "@tandem/persistence";
import type { ResolvedConfig } from "../config.js";
import type { DocumentEvents } from "../documents/service.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { DeliveryWorker } from "./delivery-worker.js";
import { type CommittedListener, webhookEventSource } from "./event-source.js";
import { WebhookOutbox } from "./outbox.js";
import type { WebhookApi } from "./routes.js";
import { sendDelivery } from "./send.js";
import { announcingVersions } from "./version-events.js";

/** Signed webhooks, wired into one server (see docs/webhooks.md). */
export interface Webhooks {
  /** Finds comment, mention, creation and update events in live documents. */
  readonly extension: Extension;
  /** The durable log's `onCommitted`. */
  committed(documentName: string, update: Uint8Array, author: string | undefined): void;
  /** `store`, announcing the versions it makes. */
  announcingVersions(store: DocumentStore): DocumentStore;
  /** What the HTTP app needs for `/api/webhooks`. */
  readonly api: WebhookApi;
  /** The API's document service announces what it creates, archives and deletes through these. */
  readonly documentEvents: DocumentEvents;
  /** Starts sending what the outbox holds. */
  start(): void;
  /**
   * Announces pending updates, waits for events being queued, and stops
   * sending once the attempts under way are recorded. Before the store closes.
   */
  close(): Promise<void>;
}

/**
 * Webhooks on `store`, with the settings' timeouts, retries and address
 * policy; `listener` hears the same detected events (the notifications).
 */
export function createWebhooks(
  store: WebhookStore,
  settings: ResolvedConfig,
  logger: Logger,
  metrics: Metrics,
  listener?: CommittedListener,
): Webhooks {
  const worker = new DeliveryWorker({
    store,
    send: (delivery) =>
      sendDelivery(delivery, {
        timeoutMs: settings.webhookTimeoutMs,
        allowPrivate: settings.webhookAllowPrivateAddresses,
      }),
    timeoutMs: settings.webhookTimeoutMs,
    maxAttempts: settings.webhookMaxAttempts,
    retryBaseMs: settings.webhookRetryBaseMs,
    pollMs: settings.webhookPollMs,
    logger,
    metrics,
  });
  const outbox = new WebhookOutbox(store, () => worker.wake(), logger, metrics);
  const source = webhookEventSource(outbox, settings.webhookDebounceMs, listener);
  return {
    extension: source.extension,
    committed: (documentName, update, author) => source.committed(documentName, update, author),
    announcingVersions: (documents) => announcingVersions(documents, outbox),
    api: { store, allowPrivateAddresses: settings.webhookAllowPrivateAddresses },
    documentEvents: {
      created(name, createdBy, title) {
        void outbox.emit("document.created", { document: name, createdBy, title });
      },
      archived(name, by) {
        void outbox.emit("document.archived", { document: name, by });
      },
      deleted(name, by) {
        // An update announced after its document's deletion would name a document that no longer exists.
        source.forget(name);
        void outbox.emit("document.deleted", { document: name, by });
      },
    },
    start: () => worker.start(),
    async close() {
      source.flush();
      await outbox.idle();
      await worker.stop();
    },
  };
}
