import type { Migration } from "./migration.js";

/**
 * Webhook subscriptions and their outbox (see docs/webhooks.md).
 *
 * - `tandem_webhooks`: one row per subscription. `tenant_id` is `'default'`
 *   until tenants exist; every query is scoped by it already, so tenants slot
 *   in without a migration of the queries. The signing secret is kept in
 *   clear: the server needs it to sign every delivery.
 * - `tandem_webhook_deliveries`: the outbox, one row per event and
 *   subscription. `message_id` is the event's id (the `webhook-id` header),
 *   unique per subscription, so queuing one event twice sends it once.
 *   `next_attempt_at` is both when a pending delivery is due and, once
 *   claimed, the end of the claimer's lease: a claimed row is not due again
 *   until the lease runs out, which is how a delivery whose sender died is
 *   taken up again. One partial index holds only pending rows, the ones the
 *   claim query reads; the other finished ones, the ones pruning reads.
 * - `tandem_webhook_attempts`: every attempt, with its response code (NULL
 *   when none came), duration and error.
 */
export const webhooks: Migration = {
  version: 5,
  statements: [
    `CREATE TABLE tandem_webhooks (
      id text PRIMARY KEY,
      tenant_id text NOT NULL DEFAULT 'default',
      url text NOT NULL,
      events text[] NOT NULL,
      secret text NOT NULL,
      description text,
      created_by text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    "CREATE INDEX tandem_webhooks_tenant ON tandem_webhooks (tenant_id, created_at)",
    `CREATE TABLE tandem_webhook_deliveries (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      webhook_id text NOT NULL REFERENCES tandem_webhooks (id) ON DELETE CASCADE,
      message_id text NOT NULL,
      event_type text NOT NULL,
      body text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      UNIQUE (webhook_id, message_id)
    )`,
    `CREATE INDEX tandem_webhook_deliveries_due ON tandem_webhook_deliveries (next_attempt_at, id)
      WHERE status = 'pending'`,
    `CREATE INDEX tandem_webhook_deliveries_finished ON tandem_webhook_deliveries (finished_at)
      WHERE status <> 'pending'`,
    `CREATE TABLE tandem_webhook_attempts (
      delivery_id bigint NOT NULL REFERENCES tandem_webhook_deliveries (id) ON DELETE CASCADE,
      attempt integer NOT NULL,
      started_at timestamptz NOT NULL,
      duration_ms integer NOT NULL,
      status_code integer,
      error text,
      PRIMARY KEY (delivery_id, attempt)
    )`,
  ],
};
