import type { Migration } from "./migration.js";

/**
 * Inboxes, follows and email digests (see docs/notifications.md). Every row is
 * keyed by tenant and user id.
 *
 * - `tandem_notifications`: one row per notification. `dedupe_key` is unique
 *   per recipient so that producing one again (a retry) adds nothing.
 *   `emailed_at` marks those a digest sent or deliberately left out.
 * - `tandem_notification_follows`: who follows which document; `following`
 *   false is an explicit unfollow, which following by default must not undo.
 * - `tandem_notification_people`: what the last token of a person said (name,
 *   email, access patterns, so that digests and producers can check access
 *   without the person online), their email mode, and `digest_due_at`: when
 *   their next digest is due, or, once claimed, the end of the sender's lease
 *   (a sender that died leaves it to be claimed again). Durable, so a restart
 *   loses no digest.
 */
export const notifications: Migration = {
  version: 7,
  statements: [
    `CREATE TABLE tandem_notifications (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      tenant text NOT NULL,
      recipient text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('mention', 'reply', 'owner', 'status', 'suggestion')),
      document_name text NOT NULL,
      thread_id text,
      comment_id text,
      actor text,
      actor_name text,
      excerpt text,
      dedupe_key text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      read_at timestamptz,
      emailed_at timestamptz,
      UNIQUE (tenant, recipient, dedupe_key)
    )`,
    "CREATE INDEX tandem_notifications_inbox ON tandem_notifications (tenant, recipient, id)",
    `CREATE INDEX tandem_notifications_unread ON tandem_notifications (tenant, recipient, id)
      WHERE read_at IS NULL`,
    `CREATE TABLE tandem_notification_follows (
      tenant text NOT NULL,
      document_name text NOT NULL,
      user_id text NOT NULL,
      following boolean NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant, document_name, user_id)
    )`,
    `CREATE TABLE tandem_notification_people (
      tenant text NOT NULL,
      user_id text NOT NULL,
      name text,
      email text,
      email_mode text NOT NULL DEFAULT 'all' CHECK (email_mode IN ('all', 'mentions', 'none')),
      access jsonb,
      digest_due_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant, user_id)
    )`,
    "CREATE INDEX tandem_notification_people_name ON tandem_notification_people (tenant, lower(name))",
    `CREATE INDEX tandem_notification_people_due ON tandem_notification_people (digest_due_at)
      WHERE digest_due_at IS NOT NULL`,
  ],
};
