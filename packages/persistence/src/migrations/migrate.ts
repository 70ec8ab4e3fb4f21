import { PersistenceError } from "../errors.js";
import type { SqlClient } from "../sql-client.js";
import { initial } from "./0001-initial.js";
import { encodings } from "./0002-encodings.js";
import { attribution } from "./0003-attribution.js";
import { webhooks } from "./0005-webhooks.js";
import { audit } from "./0006-audit.js";
import { notifications } from "./0007-notifications.js";
import { shareLinks } from "./0008-share-links.js";
import { searchText } from "./0010-search-text.js";
import { acceptedBy } from "./0011-accepted-by.js";
import type { Migration } from "./migration.js";

/** Every migration, in order. */
export const migrations: readonly Migration[] = [
  initial,
  encodings,
  attribution,
  webhooks,
  audit,
  notifications,
  shareLinks,
  searchText,
  acceptedBy,
];

// One fixed key for every Tandem instance on a database: instances starting at
// once queue on this lock, so each migration runs exactly once and nobody sees
// a half-built schema. (Document locks use the two-key form, a separate key
// space; see compaction.ts.)
const MIGRATION_LOCK_KEY = 7_461_636_101;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema names are spliced into SQL and connection options, so only plain lower-case identifiers pass. */
export function checkSchemaName(schema: string): void {
  if (typeof schema !== "string" || !SCHEMA_NAME.test(schema)) {
    throw new PersistenceError("invalid-argument", `schema must match ${SCHEMA_NAME}: ${schema}`);
  }
}

/**
 * Brings `schema` up to date in one transaction, under an advisory lock;
 * creates the schema if missing. Idempotent, and safe when several processes
 * run it at once.
 */
export async function migrate(client: SqlClient, schema: string): Promise<void> {
  checkSchemaName(schema);
  try {
    await client.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
      await tx.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      // The sessions of a store already use `schema`; a pool passed in by the
      // caller might not, so the migration says it explicitly.
      await tx.query(`SET LOCAL search_path TO ${schema}`);
      await tx.query(
        `CREATE TABLE IF NOT EXISTS tandem_schema_migrations (
          version integer PRIMARY KEY,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`,
      );
      const rows = await tx.query<{ version: number }>("SELECT version FROM tandem_schema_migrations");
      const applied = new Set(rows.map((row) => row.version));
      for (const migration of migrations) {
        if (applied.has(migration.version)) continue;
        for (const statement of migration.statements) await tx.query(statement);
        await tx.query("INSERT INTO tandem_schema_migrations (version) VALUES ($1)", [migration.version]);
      }
    });
  } catch (error) {
    throw new PersistenceError("migration-failed", `could not migrate schema ${schema}: ${String(error)}`, {
      cause: error,
    });
  }
}
