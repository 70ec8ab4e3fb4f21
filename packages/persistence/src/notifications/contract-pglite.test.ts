import { afterAll } from "vitest";
import { SqlDocumentStore } from "../sql-store.js";
import { pglite } from "../testing/backends.js";
import { runNotificationStoreContract } from "./contract.js";

// PGlite takes seconds to start on a busy machine: one in-memory database for
// the file; each case works in a tenant of its own.
const database = pglite.open();
afterAll(async () => (await database).dispose());

runNotificationStoreContract("PGlite (in memory)", async () => {
  const store = new SqlDocumentStore("pglite", (await database).client());
  // One PGlite database has one connection: the second "instance" is the same store.
  return { store: store.notifications, other: store.notifications, teardown: () => store.close() };
});
