import { databaseUrl, dropSchema, freshSchemaName } from "../../../test/support/postgres.js";
import { runDocumentStoreContract } from "./contract.js";
import { createPGliteStore } from "./pglite.js";
import { createPostgresStore } from "./postgres.js";

runDocumentStoreContract("Postgres", async () => {
  const schema = freshSchemaName("contract");
  const store = await createPostgresStore({ connectionString: databaseUrl, schema });
  return {
    store,
    teardown: async () => {
      await store.close();
      await dropSchema(schema);
    },
  };
});

runDocumentStoreContract("PGlite (in memory)", async () => {
  const store = await createPGliteStore();
  return { store, teardown: () => store.close() };
});
