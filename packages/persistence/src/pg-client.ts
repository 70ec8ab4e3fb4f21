import pg from "pg";
import type { SqlClient, SqlExecutor } from "./sql-client.js";

/** A {@link SqlClient} over a `pg` Pool; `ownsPool` says whether closing the client ends the pool. */
export function createPgClient(pool: pg.Pool, ownsPool: boolean): SqlClient {
  return {
    async query<Row>(text: string, params: readonly unknown[] = [], prepareAs?: string) {
      const result = await pool.query({ text, values: params as unknown[], ...(prepareAs ? { name: prepareAs } : {}) });
      return result.rows as Row[];
    },
    async transaction<T>(work: (tx: SqlExecutor) => Promise<T>) {
      const client = await pool.connect();
      // While a client is checked out the pool does not listen for its errors,
      // and a connection lost between two statements (a restart, a failover)
      // is emitted as an 'error' event: unheard, it would crash the process.
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken = error;
      };
      client.on("error", onError);
      try {
        await client.query("BEGIN");
        const tx: SqlExecutor = {
          async query<Row>(text: string, params: readonly unknown[] = []) {
            return (await client.query(text, params as unknown[])).rows as Row[];
          },
        };
        const result = await work(tx);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        // A failed ROLLBACK means the connection is broken, too.
        await client.query("ROLLBACK").catch((rollbackError: unknown) => {
          broken ??= rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        throw error;
      } finally {
        client.removeListener("error", onError);
        // A broken connection is destroyed rather than returned to the pool.
        client.release(broken);
      }
    },
    async close() {
      if (ownsPool) await pool.end();
    },
  };
}

/** A Pool for `connectionString` whose sessions use `schema` (a checked identifier) as search path. */
export function createSchemaPool(connectionString: string, schema: string, onError: (error: Error) => void): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    options: `-c search_path=${schema}`,
    fallback_application_name: "tandem",
    max: 10,
  });
  // Without a listener, an idle client's network error would crash the process.
  pool.on("error", onError);
  return pool;
}
