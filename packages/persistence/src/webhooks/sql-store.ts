import { randomBytes } from "node:crypto";
import type { SqlClient } from "../sql-client.js";
import { checkId } from "../validation.js";
import type {
  AttemptOutcome,
  ClaimedDelivery,
  DeliveryInfo,
  DeliveryStatus,
  NewWebhookSubscription,
  OutgoingEvent,
  WebhookStore,
  WebhookSubscription,
} from "./store.js";
import {
  checkClaimLimit,
  checkDelay,
  checkEvent,
  checkSubscription,
  deliveryListLimit,
  tenantOf,
} from "./validation.js";

interface SubscriptionRow {
  id: string;
  tenant_id: string;
  url: string;
  events: string[];
  description: string | null;
  created_by: string | null;
  created_at: Date;
}

interface ClaimRow {
  id: string | number;
  message_id: string;
  webhook_id: string;
  event_type: string;
  body: string;
  attempts: number;
  url: string;
  secret: string;
}

interface DeliveryRow {
  id: string | number;
  message_id: string;
  webhook_id: string;
  event_type: string;
  status: DeliveryStatus;
  created_at: Date;
  next_attempt_at: Date;
  finished_at: Date | null;
}

interface AttemptRow {
  delivery_id: string | number;
  attempt: number;
  started_at: Date;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
}

const SUBSCRIPTION_COLUMNS = "id, tenant_id, url, events, description, created_by, created_at";

const MAX_ERROR_LENGTH = 1000;

function toSubscription(row: SubscriptionRow): WebhookSubscription {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    url: row.url,
    events: row.events,
    description: row.description,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
  };
}

// Delays are added to the database's clock, never computed on this one: the
// due times of every instance then compare on one clock.
const MILLISECONDS = "::double precision * interval '1 millisecond'";

// The inner SELECT takes the due rows with FOR UPDATE SKIP LOCKED, so that
// claimers running at once (other instances) each get rows no other holds;
// the UPDATE moves them out of reach for the lease (a claimed row is due again
// only when its lease ends) and counts the attempt.
const CLAIM_SQL = `
  UPDATE tandem_webhook_deliveries d
  SET attempts = d.attempts + 1, next_attempt_at = now() + $2${MILLISECONDS}
  FROM tandem_webhooks w
  WHERE w.id = d.webhook_id AND d.id IN (
    SELECT id FROM tandem_webhook_deliveries
    WHERE status = 'pending' AND next_attempt_at <= now()
    ORDER BY next_attempt_at, id
    LIMIT $1
    FOR UPDATE SKIP LOCKED)
  RETURNING d.id, d.message_id, d.webhook_id, d.event_type, d.body, d.attempts, w.url, w.secret`;

/**
 * The {@link WebhookStore} of the Postgres and PGlite stores, on the same
 * {@link SqlClient} as their documents. `call` is the document store's: it
 * refuses calls once the store is closing, lets `close()` wait for calls in
 * progress and turns every failure into a `PersistenceError`.
 */
export class SqlWebhookStore implements WebhookStore {
  constructor(
    private readonly sql: SqlClient,
    private readonly call: <T>(doing: string, work: () => Promise<T>) => Promise<T>,
  ) {}

  createSubscription(subscription: NewWebhookSubscription): Promise<WebhookSubscription> {
    return this.call("createSubscription", async () => {
      const tenantId = tenantOf(subscription?.tenantId);
      checkSubscription(subscription);
      const [row] = await this.sql.query<SubscriptionRow>(
        `INSERT INTO tandem_webhooks (id, tenant_id, url, events, secret, description, created_by)
         VALUES ($1, $2, $3, $4::text[], $5, $6, $7) RETURNING ${SUBSCRIPTION_COLUMNS}`,
        [
          `wh_${randomBytes(12).toString("hex")}`,
          tenantId,
          subscription.url,
          [...new Set(subscription.events)],
          subscription.secret,
          subscription.description ?? null,
          subscription.createdBy ?? null,
        ],
      );
      if (row === undefined) throw new Error("INSERT … RETURNING returned no row");
      return toSubscription(row);
    });
  }

  listSubscriptions(tenantId?: string): Promise<WebhookSubscription[]> {
    return this.call("listSubscriptions", async () => {
      const rows = await this.sql.query<SubscriptionRow>(
        `SELECT ${SUBSCRIPTION_COLUMNS} FROM tandem_webhooks WHERE tenant_id = $1 ORDER BY created_at, id`,
        [tenantOf(tenantId)],
      );
      return rows.map(toSubscription);
    });
  }

  deleteSubscription(id: string, tenantId?: string): Promise<boolean> {
    return this.call("deleteSubscription", async () => {
      // Deliveries and their attempts cascade.
      const rows = await this.sql.query("DELETE FROM tandem_webhooks WHERE tenant_id = $1 AND id = $2 RETURNING id", [
        tenantOf(tenantId),
        checkId(id, "a subscription id"),
      ]);
      return rows.length > 0;
    });
  }

  enqueue(event: OutgoingEvent): Promise<number> {
    return this.call("enqueue", async () => {
      const tenantId = tenantOf(event?.tenantId);
      checkEvent(event);
      const rows = await this.sql.query(
        `INSERT INTO tandem_webhook_deliveries (webhook_id, message_id, event_type, body)
         SELECT id, $2, $3, $4 FROM tandem_webhooks WHERE tenant_id = $1 AND $3 = ANY (events)
         ON CONFLICT (webhook_id, message_id) DO NOTHING
         RETURNING id`,
        [tenantId, event.id, event.type, event.body],
      );
      return rows.length;
    });
  }

  claim(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    return this.call("claim", async () => {
      const rows = await this.sql.query<ClaimRow>(CLAIM_SQL, [checkClaimLimit(limit), checkDelay(leaseMs, "a lease")]);
      return rows
        .map((row) => ({
          id: String(row.id),
          messageId: row.message_id,
          subscriptionId: row.webhook_id,
          url: row.url,
          secret: row.secret,
          eventType: row.event_type,
          body: row.body,
          attempt: row.attempts,
        }))
        .sort((a, b) => Number(a.id) - Number(b.id));
    });
  }

  record(delivery: ClaimedDelivery, outcome: AttemptOutcome): Promise<void> {
    return this.call("record", async () => {
      const { next } = outcome;
      const status: DeliveryStatus = typeof next === "number" ? "pending" : next;
      const retryInMs = typeof next === "number" ? checkDelay(next, "a retry delay") : 0;
      await this.sql.transaction(async (tx) => {
        await tx.query(
          // Nothing is recorded for a delivery deleted meanwhile with its subscription.
          `INSERT INTO tandem_webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error)
           SELECT id, $2, $3, $4, $5, $6 FROM tandem_webhook_deliveries WHERE id = $1
           ON CONFLICT (delivery_id, attempt) DO NOTHING`,
          [
            delivery.id,
            delivery.attempt,
            outcome.startedAt,
            Math.max(0, Math.round(outcome.durationMs)),
            outcome.statusCode,
            outcome.error?.slice(0, MAX_ERROR_LENGTH) ?? null,
          ],
        );
        // A receiver's acknowledgment always counts; a retry or give-up only
        // from the latest claimer (a late one must not postpone or end an attempt under way).
        await tx.query(
          `UPDATE tandem_webhook_deliveries
           SET status = $2, next_attempt_at = now() + $3${MILLISECONDS},
               finished_at = CASE WHEN $2 = 'pending' THEN NULL ELSE now() END
           WHERE id = $1 AND status = 'pending' AND ($2 = 'delivered' OR attempts = $4)`,
          [delivery.id, status, retryInMs, delivery.attempt],
        );
      });
    });
  }

  pruneDeliveries(finishedMsAgo: number): Promise<number> {
    return this.call("pruneDeliveries", async () => {
      const rows = await this.sql.query(
        `DELETE FROM tandem_webhook_deliveries
         WHERE status <> 'pending' AND finished_at < now() - $1${MILLISECONDS} RETURNING id`,
        [checkDelay(finishedMsAgo, "an age")],
      );
      return rows.length;
    });
  }

  listDeliveries(subscriptionId: string, options: { tenantId?: string; limit?: number } = {}): Promise<DeliveryInfo[]> {
    return this.call("listDeliveries", async () => {
      const rows = await this.sql.query<DeliveryRow>(
        `SELECT d.id, d.message_id, d.webhook_id, d.event_type, d.status, d.created_at, d.next_attempt_at, d.finished_at
         FROM tandem_webhook_deliveries d JOIN tandem_webhooks w ON w.id = d.webhook_id
         WHERE w.tenant_id = $1 AND d.webhook_id = $2
         ORDER BY d.id DESC LIMIT $3`,
        [tenantOf(options.tenantId), checkId(subscriptionId, "a subscription id"), deliveryListLimit(options.limit)],
      );
      const attempts = rows.length
        ? await this.sql.query<AttemptRow>(
            `SELECT delivery_id, attempt, started_at, duration_ms, status_code, error
             FROM tandem_webhook_attempts WHERE delivery_id = ANY ($1::bigint[]) ORDER BY delivery_id, attempt`,
            [rows.map((row) => String(row.id))],
          )
        : [];
      return rows.map((row) => ({
        id: String(row.id),
        messageId: row.message_id,
        subscriptionId: row.webhook_id,
        eventType: row.event_type,
        status: row.status,
        createdAt: new Date(row.created_at),
        nextAttemptAt: row.status === "pending" ? new Date(row.next_attempt_at) : null,
        finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
        attempts: attempts
          .filter((attempt) => String(attempt.delivery_id) === String(row.id))
          .map((attempt) => ({
            attempt: attempt.attempt,
            startedAt: new Date(attempt.started_at),
            durationMs: attempt.duration_ms,
            statusCode: attempt.status_code,
            error: attempt.error,
          })),
      }));
    });
  }
}
