import { PersistenceError } from "./errors.js";
import type { SqlClient } from "./sql-client.js";

// A constant advisory-lock key: every Tandem instance migrating the same
// database takes the same lock, so two instances starting at once apply each
// migration exactly once.
const MIGRATION_LOCK_KEY = 7_461_636_101;

/**
 * Numbered migrations. Never edit one that has shipped; add the next.
 *
 * Updates are stored as they arrive on the wire (Yjs V1); snapshots as V2,
 * which is about half the size for text-heavy documents.
 */
const migrations: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE tandem_documents (
        name text PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        snapshot bytea,
        snapshot_bytes integer NOT NULL DEFAULT 0
      );
      CREATE INDEX tandem_documents_updated_at ON tandem_documents (updated_at DESC);
      CREATE TABLE tandem_updates (
        document_name text NOT NULL,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        data bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (document_name, seq)
      );
      CREATE TABLE tandem_versions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        document_name text NOT NULL REFERENCES tandem_documents (name) ON DELETE CASCADE,
        label text,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        state bytea NOT NULL
      );
      CREATE INDEX tandem_versions_document ON tandem_versions (document_name, id DESC);
    `,
  },
];

/** Brings the schema up to date; safe to run from several processes at once. */
export async function migrate(client: SqlClient, schema: string): Promise<void> {
  try {
    await client.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
      await tx.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await tx.query(`SET LOCAL search_path TO ${schema}`);
      await tx.query(
        "CREATE TABLE IF NOT EXISTS tandem_schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
      );
      const applied = new Set(
        (await tx.query<{ version: number }>("SELECT version FROM tandem_schema_migrations")).map((row) => row.version),
      );
      for (const migration of migrations) {
        if (applied.has(migration.version)) continue;
        for (const statement of migration.sql.split(";").filter((part) => part.trim() !== "")) {
          await tx.query(statement);
        }
        await tx.query("INSERT INTO tandem_schema_migrations (version) VALUES ($1)", [migration.version]);
      }
    });
  } catch (error) {
    throw new PersistenceError("migration-failed", `could not migrate schema ${schema}: ${String(error)}`, {
      cause: error,
    });
  }
}
