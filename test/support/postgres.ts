import { randomBytes } from "node:crypto";
import pg from "pg";

/** The Postgres the tests use; CI sets DATABASE_URL, and every machine of this project runs one locally. */
export const databaseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** The Redis the tests use. */
export const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A schema name of its own for one test file or run, so runs never see each other's rows. */
export function freshSchemaName(prefix = "t"): string {
  return `${prefix}_${randomBytes(6).toString("hex")}`;
}

/** Drops a schema made by a test, with everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
