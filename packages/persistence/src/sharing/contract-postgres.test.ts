import { databaseUrl, dropSchema, freshSchemaName } from "../../../../test/support/postgres.js";
import { createPostgresStore } from "../postgres.js";
import { runShareLinkStoreContract } from "./contract.js";

runShareLinkStoreContract("Postgres", async () => {
  const schema = freshSchemaName("sharing");
  const store = await createPostgresStore({ connectionString: databaseUrl, schema });
  return {
    store: store.shareLinks,
    teardown: async () => {
      await store.close();
      await dropSchema(schema);
    },
  };
});
