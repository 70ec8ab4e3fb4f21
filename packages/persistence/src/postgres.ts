import type pg from "pg";
import { PersistenceError } from "./errors.js";
import { checkSchemaName, migrate } from "./migrations/migrate.js";
import { resolveStoreOptions, type StoreOptions } from "./options.js";
import { createPgClient, createSchemaPool } from "./pg-client.js";
import { toPersistenceError } from "./sql-errors.js";
import { SqlDocumentStore } from "./sql-store.js";
import type { TandemStore } from "./store.js";

/** Options of {@link createPostgresStore}: a connection string or a Pool of your own. */
export interface PostgresStoreOptions extends StoreOptions {
  /** Where to connect, e.g. `postgres://user@host:5432/db`. */
  readonly connectionString?: string;
  /**
   * A Pool you manage instead; its sessions must use `schema` as search path
   * (checked at start). The store does not end it.
   */
  readonly pool?: pg.Pool;
  /**
   * The schema for Tandem's tables, created if missing; sessions reach it
   * through `search_path`, so tests can use a fresh schema per run. Default
   * `public`.
   */
  readonly schema?: string;
}

/**
 * A {@link TandemStore} on Postgres. The schema is migrated before the
 * promise resolves.
 *
 * @example
 * ```ts
 * const store = await createPostgresStore({ connectionString: process.env.DATABASE_URL });
 * await store.append("spec/42", update); // committed when this resolves
 * ```
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<TandemStore> {
  const schema = options.schema ?? "public";
  checkSchemaName(schema);
  if (options.pool === undefined && !options.connectionString) {
    throw new PersistenceError("invalid-argument", "createPostgresStore needs a connectionString or a pool");
  }
  const { onBackgroundError } = resolveStoreOptions(options);
  const onIdleError = (error: Error) =>
    onBackgroundError(
      new PersistenceError("unavailable", `an idle Postgres connection failed: ${error.message}`, { cause: error }),
    );
  // A Pool connects lazily: creating one here opens no connection yet.
  const pool = options.pool ?? createSchemaPool(options.connectionString ?? "", schema, onIdleError);
  const client = createPgClient(pool, options.pool === undefined);
  let store: SqlDocumentStore | undefined;
  try {
    store = new SqlDocumentStore("postgres", client, options);
    try {
      await client.query("SELECT 1");
    } catch (error) {
      throw new PersistenceError("unavailable", `cannot reach Postgres: ${String(error)}`, { cause: error });
    }
    await Promise.all([migrate(client, schema), store.startMergeThread()]);
    const [row] = await client.query<{ schema: string }>("SELECT current_schema() AS schema");
    if (row?.schema !== schema) {
      throw new PersistenceError("invalid-argument", `the pool's sessions use schema ${row?.schema}, not ${schema}`);
    }
    return store;
  } catch (error) {
    // Closing the store also stops its merge thread.
    await (store?.close() ?? client.close());
    throw toPersistenceError(error, "opening the Postgres store");
  }
}
