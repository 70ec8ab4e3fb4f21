import { runDocumentStoreContract } from "./contract.js";
import { createPGliteStore } from "./pglite.js";

runDocumentStoreContract("PGlite (in memory)", async () => {
  const store = await createPGliteStore();
  return { store, teardown: () => store.close() };
});
