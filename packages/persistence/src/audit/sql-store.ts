import type { SqlExecutor } from "../sql-client.js";
import type { JsonValue } from "../store.js";
import { DEFAULT_TENANT } from "../tenant.js";
import { invalid } from "../validation.js";
import type { AuditEntry, AuditLog, AuditQuery, NewAuditEntry } from "./store.js";
import { checkNewEntry, checkQuery } from "./validation.js";

interface EntryRow {
  id: string | number;
  at: Date;
  tenant: string;
  action: string;
  actor: string | null;
  actor_name: string | null;
  document_name: string | null;
  address: string | null;
  details: { [key: string]: JsonValue };
}

const COLUMNS = "id, at, tenant, action, actor, actor_name, document_name, address, details";

function toEntry(row: EntryRow): AuditEntry {
  return {
    id: String(row.id),
    at: new Date(row.at),
    tenant: row.tenant,
    action: row.action,
    actor: row.actor,
    actorName: row.actor_name,
    document: row.document_name,
    address: row.address,
    details: row.details,
  };
}

/**
 * The {@link AuditLog} over the store's SQL client: the same statements on
 * Postgres and PGlite. `call` is the store's, so that a closed store refuses
 * and errors become `PersistenceError`s as for documents.
 */
export class SqlAuditLog implements AuditLog {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly call: <T>(doing: string, work: () => Promise<T>) => Promise<T>,
  ) {}

  record(entry: NewAuditEntry): Promise<AuditEntry> {
    return this.call("audit record", async () => {
      checkNewEntry(entry);
      const [row] = await this.sql.query<EntryRow>(
        `INSERT INTO tandem_audit (tenant, action, actor, actor_name, document_name, address, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING ${COLUMNS}`,
        [
          entry.tenant ?? DEFAULT_TENANT,
          entry.action,
          entry.actor,
          entry.actorName ?? null,
          entry.document ?? null,
          entry.address ?? null,
          JSON.stringify(entry.details ?? {}),
        ],
      );
      if (row === undefined) throw new Error("INSERT … RETURNING returned no row");
      return toEntry(row);
    });
  }

  query(query: AuditQuery = {}): Promise<AuditEntry[]> {
    return this.call("audit query", async () => {
      const { limit, order } = checkQuery(query);
      // Every filter is a parameter; one given as null matches everything, so one statement serves all combinations.
      const rows = await this.sql.query<EntryRow>(
        `SELECT ${COLUMNS} FROM tandem_audit
         WHERE tenant = $1
           AND ($2::text IS NULL OR actor = $2)
           AND ($3::text IS NULL OR document_name = $3)
           AND ($4::text IS NULL OR action = $4)
           AND ($5::timestamptz IS NULL OR at >= $5)
           AND ($6::timestamptz IS NULL OR at < $6)
           AND ($7::bigint IS NULL OR ${order === "asc" ? "id > $7" : "id < $7"})
         ORDER BY id ${order === "asc" ? "ASC" : "DESC"}
         LIMIT $8`,
        [
          query.tenant ?? DEFAULT_TENANT,
          query.actor ?? null,
          query.document ?? null,
          query.action ?? null,
          query.from ?? null,
          query.to ?? null,
          query.after ?? null,
          limit,
        ],
      );
      return rows.map(toEntry);
    });
  }

  forget(actor: string, tenant?: string): Promise<number> {
    return this.call("audit forget", async () => {
      if (typeof actor !== "string" || actor === "") invalid("actor must be a non-empty string");
      if (tenant !== undefined && (typeof tenant !== "string" || tenant === "")) {
        invalid("tenant must be a non-empty string");
      }
      const rows = await this.sql.query<{ id: string }>(
        `UPDATE tandem_audit SET actor_name = NULL, address = NULL
         WHERE actor = $1 AND ($2::text IS NULL OR tenant = $2)
           AND (actor_name IS NOT NULL OR address IS NOT NULL) RETURNING id`,
        [actor, tenant ?? null],
      );
      return rows.length;
    });
  }
}
