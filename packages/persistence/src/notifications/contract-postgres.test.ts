import { databaseUrl, dropSchema, freshSchemaName } from "../../../../test/support/postgres.js";
import { createPostgresStore } from "../postgres.js";
import { runNotificationStoreContract } from "./contract.js";

runNotificationStoreContract("Postgres", async () => {
  const schema = freshSchemaName("notifications");
  // Two stores on one schema, with pools of their own: two server instances.
  const store = await createPostgresStore({ connectionString: databaseUrl, schema });
  const other = await createPostgresStore({ connectionString: databaseUrl, schema });
  return {
    store: store.notifications,
    other: other.notifications,
    teardown: async () => {
      await Promise.all([store.close(), other.close()]);
      await dropSchema(schema);
    },
  };
});
