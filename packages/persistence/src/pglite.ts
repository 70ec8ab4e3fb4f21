import { PGlite } from "@electric-sql/pglite";
import { type DataDirLock, lockDataDir } from "./data-dir-lock.js";
import { PersistenceError } from "./errors.js";
import { migrate } from "./migrations/migrate.js";
import { resolveStoreOptions, type StoreOptions } from "./options.js";
import { createPGliteClient } from "./pglite-client.js";
import type { SqlClient } from "./sql-client.js";
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
 * process at a time may open a `dataDir`: a second is refused with `locked`
 * (see {@link lockDataDir}) until the first closes its store or exits.
 *
 * @example
 * ```ts
 * const store = await createPGliteStore({ dataDir: "./data" });
 * ```
 */
export async function createPGliteStore(options: PGliteStoreOptions = {}): Promise<TandemStore> {
  // Bad options fail before PGlite spends a second starting.
  resolveStoreOptions(options);
  const lock = options.dataDir === undefined ? undefined : await lockDataDir(options.dataDir);
  let db: PGlite;
  try {
    db = await PGlite.create(options.dataDir);
  } catch (error) {
    await lock?.release();
    throw new PersistenceError(
      "unavailable",
      `cannot open PGlite in ${options.dataDir ?? "memory"}: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  const client = releasingOnClose(createPGliteClient(db), lock);
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

/** `client`, whose `close` also gives up the data directory, once PGlite has written its last page. */
function releasingOnClose(client: SqlClient, lock: DataDirLock | undefined): SqlClient {
  if (lock === undefined) return client;
  return {
    ...client,
    async close() {
      try {
        await client.close();
      } finally {
        await lock.release();
      }
    },
  };
}
