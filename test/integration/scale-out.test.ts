import { randomBytes } from "node:crypto";
import { createPostgresStore } from "@tandem/persistence";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { databaseUrl, dropSchema, freshSchemaName, redisUrl } from "../support/postgres.js";
import {
  type Client,
  connect,
  metric,
  type RunningServer,
  startServer,
  storedText,
  synced,
} from "../support/server-harness.js";
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

  it("clients on two instances converge on one document, each edit stored once, presence relayed", async () => {
    // A prefix of its own: other runs on the same Redis never hear this one.
    const redisPrefix = `tandem-test-${randomBytes(4).toString("hex")}`;
    for (let i = 0; i < 2; i++) servers.push(await startServer({ databaseSchema: schema, redisUrl, redisPrefix }));
    const [one, two] = servers as [RunningServer, RunningServer];
    const ada = connect(one.wsUrl, "spec/scaled", { token: JSON.stringify({ id: "ada", name: "Ada" }) });
    const bob = connect(two.wsUrl, "spec/scaled", { token: JSON.stringify({ id: "bob", name: "Bob" }) });
    clients.push(ada, bob);
    await Promise.all([synced(ada), synced(bob)]);

    ada.text.insert(0, "from instance one. ");
    await waitFor(() => bob.text.toString() === "from instance one. ", "bob sees ada's edit");
    bob.text.insert(bob.text.length, "from instance two.");
    await waitFor(() => ada.text.toString() === "from instance one. from instance two.", "ada sees bob's edit");
    await Promise.all([ada.acknowledged(), bob.acknowledged()]);

    // Each instance stored its own client's edit; the one relayed to it was stored by its origin.
    expect(await metric(one.url, "tandem_updates_in_total")).toBe(1);
    expect(await metric(two.url, "tandem_updates_in_total")).toBe(1);
    expect(await storedText(schema, "spec/scaled")).toBe("from instance one. from instance two.");

    bob.provider.setAwarenessField("cursor", 5);
    await waitFor(
      () => ada.provider.awareness?.getStates().get(bob.doc.clientID)?.cursor === 5,
      "ada sees bob's presence",
    );
    expect(ada.provider.awareness?.getStates().get(bob.doc.clientID)?.user).toMatchObject({ id: "bob", name: "Bob" });
  });

  // Retried once: in two CI runs of 2026-12-04 the subscriber's name never showed in CLIENT LIST within 15 s, so
  // the test could not find the connection to kill; the catch-up itself never failed. The cause is not found yet.
  it("an instance whose Redis subscription dropped catches up from the log on what it may have missed", {
    retry: 1,
  }, async () => {
    const redisPrefix = `tandem-test-${randomBytes(4).toString("hex")}`;
    const server = await startServer({ databaseSchema: schema, redisUrl, redisPrefix });
    servers.push(server);
    // A name of its own per attempt, so that a retry starts from nothing stored.
    const name = `spec/caught-up-${randomBytes(4).toString("hex")}`;
    const reader = connect(server.wsUrl, name);
    clients.push(reader);
    await synced(reader);
    // Committed by another instance whose publish never arrived (Redis does not replay what a subscriber missed).
    const elsewhere = new Y.Doc();
    elsewhere.getText("t").insert(0, "committed elsewhere");
    const store = await createPostgresStore({ connectionString: databaseUrl, schema });
    await store.append(name, Y.encodeStateAsUpdate(elsewhere));
    await store.close();
    expect(reader.text.toString()).toBe("");

    // Drop this instance's subscriber connection (by its name, which carries the run's own prefix).
    const redis = new Redis(redisUrl);
    try {
      let subscriber: string | undefined;
      // ioredis names a connection with a command of its own, which may land after its first subscription.
      await waitFor(async () => {
        const clientList = (await redis.client("LIST")) as string;
        subscriber = clientList
          .split("\n")
          .find((line) => line.includes(` name=${redisPrefix}-subscribe `))
          ?.match(/\bid=(\d+)/)?.[1];
        return subscriber !== undefined;
      }, "the instance's subscriber connection");
      await redis.client("KILL", "ID", subscriber as string);
    } finally {
      redis.disconnect();
    }
    await waitFor(() => reader.text.toString() === "committed elsewhere", "the instance catches up after reconnecting");
  });
});
