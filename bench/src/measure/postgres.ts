import pg from "pg";
import { databaseUrl } from "../../../test/support/postgres.js";

/** Runs `work` with a Postgres client of its own (on `schema`, if given), closed afterwards. */
export async function withPostgres<T>(work: (client: pg.Client) => Promise<T>, schema?: string): Promise<T> {
  const client = new pg.Client({
    connectionString: databaseUrl,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** How many bytes of WAL the cluster has written so far; the difference of two readings is what was written between. */
export async function walBytes(client: pg.Client): Promise<bigint> {
  const { rows } = await client.query<{ bytes: string }>(
    "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS bytes",
  );
  return BigInt(rows[0]?.bytes ?? "0");
}

/** The server's version string, e.g. "15.20". */
export async function postgresVersion(): Promise<string> {
  return withPostgres(async (client) => {
    const { rows } = await client.query<{ server_version: string }>("SHOW server_version");
    return (rows[0]?.server_version ?? "unknown").split(" ")[0] ?? "unknown";
  });
}
