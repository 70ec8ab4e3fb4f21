import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { databaseUrl, dropSchema, freshSchemaName } from "../../../test/support/postgres.js";
import { isPersistenceError } from "./errors.js";
import { migrate, migrations } from "./migrations/migrate.js";
import { createPGliteStore } from "./pglite.js";
import { createPGliteClient } from "./pglite-client.js";
import { createPostgresStore } from "./postgres.js";

const latest = migrations.map((migration) => migration.version);

describe("creating a store", () => {
  it("four stores starting at once on one fresh schema all succeed, and migrate it once", async () => {
    const schema = freshSchemaName("migrate");
    try {
      const stores = await Promise.all(
        Array.from({ length: 4 }, () => createPostgresStore({ connectionString: databaseUrl, schema })),
      );
      const update = (() => {
        const doc = new Y.Doc();
        doc.getText("t").insert(0, "hi");
        return Y.encodeStateAsUpdate(doc);
      })();
      await Promise.all(stores.map((store, i) => store.append(`doc/${i}`, update)));
      expect(await stores[0]?.list()).toHaveLength(4);
      await Promise.all(stores.map((store) => store.close()));

      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query(`SELECT version FROM ${schema}.tandem_schema_migrations ORDER BY version`);
        expect(rows.map((row) => row.version)).toEqual(latest);
      } finally {
        await client.end();
      }
    } finally {
      await dropSchema(schema);
    }
  });

  it("migrating again changes nothing (PGlite)", async () => {
    const db = await PGlite.create();
    try {
      const client = createPGliteClient(db);
      await migrate(client, "public");
      await migrate(client, "public");
      const rows = await client.query<{ version: number }>(
        "SELECT version FROM tandem_schema_migrations ORDER BY version",
      );
      expect(rows.map((row) => row.version)).toEqual(latest);
    } finally {
      await db.close();
    }
  });

  it("refuses a schema name that is not a plain identifier, before connecting", async () => {
    for (const schema of ["Public", "a-b", "x; DROP TABLE y", "", "a".repeat(64)]) {
      await expect(createPostgresStore({ connectionString: databaseUrl, schema })).rejects.toSatisfy((error) =>
        isPersistenceError(error, "invalid-argument"),
      );
    }
  });

  it("refuses a pool whose sessions use another schema", async () => {
    const schema = freshSchemaName("pool");
    const pool = new pg.Pool({ connectionString: databaseUrl });
    try {
      await expect(createPostgresStore({ pool, schema })).rejects.toSatisfy((error) =>
        isPersistenceError(error, "invalid-argument"),
      );
      // The caller's pool is theirs: still open.
      expect((await pool.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
      await dropSchema(schema);
    }
  });

  it("reports an unreachable database as unavailable", async () => {
    const error = await createPostgresStore({ connectionString: "postgres://postgres@127.0.0.1:1/none" }).catch(
      (caught: unknown) => caught,
    );
    expect(isPersistenceError(error, "unavailable")).toBe(true);
  });

  it("refuses bad options before opening anything", async () => {
    const bad = [
      { compactAfterRows: -1 },
      { compactAfterRows: 1.5 },
      { maxBatchUpdates: 0 },
      { maxBatchUpdates: 20_000 },
      { maxQueuedBytes: 0 },
      { maxQueuedBytes: 1.5 },
    ];
    for (const options of bad) {
      await expect(createPGliteStore(options)).rejects.toSatisfy((error) =>
        isPersistenceError(error, "invalid-argument"),
      );
      await expect(createPostgresStore({ connectionString: databaseUrl, ...options })).rejects.toSatisfy((error) =>
        isPersistenceError(error, "invalid-argument"),
      );
    }
    await expect(createPostgresStore({})).rejects.toSatisfy((error) => isPersistenceError(error, "invalid-argument"));
  });
});
