import { PGlite } from "@electric-sql/pglite";
import { databaseUrl, dropSchema, freshSchemaName } from "../../../../test/support/postgres.js";
import { migrate } from "../migrations/migrate.js";
import { createPgClient, createSchemaPool } from "../pg-client.js";
import { createPGliteClient } from "../pglite-client.js";
import type { SqlClient } from "../sql-client.js";

/**
 * A migrated database for one test file: on Postgres a fresh random schema
 * (dropped by `dispose`), on PGlite a fresh in-memory instance.
 */
export interface TestDatabase {
  readonly kind: "postgres" | "pglite";
  /** A client of its own on the database: a new Pool on Postgres, the one shared instance on PGlite. */
  client(): SqlClient;
  dispose(): Promise<void>;
}

export interface Backend {
  readonly name: string;
  open(): Promise<TestDatabase>;
}

export const postgres: Backend = {
  name: "Postgres",
  async open() {
    const schema = freshSchemaName("persistence");
    const clients: SqlClient[] = [];
    const client = () => {
      const created = createPgClient(
        createSchemaPool(databaseUrl, schema, () => {}),
        true,
      );
      clients.push(created);
      return created;
    };
    await migrate(client(), schema);
    return {
      kind: "postgres",
      client,
      async dispose() {
        // Clients a test closed already are ended twice; pg refuses that, harmlessly.
        await Promise.allSettled(clients.map((created) => created.close()));
        await dropSchema(schema);
      },
    };
  },
};

export const pglite: Backend = {
  name: "PGlite",
  async open() {
    const db = await PGlite.create();
    const shared = createPGliteClient(db);
    await migrate(shared, "public");
    return {
      kind: "pglite",
      // A store closing its client must not close the instance the next test uses.
      client: () => ({ ...shared, close: async () => {} }),
      dispose: () => db.close(),
    };
  },
};

/** The two backends every internal test runs against; use with `describe.each(backends)`. */
export const backends: readonly Backend[] = [postgres, pglite];
