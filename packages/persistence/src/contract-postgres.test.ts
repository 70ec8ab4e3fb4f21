import { databaseUrl, dropSchema, freshSchemaName } from "../../../test/support/postgres.js";
import { runDocumentStoreContract } from "./contract.js";
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
