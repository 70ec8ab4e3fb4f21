import { createHash, randomBytes } from "node:crypto";
import type { SqlClient } from "../sql-client.js";
import { checkId, invalid } from "../validation.js";
import type {
  NewShareLink,
  Redemption,
  ShareGrant,
  ShareLink,
  ShareLinkStore,
  ShareLinkUser,
  ShareRole,
} from "./store.js";
import { checkDocument, checkNewLink, checkUser, isWellFormedSecret } from "./validation.js";

interface LinkRow {
  id: string;
  tenant: string;
  document_name: string;
  role: ShareRole;
  created_by: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
}

interface GrantRow {
  link_id: string;
  document_name: string;
  role: ShareRole;
  user_id: string;
  user_name: string;
  first_used_at: Date;
  expires_at: Date | null;
}

const LINK_COLUMNS = "id, tenant, document_name, role, created_by, created_at, expires_at, revoked_at, revoked_by";

// Judged on the database's clock, so that every instance agrees when a link expires.
const IN_FORCE = "l.revoked_at IS NULL AND (l.expires_at IS NULL OR l.expires_at > now())";

const ALL_GRANTS = `
  SELECT g.link_id, l.document_name, l.role, g.user_id, g.user_name, g.first_used_at, l.expires_at
  FROM tandem_share_grants g JOIN tandem_share_links l ON l.id = g.link_id
  WHERE l.tenant = $1`;

const GRANTS = `${ALL_GRANTS} AND ${IN_FORCE}`;

const MAX_SHARED = 1000;

const dateOrNull = (value: Date | null) => (value === null ? null : new Date(value));

function toLink(row: LinkRow): ShareLink {
  return {
    id: row.id,
    tenant: row.tenant,
    document: row.document_name,
    role: row.role,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    expiresAt: dateOrNull(row.expires_at),
    revokedAt: dateOrNull(row.revoked_at),
    revokedBy: row.revoked_by,
  };
}

function toGrant(row: GrantRow): ShareGrant {
  return {
    linkId: row.link_id,
    document: row.document_name,
    role: row.role,
    userId: row.user_id,
    userName: row.user_name,
    grantedAt: new Date(row.first_used_at),
    expiresAt: dateOrNull(row.expires_at),
  };
}

/** What is stored of a secret: its SHA-256, so that reading the table opens nothing. */
function hashOf(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/**
 * The {@link ShareLinkStore} of the Postgres and PGlite stores, on the same
 * {@link SqlClient} as their documents; `call` is the document store's (see
 * `SqlWebhookStore`).
 */
export class SqlShareLinkStore implements ShareLinkStore {
  constructor(
    private readonly sql: SqlClient,
    private readonly call: <T>(doing: string, work: () => Promise<T>) => Promise<T>,
  ) {}

  createLink(link: NewShareLink): Promise<{ link: ShareLink; secret: string }> {
    return this.call("createLink", async () => {
      checkNewLink(link);
      const secret = randomBytes(32).toString("base64url");
      const [row] = await this.sql.query<LinkRow>(
        `INSERT INTO tandem_share_links (id, tenant, document_name, role, secret_hash, created_by, expires_at)
         SELECT $1, $2, $3, $4, $5, $6, $7::timestamptz WHERE $7::timestamptz IS NULL OR $7::timestamptz > now()
         RETURNING ${LINK_COLUMNS}`,
        [
          `sl_${randomBytes(12).toString("hex")}`,
          link.tenant,
          link.document,
          link.role,
          hashOf(secret),
          link.createdBy,
          link.expiresAt ?? null,
        ],
      );
      if (row === undefined) invalid("expiresAt must be in the future");
      return { link: toLink(row), secret };
    });
  }

  listLinks(tenant: string, document: string): Promise<ShareLink[]> {
    return this.call("listLinks", async () => {
      checkDocument(tenant, document);
      const rows = await this.sql.query<LinkRow>(
        `SELECT ${LINK_COLUMNS} FROM tandem_share_links WHERE tenant = $1 AND document_name = $2 ORDER BY created_at, id`,
        [tenant, document],
      );
      return rows.map(toLink);
    });
  }

  revokeLink(tenant: string, document: string, id: string, revokedBy: string): Promise<ShareLink | undefined> {
    return this.call("revokeLink", async () => {
      checkDocument(tenant, document);
      const [row] = await this.sql.query<LinkRow>(
        `UPDATE tandem_share_links
         SET revoked_at = COALESCE(revoked_at, now()), revoked_by = COALESCE(revoked_by, $4)
         WHERE tenant = $1 AND document_name = $2 AND id = $3 RETURNING ${LINK_COLUMNS}`,
        [tenant, document, checkId(id, "a link id"), checkId(revokedBy, "revokedBy")],
      );
      return row === undefined ? undefined : toLink(row);
    });
  }

  redeem(tenant: string, secret: string, user: ShareLinkUser): Promise<Redemption> {
    return this.call("redeem", async () => {
      checkId(tenant, "a tenant");
      checkUser(user);
      if (!isWellFormedSecret(secret)) return { ok: false, reason: "unknown" } as const;
      // One statement: the grant is made only from a link in force at that moment. A revocation committed
      // just after leaves a grant behind that never works (every read joins the link in force).
      const [row] = await this.sql.query<LinkRow & { in_force: boolean }>(
        `WITH link AS (
           SELECT ${LINK_COLUMNS}, (${IN_FORCE}) AS in_force
           FROM tandem_share_links l WHERE secret_hash = $1 AND tenant = $2),
         granted AS (
           INSERT INTO tandem_share_grants (link_id, user_id, user_name)
           SELECT id, $3, $4 FROM link WHERE in_force
           ON CONFLICT (link_id, user_id) DO UPDATE SET last_used_at = now(), user_name = EXCLUDED.user_name
           RETURNING link_id)
         SELECT * FROM link`,
        [hashOf(secret), tenant, user.id, user.name],
      );
      if (row === undefined) return { ok: false, reason: "unknown" } as const;
      if (row.in_force) return { ok: true, link: toLink(row) } as const;
      return { ok: false, reason: row.revoked_at !== null ? "revoked" : "expired" } as const;
    });
  }

  sharedWith(tenant: string, userId: string, document?: string): Promise<ShareGrant[]> {
    return this.call("sharedWith", async () => {
      checkId(tenant, "a tenant");
      checkId(userId, "a user id");
      if (document !== undefined) checkDocument(tenant, document);
      const rows = await this.sql.query<GrantRow>(
        `${GRANTS} AND g.user_id = $2 AND ($3::text IS NULL OR l.document_name = $3)
         ORDER BY g.first_used_at DESC, g.link_id LIMIT ${MAX_SHARED}`,
        [tenant, userId, document ?? null],
      );
      return rows.map(toGrant);
    });
  }

  grantsOf(tenant: string, userId: string): Promise<ShareGrant[]> {
    return this.call("grantsOf", async () => {
      checkId(tenant, "a tenant");
      checkId(userId, "a user id");
      const rows = await this.sql.query<GrantRow>(
        `${ALL_GRANTS} AND g.user_id = $2 ORDER BY g.first_used_at, g.link_id`,
        [tenant, userId],
      );
      return rows.map(toGrant);
    });
  }

  forgetUser(tenant: string, userId: string): Promise<number> {
    return this.call("forgetUser", async () => {
      checkId(tenant, "a tenant");
      checkId(userId, "a user id");
      const rows = await this.sql.query<{ link_id: string }>(
        `DELETE FROM tandem_share_grants g USING tandem_share_links l
         WHERE l.id = g.link_id AND l.tenant = $1 AND g.user_id = $2 RETURNING g.link_id`,
        [tenant, userId],
      );
      return rows.length;
    });
  }

  grantsOn(tenant: string, document: string): Promise<ShareGrant[]> {
    return this.call("grantsOn", async () => {
      checkDocument(tenant, document);
      const rows = await this.sql.query<GrantRow>(
        `${GRANTS} AND l.document_name = $2 ORDER BY g.first_used_at, g.user_id, g.link_id`,
        [tenant, document],
      );
      return rows.map(toGrant);
    });
  }
}
