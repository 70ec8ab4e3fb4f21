import type { SqlClient } from "../sql-client.js";
import { checkId, checkName } from "../validation.js";
import { checkClaimLimit, checkDelay } from "../webhooks/validation.js";
import type {
  DigestBatch,
  EmailMode,
  InboxQuery,
  NewNotification,
  Notification,
  NotificationKind,
  NotificationStore,
  Person,
  PersonProfile,
} from "./store.js";
import { checkEmailMode, checkIds, checkNotifications, checkPerson, checkProfile, checkQuery } from "./validation.js";

interface NotificationRow {
  id: string | number;
  tenant: string;
  recipient: string;
  kind: NotificationKind;
  document_name: string;
  thread_id: string | null;
  comment_id: string | null;
  actor: string | null;
  actor_name: string | null;
  excerpt: string | null;
  created_at: Date;
  read_at: Date | null;
}

interface PersonRow {
  tenant: string;
  user_id: string;
  name: string | null;
  email: string | null;
  email_mode: EmailMode;
  access: Record<string, string> | null;
}

const COLUMNS =
  "id, tenant, recipient, kind, document_name, thread_id, comment_id, actor, actor_name, excerpt, created_at, read_at";
const QUALIFIED_COLUMNS = COLUMNS.split(", ")
  .map((column) => `n.${column}`)
  .join(", ");
const PERSON_COLUMNS = "tenant, user_id, name, email, email_mode, access";
const MILLISECONDS = "::double precision * interval '1 millisecond'";
const DIGEST_SIZE = 50;

// What a digest may hold: unread, not yet emailed, and of a kind the person's mode covers.
const DIGESTIBLE = `n.read_at IS NULL AND n.emailed_at IS NULL
  AND (p.email_mode = 'all' OR (p.email_mode = 'mentions' AND n.kind = 'mention'))`;

function toNotification(row: NotificationRow): Notification {
  return {
    id: String(row.id),
    tenant: row.tenant,
    recipient: row.recipient,
    kind: row.kind,
    document: row.document_name,
    threadId: row.thread_id,
    commentId: row.comment_id,
    actor: row.actor,
    actorName: row.actor_name,
    excerpt: row.excerpt,
    createdAt: new Date(row.created_at),
    readAt: row.read_at === null ? null : new Date(row.read_at),
  };
}

function toProfile(row: PersonRow): PersonProfile {
  return {
    tenant: row.tenant,
    userId: row.user_id,
    name: row.name,
    email: row.email,
    emailMode: row.email_mode,
    access: row.access,
  };
}

/** The {@link NotificationStore} of the Postgres and PGlite stores; `call` is the document store's (see `SqlWebhookStore`). */
export class SqlNotificationStore implements NotificationStore {
  constructor(
    private readonly sql: SqlClient,
    private readonly call: <T>(doing: string, work: () => Promise<T>) => Promise<T>,
  ) {}

  add(notifications: readonly NewNotification[], digestDelayMs: number): Promise<Notification[]> {
    return this.call("addNotifications", async () => {
      const rows = checkNotifications(notifications);
      const delay = checkDelay(digestDelayMs, "a digest delay");
      if (rows.length === 0) return [];
      const columns = Array.from({ length: 10 }, (_, i) => rows.map((row) => row[i]));
      return this.sql.transaction(async (tx) => {
        const added = await tx.query<NotificationRow>(
          `INSERT INTO tandem_notifications
             (tenant, recipient, kind, document_name, thread_id, comment_id, actor, actor_name, excerpt, dedupe_key)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
             $8::text[], $9::text[], $10::text[])
           ON CONFLICT (tenant, recipient, dedupe_key) DO NOTHING
           RETURNING ${COLUMNS}`,
          columns,
        );
        // One digest at a time per person: an earlier due time stands, so the first unread sets the batch's window.
        await tx.query(
          `UPDATE tandem_notification_people p SET digest_due_at = now() + $4${MILLISECONDS}
           FROM unnest($1::text[], $2::text[], $3::text[]) AS n (tenant, recipient, kind)
           WHERE p.tenant = n.tenant AND p.user_id = n.recipient AND p.digest_due_at IS NULL AND p.email IS NOT NULL
             AND (p.email_mode = 'all' OR (p.email_mode = 'mentions' AND n.kind = 'mention'))`,
          [added.map((row) => row.tenant), added.map((row) => row.recipient), added.map((row) => row.kind), delay],
        );
        return added.map(toNotification).sort((a, b) => Number(a.id) - Number(b.id));
      });
    });
  }

  list(person: Person, query: InboxQuery = {}): Promise<Notification[]> {
    return this.call("listNotifications", async () => {
      const { tenant, userId } = checkPerson(person);
      const { before, unreadOnly, limit } = checkQuery(query);
      const rows = await this.sql.query<NotificationRow>(
        `SELECT ${COLUMNS} FROM tandem_notifications
         WHERE tenant = $1 AND recipient = $2 AND ($3::bigint IS NULL OR id < $3::bigint)
           AND (NOT $4::boolean OR read_at IS NULL)
         ORDER BY id DESC LIMIT $5`,
        [tenant, userId, before, unreadOnly, limit],
      );
      return rows.map(toNotification);
    });
  }

  unreadByDocument(person: Person): Promise<Map<string, number>> {
    return this.call("unreadByDocument", async () => {
      const { tenant, userId } = checkPerson(person);
      const rows = await this.sql.query<{ document_name: string; unread: string | number }>(
        `SELECT document_name, count(*) AS unread FROM tandem_notifications
         WHERE tenant = $1 AND recipient = $2 AND read_at IS NULL GROUP BY document_name`,
        [tenant, userId],
      );
      return new Map(rows.map((row) => [row.document_name, Number(row.unread)]));
    });
  }

  markRead(person: Person, ids: readonly string[]): Promise<number> {
    return this.call("markRead", async () => {
      const { tenant, userId } = checkPerson(person);
      const rows = await this.sql.query(
        `UPDATE tandem_notifications SET read_at = now()
         WHERE tenant = $1 AND recipient = $2 AND id = ANY ($3::bigint[]) AND read_at IS NULL RETURNING id`,
        [tenant, userId, checkIds(ids)],
      );
      return rows.length;
    });
  }

  markAllRead(person: Person): Promise<number> {
    return this.call("markAllRead", async () => {
      const { tenant, userId } = checkPerson(person);
      const rows = await this.sql.query(
        `UPDATE tandem_notifications SET read_at = now()
         WHERE tenant = $1 AND recipient = $2 AND read_at IS NULL RETURNING id`,
        [tenant, userId],
      );
      return rows.length;
    });
  }

  forgetDocument(tenant: string, document: string): Promise<string[]> {
    return this.call("forgetDocument", async () => {
      checkName(document);
      const params = [checkId(tenant, "a tenant"), document];
      return this.sql.transaction(async (tx) => {
        await tx.query("DELETE FROM tandem_notification_follows WHERE tenant = $1 AND document_name = $2", params);
        const rows = await tx.query<{ recipient: string }>(
          "DELETE FROM tandem_notifications WHERE tenant = $1 AND document_name = $2 RETURNING recipient",
          params,
        );
        return [...new Set(rows.map((row) => row.recipient))].sort();
      });
    });
  }

  forgetPerson(person: Person): Promise<number> {
    return this.call("forgetPerson", async () => {
      const { tenant, userId } = checkPerson(person);
      const params = [tenant, userId];
      return this.sql.transaction(async (tx) => {
        const own = await tx.query(
          "DELETE FROM tandem_notifications WHERE tenant = $1 AND recipient = $2 RETURNING id",
          params,
        );
        const caused = await tx.query(
          `UPDATE tandem_notifications SET actor_name = NULL, excerpt = NULL
           WHERE tenant = $1 AND actor = $2 AND (actor_name IS NOT NULL OR excerpt IS NOT NULL) RETURNING id`,
          params,
        );
        await tx.query("DELETE FROM tandem_notification_follows WHERE tenant = $1 AND user_id = $2", params);
        await tx.query("DELETE FROM tandem_notification_people WHERE tenant = $1 AND user_id = $2", params);
        return own.length + caused.length;
      });
    });
  }

  setFollowing(person: Person, document: string, following: boolean): Promise<void> {
    return this.call("setFollowing", async () => {
      const { tenant, userId } = checkPerson(person);
      checkName(document);
      await this.sql.query(
        `INSERT INTO tandem_notification_follows (tenant, document_name, user_id, following) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant, document_name, user_id) DO UPDATE SET following = $4, updated_at = now()`,
        [tenant, document, userId, following === true],
      );
    });
  }

  followByDefault(tenant: string, document: string, userIds: readonly string[]): Promise<void> {
    return this.call("followByDefault", async () => {
      checkName(document);
      const people = userIds.map((userId) => checkPerson({ tenant, userId }).userId);
      if (people.length === 0) return;
      await this.sql.query(
        `INSERT INTO tandem_notification_follows (tenant, document_name, user_id, following)
         SELECT $1, $2, user_id, true FROM unnest($3::text[]) AS user_id
         ON CONFLICT (tenant, document_name, user_id) DO NOTHING`,
        [checkId(tenant, "a tenant"), document, [...new Set(people)]],
      );
    });
  }

  isFollowing(person: Person, document: string): Promise<boolean | null> {
    return this.call("isFollowing", async () => {
      const { tenant, userId } = checkPerson(person);
      checkName(document);
      const [row] = await this.sql.query<{ following: boolean }>(
        "SELECT following FROM tandem_notification_follows WHERE tenant = $1 AND document_name = $2 AND user_id = $3",
        [tenant, document, userId],
      );
      return row?.following ?? null;
    });
  }

  followedBy(person: Person): Promise<string[]> {
    return this.call("followedBy", async () => {
      const { tenant, userId } = checkPerson(person);
      const rows = await this.sql.query<{ document_name: string }>(
        `SELECT document_name FROM tandem_notification_follows
         WHERE tenant = $1 AND user_id = $2 AND following ORDER BY document_name`,
        [tenant, userId],
      );
      return rows.map((row) => row.document_name);
    });
  }

  followers(tenant: string, document: string): Promise<string[]> {
    return this.call("followers", async () => {
      checkName(document);
      const rows = await this.sql.query<{ user_id: string }>(
        `SELECT user_id FROM tandem_notification_follows
         WHERE tenant = $1 AND document_name = $2 AND following ORDER BY user_id`,
        [checkId(tenant, "a tenant"), document],
      );
      return rows.map((row) => row.user_id);
    });
  }

  recordPerson(profile: Omit<PersonProfile, "emailMode">): Promise<void> {
    return this.call("recordPerson", async () => {
      const { tenant, userId } = checkPerson(profile);
      const [name, email, access] = checkProfile(profile);
      // Written only when something changed: this runs on every visit.
      await this.sql.query(
        `INSERT INTO tandem_notification_people (tenant, user_id, name, email, access)
         VALUES ($1, $2, $3, $4, $5::jsonb)
         ON CONFLICT (tenant, user_id) DO UPDATE SET name = $3, email = $4, access = $5::jsonb, updated_at = now()
         WHERE (tandem_notification_people.name, tandem_notification_people.email, tandem_notification_people.access)
           IS DISTINCT FROM ($3, $4, $5::jsonb)`,
        [tenant, userId, name, email, access],
      );
    });
  }

  person(person: Person): Promise<PersonProfile | undefined> {
    return this.call("person", async () => {
      const { tenant, userId } = checkPerson(person);
      const [row] = await this.sql.query<PersonRow>(
        `SELECT ${PERSON_COLUMNS} FROM tandem_notification_people WHERE tenant = $1 AND user_id = $2`,
        [tenant, userId],
      );
      return row && toProfile(row);
    });
  }

  findPeople(tenant: string, nameOrId: string): Promise<string[]> {
    return this.call("findPeople", async () => {
      const rows = await this.sql.query<{ user_id: string }>(
        `SELECT user_id FROM tandem_notification_people
         WHERE tenant = $1 AND (user_id = $2 OR lower(name) = lower($2)) ORDER BY user_id`,
        [checkId(tenant, "a tenant"), checkId(nameOrId, "a name or user id")],
      );
      return rows.map((row) => row.user_id);
    });
  }

  setEmailMode(person: Person, mode: EmailMode): Promise<void> {
    return this.call("setEmailMode", async () => {
      const { tenant, userId } = checkPerson(person);
      await this.sql.query(
        `INSERT INTO tandem_notification_people (tenant, user_id, email_mode) VALUES ($1, $2, $3)
         ON CONFLICT (tenant, user_id) DO UPDATE SET email_mode = $3, updated_at = now(),
           digest_due_at = CASE WHEN $3 = 'none' THEN NULL ELSE tandem_notification_people.digest_due_at END`,
        [tenant, userId, checkEmailMode(mode)],
      );
    });
  }

  claimDigests(limit: number, leaseMs: number): Promise<DigestBatch[]> {
    return this.call("claimDigests", async () => {
      // FOR UPDATE SKIP LOCKED: claimers running at once (other instances) each get people no other holds.
      const people = await this.sql.query<PersonRow>(
        `UPDATE tandem_notification_people SET digest_due_at = now() + $2${MILLISECONDS}
         WHERE (tenant, user_id) IN (
           SELECT tenant, user_id FROM tandem_notification_people
           WHERE digest_due_at <= now() ORDER BY digest_due_at LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING ${PERSON_COLUMNS}`,
        [checkClaimLimit(limit), checkDelay(leaseMs, "a lease")],
      );
      const batches: DigestBatch[] = [];
      for (const row of people) {
        const notifications = await this.sql.query<NotificationRow>(
          `SELECT ${QUALIFIED_COLUMNS} FROM tandem_notifications n
           JOIN tandem_notification_people p ON p.tenant = n.tenant AND p.user_id = n.recipient
           WHERE n.tenant = $1 AND n.recipient = $2 AND ${DIGESTIBLE} ORDER BY n.id LIMIT ${DIGEST_SIZE}`,
          [row.tenant, row.user_id],
        );
        batches.push({ person: toProfile(row), notifications: notifications.map(toNotification) });
      }
      return batches;
    });
  }

  finishDigest(person: Person, settled: readonly string[], digestDelayMs: number): Promise<void> {
    return this.call("finishDigest", async () => {
      const { tenant, userId } = checkPerson(person);
      const ids = checkIds(settled);
      const delay = checkDelay(digestDelayMs, "a digest delay");
      await this.sql.transaction(async (tx) => {
        await tx.query(
          `UPDATE tandem_notifications SET emailed_at = now()
           WHERE tenant = $1 AND recipient = $2 AND id = ANY ($3::bigint[])`,
          [tenant, userId, ids],
        );
        await tx.query(
          `UPDATE tandem_notification_people p SET digest_due_at = CASE
             WHEN p.email IS NOT NULL AND EXISTS (
               SELECT 1 FROM tandem_notifications n WHERE n.tenant = p.tenant AND n.recipient = p.user_id AND ${DIGESTIBLE})
             THEN now() + $3${MILLISECONDS} END
           WHERE p.tenant = $1 AND p.user_id = $2`,
          [tenant, userId, delay],
        );
      });
    });
  }
}
