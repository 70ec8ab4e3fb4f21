import { createPostgresStore, PersistenceError, type TandemStore } from "@tandem/persistence";
import { CloseCodes } from "@tandem/protocol";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import * as Y from "yjs";
import { databaseUrl, dropSchema, freshSchemaName } from "../support/postgres.js";
import {
  type Client,
  connect,
  metric,
  type RunningServer,
  startServer,
  storedText,
  synced,
} from "../support/server-harness.js";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.js";
import { waitFor } from "../support/wait.js";

type Fault = "append" | "load" | "ping";

/** A real Postgres store whose append, load or ping can be made to fail, as after the store's own retries. */
function withFaults(inner: TandemStore): { store: TandemStore; faults: Set<Fault> } {
  const faults = new Set<Fault>();
  const store = new Proxy(inner, {
    get(target, property) {
      if (typeof property === "string" && faults.has(property as Fault)) {
        return () => Promise.reject(new PersistenceError("unavailable", `injected ${property} failure`));
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { store, faults };
}

describe("when storage fails, nothing is acknowledged and clients come back", () => {
  const schema = freshSchemaName("faults");
  let inner: TandemStore;
  let faults: Set<Fault>;
  let server: RunningServer;
  const clients: Client[] = [];
  const open = (name: string) => {
    const client = connect(server.wsUrl, name);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    inner = await createPostgresStore({ connectionString: databaseUrl, schema });
    const faulty = withFaults(inner);
    faults = faulty.faults;
    server = await startServer({ databaseSchema: schema, store: faulty.store });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await server.close();
    await inner.close();
    await dropSchema(schema);
  });

  it("a failed append resets the document: its connections close with 4500, and the clients resend what the log lacks", async () => {
    const writer = open("spec/flaky");
    const witness = open("spec/flaky");
    await Promise.all([synced(writer), synced(witness)]);
    writer.text.insert(0, "kept");
    await writer.acknowledged();
    await waitFor(() => witness.text.toString() === "kept", "the witness has the first edit");

    faults.add("append");
    writer.text.insert(4, " and resent");
    await waitFor(
      () =>
        writer.closeCodes.includes(CloseCodes.StorageUnavailable.code) &&
        witness.closeCodes.includes(CloseCodes.StorageUnavailable.code),
      "every connection of the document closed with 4500",
    );
    expect(writer.provider.hasUnsyncedChanges).toBe(true);
    expect(await storedText(schema, "spec/flaky")).toBe("kept");
    expect(await metric(server.url, 'tandem_errors_total{code="append-failed"}')).toBeGreaterThanOrEqual(1);

    faults.delete("append");
    // The providers reconnect by themselves to the document loaded from the log; the writer's sync step 2 resends its edit.
    await writer.acknowledged();
    await waitFor(() => witness.text.toString() === "kept and resent", "the witness sees the resent edit");
    expect(await storedText(schema, "spec/flaky")).toBe("kept and resent");
  });

  it("a failed load closes with 4500; the client gets the document once storage is back", async () => {
    const stored = new Y.Doc();
    stored.getText("t").insert(0, "already there");
    await inner.append("spec/stored", Y.encodeStateAsUpdate(stored));
    faults.add("load");
    const reader = open("spec/stored");
    await waitFor(() => reader.closeCodes.includes(CloseCodes.StorageUnavailable.code), "4500");
    expect(reader.provider.isSynced).toBe(false);
    faults.delete("load");
    await synced(reader);
    expect(reader.text.toString()).toBe("already there");
  });

  it("/readyz says 503 while storage does not answer", async () => {
    faults.add("ping");
    const down = await fetch(`${server.url}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: "unavailable", storage: "postgres" });
    faults.delete("ping");
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });
});

describe("when too many edits wait for a stalled database, the connection is sent away with 4503", () => {
  const schema = freshSchemaName("overload");
  let proxy: TcpProxy;
  let server: RunningServer;

  beforeAll(async () => {
    const postgres = new URL(databaseUrl);
    proxy = await startTcpProxy(postgres.hostname, Number(postgres.port || 5432));
    const proxied = new URL(databaseUrl);
    proxied.host = proxy.address;
    // One append alone always fits, a second one waiting beside it does not (MAX_QUEUED_BYTES).
    server = await startServer({ databaseUrl: proxied.toString(), databaseSchema: schema, maxQueuedBytes: 1 });
  });
  afterAll(async () => {
    // Ends the stalled commit: its connection drops, the store's retries fail, and it rejects.
    await proxy.close();
    await server.close();
    await dropSchema(schema);
  });

  it("an append refused as overloaded resets the document with 4503; nothing of it is acknowledged or stored", async () => {
    const stalled = connect(server.wsUrl, "spec/overload");
    const refused = connect(server.wsUrl, "spec/overload");
    onTestFinished(() => {
      stalled.destroy();
      refused.destroy();
    });
    await Promise.all([synced(stalled), synced(refused)]);
    proxy.freeze(); // Postgres is still there, but nothing reaches it any more
    stalled.text.insert(0, "waits for its commit");
    await waitFor(async () => (await metric(server.url, "tandem_appends_in_flight")) === 1, "an append waits");

    refused.text.insert(0, "refused ");
    // The live document holds an edit its log never will: every connection of it is sent away.
    await waitFor(
      () =>
        refused.closeCodes.includes(CloseCodes.ShuttingDown.code) &&
        stalled.closeCodes.includes(CloseCodes.ShuttingDown.code),
      "4503 for every connection of the document",
    );
    expect(refused.provider.hasUnsyncedChanges).toBe(true);
    expect(stalled.provider.hasUnsyncedChanges).toBe(true);
    expect(await metric(server.url, 'tandem_errors_total{code="append-overloaded"}')).toBeGreaterThanOrEqual(1);
    // The first append still waits, alone.
    expect(await metric(server.url, "tandem_appends_in_flight")).toBe(1);
    expect(await storedText(schema, "spec/overload")).toBe("");
  });
});
