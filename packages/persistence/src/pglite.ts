import { PGlite } from "@electric-sql/pglite";
import { PersistenceError } from "./errors.js";
import { migrate } from "./migrations/migrate.js";
import { resolveStoreOptions, type StoreOptions } from "./options.js";
import { createPGliteClient } from "./pglite-client.js";
import { SqlDocumentStore } from "./sql-store.js";
import type { TandemStore } from "./store.js";

/** Options of {@link createPGliteStore}. */
export interface PGliteStoreOptions extends StoreOptions {
  /** Where PGlite keeps its files; omitted, the database lives in memory. */
  readonly dataDir?: string;
}

/**
 * A {@link TandemStore} on embedded PGlite (Postgres compiled to WASM): the
 * zero-setup default, running the very same SQL as `createPostgresStore`. One
 * process at a time may open a `dataDir`.
 *
 * @example
 * ```ts
 * const store = await createPGliteStore({ dataDir: "./data" });
 * ```
 */
export async function createPGliteStore(options: PGliteStoreOptions = {}): Promise<TandemStore> {
  // Bad options fail before PGlite spends a second starting.
  resolveStoreOptions(options);
  let db: PGlite;
  try {
    db = await PGlite.create(options.dataDir);
  } catch (error) {
    throw new PersistenceError(
      "unavailable",
      `cannot open PGlite in ${options.dataDir ?? "memory"}: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  const client = createPGliteClient(db);
  let store: SqlDocumentStore | undefined;
  try {
    store = new SqlDocumentStore("pglite", client, options);
    await Promise.all([migrate(client, "public"), store.startMergeThread()]);
    return store;
  } catch (error) {
    // Closing the store also stops its merge thread.
    await (store?.close() ?? client.close());
    throw error;
  }
}
