import { databaseUrl, dropSchema, freshSchemaName } from "../../../../test/support/postgres.js";
import { createPostgresStore } from "../postgres.js";
import { runWebhookStoreContract } from "./contract.js";

runWebhookStoreContract("Postgres", async () => {
  const schema = freshSchemaName("webhooks");
  // Two stores on one schema, with pools of their own: two server instances.
  const store = await createPostgresStore({ connectionString: databaseUrl, schema });
  const other = await createPostgresStore({ connectionString: databaseUrl, schema });
  return {
    store: store.webhooks,
    other: other.webhooks,
    teardown: async () => {
      await Promise.all([store.close(), other.close()]);
      await dropSchema(schema);
    },
  };
});
