import type pg from "pg";
import { PersistenceError } from "./errors.js";
import { migrate } from "./migrations.js";
import { createPgClient, createSchemaPool } from "./pg-client.js";
import { SqlDocumentStore, type StoreOptions } from "./sql-store.js";
import type { DocumentStore } from "./store.js";

/** Options of {@link createPostgresStore}: a connection string or a Pool of your own. */
export interface PostgresStoreOptions extends StoreOptions {
  readonly connectionString?: string;
  /** A Pool you manage; its connections must use `schema` as search path. The store does not end it. */
  readonly pool?: pg.Pool;
  /** The schema for Tandem's tables, created if missing. Default `public`. */
  readonly schema?: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A {@link DocumentStore} on Postgres. Migrates the schema before it resolves.
 *
 * @example
 * ```ts
 * const store = await createPostgresStore({ connectionString: process.env.DATABASE_URL });
 * await store.append("spec/42", update); // committed when this resolves
 * ```
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<DocumentStore> {
  const schema = options.schema ?? "public";
  if (!SCHEMA_NAME.test(schema)) {
    throw new PersistenceError("invalid-argument", `schema must match ${SCHEMA_NAME}: ${schema}`);
  }
  if (!options.pool && !options.connectionString) {
    throw new PersistenceError("invalid-argument", "createPostgresStore needs a connectionString or a pool");
  }
  const onError = (error: Error) =>
    options.onBackgroundError?.(
      new PersistenceError("unavailable", `idle Postgres connection failed: ${error.message}`, { cause: error }),
    );
  const pool = options.pool ?? createSchemaPool(options.connectionString ?? "", schema, onError);
  const client = createPgClient(pool, options.pool === undefined);
  try {
    await client.query("SELECT 1");
  } catch (error) {
    await client.close();
    throw new PersistenceError("unavailable", `cannot reach Postgres: ${String(error)}`, { cause: error });
  }
  try {
    await migrate(client, schema);
  } catch (error) {
    await client.close();
    throw error;
  }
  return new SqlDocumentStore("postgres", client, options);
}
