import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqlClient } from "../sql-client.js";
import { SqlDocumentStore } from "../sql-store.js";
import { backends, type TestDatabase } from "../testing/backends.js";

describe.each(backends)("the audit log is append-only in the database ($name)", (backend) => {
  let database: TestDatabase;
  let sql: SqlClient;
  let id: string;
  beforeAll(async () => {
    database = await backend.open();
    sql = database.client();
    const store = new SqlDocumentStore(database.kind, database.client());
    id = (await store.audit.record({ action: "document.deleted", actor: "ada", actorName: "Ada", address: "::1" })).id;
    await store.close();
  });
  afterAll(() => database.dispose());

  const refused = (statement: string) => expect(sql.query(statement)).rejects.toThrow(/append-only/);

  it("refuses UPDATE, DELETE and TRUNCATE from any client, not only through the store", async () => {
    await refused(`UPDATE tandem_audit SET action = 'document.created' WHERE id = ${id}`);
    await refused(`UPDATE tandem_audit SET actor_name = 'Someone else' WHERE id = ${id}`);
    await refused(`UPDATE tandem_audit SET actor = NULL, actor_name = NULL, address = NULL WHERE id = ${id}`);
    await refused(`DELETE FROM tandem_audit WHERE id = ${id}`);
    await refused("TRUNCATE tandem_audit");
    const [row] = await sql.query<{ action: string; actor_name: string }>(
      `SELECT action, actor_name FROM tandem_audit WHERE id = ${id}`,
    );
    expect(row).toEqual({ action: "document.deleted", actor_name: "Ada" });
  });

  it("allows only the erasure's change: blanking the actor's name and address", async () => {
    await sql.query(`UPDATE tandem_audit SET actor_name = NULL, address = NULL WHERE id = ${id}`);
    const [row] = await sql.query(`SELECT actor, actor_name, address FROM tandem_audit WHERE id = ${id}`);
    expect(row).toEqual({ actor: "ada", actor_name: null, address: null });
  });
});
