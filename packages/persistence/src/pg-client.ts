import pg from "pg";
import type { HeldConnection, SqlClient, SqlExecutor } from "./sql-client.js";

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
    holdConnection: () => holdPoolConnection(pool),
    async close() {
      if (ownsPool) await pool.end();
    },
  };
}

/**
 * One connection taken from `pool` and kept between statements. Any failure
 * destroys it (a statement error is rare here, a lost connection is not, and
 * the two are not always told apart), and the next statement connects anew.
 */
function holdPoolConnection(pool: pg.Pool): HeldConnection {
  let held: Promise<pg.PoolClient> | undefined;
  const drop = (client: pg.PoolClient, error: Error) => {
    if (held === undefined) return;
    held = undefined;
    client.removeAllListeners("error");
    client.release(error);
  };
  const connect = async () => {
    const client = await pool.connect();
    // A checked-out client's errors are not heard by the pool: unheard, a
    // connection lost while idle would crash the process.
    client.on("error", (error: Error) => drop(client, error));
    return client;
  };
  return {
    async query<Row>(text: string, params: readonly unknown[] = [], prepareAs?: string) {
      held ??= connect();
      const connecting = held;
      let client: pg.PoolClient;
      try {
        client = await connecting;
      } catch (error) {
        if (held === connecting) held = undefined;
        throw error;
      }
      try {
        const result = await client.query({
          text,
          values: params as unknown[],
          ...(prepareAs ? { name: prepareAs } : {}),
        });
        return result.rows as Row[];
      } catch (error) {
        drop(client, error instanceof Error ? error : new Error(String(error)));
        throw error;
      }
    },
    async release() {
      const holding = held;
      held = undefined;
      const client = await holding?.catch(() => undefined);
      client?.removeAllListeners("error");
      client?.release();
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
