import { afterAll } from "vitest";
import { SqlDocumentStore } from "../sql-store.js";
import { postgres } from "../testing/backends.js";
import { runAuditLogContract } from "./contract.js";

// One fresh schema for the file; each case works in a tenant of its own.
const database = postgres.open();
afterAll(async () => (await database).dispose());

runAuditLogContract("Postgres", async () => {
  const store = new SqlDocumentStore("postgres", (await database).client());
  return { log: store.audit, teardown: () => store.close() };
});
