import { randomUUID } from "node:crypto";
import type { WebhookStore } from "@tandem/persistence";
import type { WebhookEventData, WebhookEventType } from "@tandem/protocol/webhooks";
import { unscopeName } from "../auth/tenant-names.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";

/**
 * Queues events for webhook subscribers: each becomes a JSON body (the
 * Standard Webhooks shape, `WebhookEvent` in `@tandem/protocol/webhooks`)
 * with an id of its own, stored in the outbox for every subscription that
 * receives its type, after which the delivery worker is woken.
 */
export class WebhookOutbox {
  private readonly queuing = new Set<Promise<void>>();

  constructor(
    private readonly store: WebhookStore,
    private readonly queued: () => void,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Queues one event about the document `data.document` names (the
   * server's name): for its tenant's subscribers, with the name its tenant's
   * clients know in the body. Never rejects, since what caused it (an edit, a new
   * document) has happened either way: a failure is logged and counted
   * (`webhook-enqueue-failed`), and the event is not sent.
   */
  emit<T extends WebhookEventType>(type: T, data: WebhookEventData[T]): Promise<void> {
    const id = `msg_${randomUUID().replaceAll("-", "")}`;
    const { tenant, name } = unscopeName(data.document);
    const shown = { ...data, document: name };
    const body = JSON.stringify({ type, timestamp: new Date().toISOString(), tenant, data: shown });
    const queuing = this.store.enqueue({ id, tenantId: tenant, type, body }).then(
      (deliveries) => {
        if (deliveries > 0) this.queued();
      },
      (error: unknown) => {
        this.metrics.errors.inc({ code: "webhook-enqueue-failed" });
        this.logger.error({ err: error, event: id, type }, "could not queue a webhook event; it is not sent");
      },
    );
    this.queuing.add(queuing);
    void queuing.finally(() => this.queuing.delete(queuing));
    return queuing;
  }

  /** Resolves once every event emitted so far is queued (or failed to be): before the store closes. */
  async idle(): Promise<void> {
    while (this.queuing.size > 0) await Promise.allSettled(this.queuing);
  }
}
