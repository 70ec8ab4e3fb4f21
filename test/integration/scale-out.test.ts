import { randomBytes } from "node:crypto";
import { afterAll, describe, it } from "vitest";
import { dropSchema, freshSchemaName, redisUrl } from "../support/postgres.js";
import { type Client, connect, type RunningServer, startServer, synced } from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

describe("scale-out over Redis", () => {
  const schema = freshSchemaName("redis");
  const servers: RunningServer[] = [];
  const clients: Client[] = [];
  afterAll(async () => {
    for (const client of clients) client.destroy();
    for (const server of servers) await server.close();
    await dropSchema(schema);
  });

  it("clients on two instances converge on one document", async () => {
    const redisPrefix = `tandem-test-${randomBytes(4).toString("hex")}`;
    for (let i = 0; i < 2; i++) servers.push(await startServer({ databaseSchema: schema, redisUrl, redisPrefix }));
    const [one, two] = servers as [RunningServer, RunningServer];
    const ada = connect(one.wsUrl, "spec/scaled");
    const bob = connect(two.wsUrl, "spec/scaled");
    clients.push(ada, bob);
    await Promise.all([synced(ada), synced(bob)]);
    ada.text.insert(0, "from instance one. ");
    await waitFor(() => bob.text.toString() === "from instance one. ", "bob sees ada's edit");
    bob.text.insert(bob.text.length, "from instance two.");
    await waitFor(() => ada.text.toString() === "from instance one. from instance two.", "ada sees bob's edit");
    await Promise.all([ada.acknowledged(), bob.acknowledged()]);
  });
});
