import { afterAll } from "vitest";
import { SqlDocumentStore } from "../sql-store.js";
import { pglite } from "../testing/backends.js";
import { runWebhookStoreContract } from "./contract.js";

// PGlite takes seconds to start on a busy machine: one in-memory database
// for the file, emptied before each case (deliveries cascade).
const database = pglite.open();
afterAll(async () => (await database).dispose());

runWebhookStoreContract("PGlite (in memory)", async () => {
  const client = (await database).client();
  await client.query("DELETE FROM tandem_webhooks");
  const store = new SqlDocumentStore("pglite", client);
  // One PGlite database has one connection: the second "instance" is the same store.
  return { store: store.webhooks, other: store.webhooks, teardown: () => store.close() };
});
