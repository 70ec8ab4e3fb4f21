import { randomBytes } from "node:crypto";
import { deriveStatus, TandemConnection } from "@tandem/client";
import { createPostgresStore } from "@tandem/persistence";
import type { DocumentSummary } from "@tandem/protocol";
import { signToken } from "@tandem/server";
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
  storedInfo,
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

  /** Two instances with authentication on one Redis prefix of their own, and an owner's token for both. */
  async function ownedPair() {
    const redisPrefix = `tandem-test-${randomBytes(4).toString("hex")}`;
    const authSecret = "a-test-secret-that-is-long-enough-for-hs256";
    const [one, two] = [
      await startServer({ databaseSchema: schema, redisUrl, redisPrefix, authSecret }),
      await startServer({ databaseSchema: schema, redisUrl, redisPrefix, authSecret }),
    ];
    servers.push(one, two);
    const token = await signToken(authSecret, { sub: "olga", name: "Olga", access: { "*": "owner" } }, "1h");
    return { one, two, token, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } };
  }

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

  it("a document deleted through one instance is closed with document-deleted on the others; the client kit says so and stops syncing it", async () => {
    const { one, two, token, headers } = await ownedPair();
    const create = async (title: string) => {
      const response = await fetch(`${one.url}/api/documents`, {
        method: "POST",
        headers,
        body: JSON.stringify({ kind: "spec", title }),
      });
      return ((await response.json()) as DocumentSummary).name;
    };
    const [doomed, kept] = [await create("Doomed"), await create("Kept")];

    const connection = new TandemConnection({ url: two.wsUrl, token, user: { name: "Olga" } });
    try {
      const gone = connection.openDocument(doomed).document;
      const other = connection.openDocument(kept).document;
      await waitFor(() => [gone, other].every((document) => document.canEdit && document.state.get().synced), "open");

      const deleted = await fetch(`${one.url}/api/documents/${encodeURIComponent(doomed)}`, {
        method: "DELETE",
        headers,
      });
      expect(deleted.status).toBe(204);
      await waitFor(() => gone.state.get().deleted, "the client on the other instance is told");
      expect(deriveStatus(connection.state.get(), gone.state.get())).toMatchObject({
        kind: "deleted",
        label: "This document was deleted",
        closeCode: 4410,
      });
      expect(gone.canEdit).toBe(false);
      await waitFor(() => !two.server.hocuspocus?.documents.has(doomed), "the other instance unloads it");

      // An edit made now is not sent: the edit after it, on the same socket, is stored and the deleted document is not.
      gone.fragment.push([new Y.XmlElement("paragraph")]);
      other.fragment.push([new Y.XmlElement("paragraph")]);
      await waitFor(() => other.state.get().unsyncedChanges === 0, "the other document's edit is acknowledged");
      expect(await storedInfo(schema, doomed)).toBeNull();
      expect(connection.state.get().phase).toBe("connected");
    } finally {
      connection.destroy();
    }
  });

  it("archiving through one instance makes the document read-only on the others' open connections", async () => {
    const { one, two, token, headers } = await ownedPair();
    const created = await fetch(`${one.url}/api/documents`, {
      method: "POST",
      headers,
      body: JSON.stringify({ kind: "spec", title: "Archived elsewhere" }),
    });
    const { name } = (await created.json()) as DocumentSummary;
    const elsewhere = connect(two.wsUrl, name, { token });
    clients.push(elsewhere);
    await synced(elsewhere);
    expect(elsewhere.provider.authorizedScope).toBe("read-write");
    const archive = (action: string) =>
      fetch(`${one.url}/api/documents/${encodeURIComponent(name)}/${action}`, { method: "POST", headers, body: "{}" });
    expect((await archive("archive")).status).toBe(200);
    await waitFor(() => elsewhere.provider.authorizedScope === "readonly", "instance two applies the archive");
    expect((await archive("unarchive")).status).toBe(200);
    await waitFor(() => elsewhere.provider.authorizedScope === "read-write", "and the unarchive");
  });
});
