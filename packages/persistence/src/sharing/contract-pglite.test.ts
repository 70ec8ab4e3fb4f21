import { afterAll } from "vitest";
import { SqlDocumentStore } from "../sql-store.js";
import { pglite } from "../testing/backends.js";
import { runShareLinkStoreContract } from "./contract.js";

// PGlite takes seconds to start on a busy machine: one in-memory database
// for the file, emptied before each case (grants cascade).
const database = pglite.open();
afterAll(async () => (await database).dispose());

runShareLinkStoreContract("PGlite (in memory)", async () => {
  const client = (await database).client();
  await client.query("DELETE FROM tandem_share_links");
  const store = new SqlDocumentStore("pglite", client);
  return { store: store.shareLinks, teardown: () => store.close() };
});
