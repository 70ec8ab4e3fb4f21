import type { DEFAULT_TENANT } from "../tenant.js";

/** A webhook subscription, as listed (never with its secret). */
export interface WebhookSubscription {
  /** `wh_` and 24 hex digits, chosen by the store. */
  readonly id: string;
  readonly tenantId: string;
  readonly url: string;
  /** The event types it receives. */
  readonly events: readonly string[];
  readonly description: string | null;
  /** The user id of whoever created it. */
  readonly createdBy: string | null;
  readonly createdAt: Date;
}

/** What {@link WebhookStore.createSubscription} takes. */
export interface NewWebhookSubscription {
  /** Default {@link DEFAULT_TENANT}. */
  readonly tenantId?: string;
  /** Up to 2048 characters; the caller checks what it may point at. */
  readonly url: string;
  /** 1 to 32 event types, each up to 100 characters. */
  readonly events: readonly string[];
  /** The signing secret, up to 200 characters; stored as given, never listed. */
  readonly secret: string;
  /** Up to 500 characters. */
  readonly description?: string;
  readonly createdBy?: string;
}

/** One event to queue for every subscription of its tenant that receives its type. */
export interface OutgoingEvent {
  /** Unique per event, up to 100 characters: the `webhook-id` every delivery of it carries. */
  readonly id: string;
  /** Default {@link DEFAULT_TENANT}. */
  readonly tenantId?: string;
  readonly type: string;
  /** The exact bytes to send (JSON text), the same on every attempt. */
  readonly body: string;
}

/** A delivery handed to one sender by {@link WebhookStore.claim}. */
export interface ClaimedDelivery {
  readonly id: string;
  /** The event's id, for the `webhook-id` header. */
  readonly messageId: string;
  readonly subscriptionId: string;
  readonly url: string;
  readonly secret: string;
  readonly eventType: string;
  readonly body: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
}

/** How one attempt went, as {@link WebhookStore.record} stores it. */
export interface AttemptOutcome {
  readonly startedAt: Date;
  readonly durationMs: number;
  /** The response's status code; null when none came (refused, timed out). */
  readonly statusCode: number | null;
  /** Why it failed, when it did (up to 1000 characters are kept). */
  readonly error: string | null;
  /**
   * What becomes of the delivery: `delivered` (the receiver acknowledged it:
   * it is never sent again), `failed` (given up), or a number of milliseconds
   * after which it is due again.
   */
  readonly next: "delivered" | "failed" | number;
}

/** Where a delivery stands. */
export type DeliveryStatus = "pending" | "delivered" | "failed";

/** One recorded attempt. */
export interface DeliveryAttempt {
  readonly attempt: number;
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly statusCode: number | null;
  readonly error: string | null;
}

/** A delivery with its attempts, as listed. */
export interface DeliveryInfo {
  readonly id: string;
  readonly messageId: string;
  readonly subscriptionId: string;
  readonly eventType: string;
  readonly status: DeliveryStatus;
  readonly createdAt: Date;
  /** When a pending delivery is due (or its current sender's lease ends); null once finished. */
  readonly nextAttemptAt: Date | null;
  /** When it was delivered or given up. */
  readonly finishedAt: Date | null;
  readonly attempts: readonly DeliveryAttempt[];
}

/**
 * Webhook subscriptions and their durable outbox. Every implementation
 * passes `runWebhookStoreContract` in `@tandem/persistence/webhook-contract`.
 *
 * A delivery is claimed for a lease: until the lease ends, no other claimer
 * (in this process or another instance on the same database) gets it; a
 * sender that dies mid-attempt leaves it to be claimed again when the lease
 * ends. Once recorded as delivered, it is never claimed again.
 *
 * Errors are `PersistenceError`s with a typed `code`.
 */
export interface WebhookStore {
  /** @throws PersistenceError `invalid-argument` for a malformed subscription. */
  createSubscription(subscription: NewWebhookSubscription): Promise<WebhookSubscription>;

  /** A tenant's subscriptions, oldest first. */
  listSubscriptions(tenantId?: string): Promise<WebhookSubscription[]>;

  /** Deletes a tenant's subscription with its deliveries (pending ones are never sent). Returns whether it existed. */
  deleteSubscription(id: string, tenantId?: string): Promise<boolean>;

  /**
   * Queues `event` for each subscription of its tenant that receives its type,
   * in one statement. Queuing an event id again queues nothing more.
   * Resolves with the number of deliveries queued, once they are committed.
   */
  enqueue(event: OutgoingEvent): Promise<number>;

  /**
   * Takes up to `limit` due deliveries, oldest due first, for `leaseMs`
   * milliseconds (their attempt counted), skipping rows other claimers hold.
   */
  claim(limit: number, leaseMs: number): Promise<ClaimedDelivery[]>;

  /**
   * Records one attempt of a claimed delivery and what becomes of it. A
   * retry or give-up is ignored when another claimer took the delivery up
   * since (its lease ran out); a delivery is recorded as delivered whoever
   * claimed it.
   */
  record(delivery: ClaimedDelivery, outcome: AttemptOutcome): Promise<void>;

  /**
   * Deletes delivered and failed deliveries (with their attempts) finished
   * more than `finishedMsAgo` milliseconds ago; pending ones are never
   * deleted. Resolves with how many were.
   */
  pruneDeliveries(finishedMsAgo: number): Promise<number>;

  /** A tenant's subscription's deliveries with their attempts, newest first; at most `limit` (default 50, at most 500). */
  listDeliveries(subscriptionId: string, options?: { tenantId?: string; limit?: number }): Promise<DeliveryInfo[]>;
}
