import { afterAll } from "vitest";
import { SqlDocumentStore } from "../sql-store.js";
import { pglite } from "../testing/backends.js";
import { runAuditLogContract } from "./contract.js";

// PGlite takes seconds to start on a busy machine: one in-memory database for the file.
const database = pglite.open();
afterAll(async () => (await database).dispose());

runAuditLogContract("PGlite (in memory)", async () => {
  const store = new SqlDocumentStore("pglite", (await database).client());
  return { log: store.audit, teardown: () => store.close() };
});
