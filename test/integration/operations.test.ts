import { spawnSync } from "node:child_process";
import { createAuthenticator } from "@tandem/server";
import { afterAll, describe, expect, it } from "vitest";
import { dropSchema, freshSchemaName } from "../support/postgres.js";
import { serverCli as cli, connect, startServer, startServerProcess, synced } from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

describe("operating the server", () => {
  const schemas: string[] = [];
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
  });

  it("serves health, readiness and Prometheus metrics", async () => {
    const server = await startServer();
    schemas.push(server.schema);
    try {
      const client = connect(server.wsUrl, "spec/metrics");
      await synced(client);
      client.text.insert(0, "counted");
      await client.acknowledged();
      expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: "ok" });
      expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: "ready", storage: "postgres" });
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/^tandem_connections 1$/m);
      expect(metrics).toMatch(/^tandem_documents_loaded 1$/m);
      expect(metrics).toMatch(/^tandem_updates_in_total [1-9]/m);
      expect(metrics).toMatch(/^tandem_append_seconds_count [1-9]/m);
      expect(metrics).toMatch(/^tandem_commit_batch_updates_count [1-9]/m);
      expect(metrics).toMatch(/^tandem_updates_out_total \d/m);
      client.destroy();
    } finally {
      await server.close();
    }
  });

  it("stamps presence identity from the token, whatever the client claims", async () => {
    const server = await startServer();
    schemas.push(server.schema);
    try {
      const ada = connect(server.wsUrl, "spec/presence", {
        token: JSON.stringify({ name: "Ada", color: "#0090ff", id: "ada" }),
      });
      const bob = connect(server.wsUrl, "spec/presence", { token: JSON.stringify({ name: "Bob", id: "bob" }) });
      await Promise.all([synced(ada), synced(bob)]);
      ada.provider.setAwarenessField("user", { id: "bob", name: "Bob (really)", color: "#000000" });
      const seenByBob = () =>
        [...(bob.provider.awareness?.getStates().entries() ?? [])].find(
          ([clientId]) => clientId === ada.doc.clientID,
        )?.[1];
      await waitFor(() => seenByBob()?.user !== undefined, "bob sees ada's presence");
      expect(seenByBob()?.user).toEqual({ id: "ada", name: "Ada", color: "#0090ff" });
      ada.destroy();
      bob.destroy();
    } finally {
      await server.close();
    }
  });

  it("shuts down gracefully on SIGTERM: clients get 4503, the process exits 0, edits are kept", async () => {
    const schema = freshSchemaName("term");
    schemas.push(schema);
    const server = await startServerProcess({ DATABASE_SCHEMA: schema });
    const client = connect(server.wsUrl, "spec/term");
    await synced(client);
    client.text.insert(0, "before shutdown");
    await client.acknowledged();
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    await waitFor(() => client.closeCodes.includes(4503), "client told the server is shutting down");
    client.destroy();
    const again = await startServerProcess({ DATABASE_SCHEMA: schema });
    const reader = connect(again.wsUrl, "spec/term");
    await synced(reader);
    expect(reader.text.toString()).toBe("before shutdown");
    reader.destroy();
    again.child.kill("SIGTERM");
    expect(await again.exited).toBe(0);
  });

  it("prints tokens that the server accepts", async () => {
    const secret = "a-cli-test-secret-that-is-long-enough!!";
    const result = spawnSync(
      process.execPath,
      [cli, "token", "--sub", "u1", "--name", "Ada", "--access", "spec/*=editor"],
      {
        env: { ...process.env, AUTH_SECRET: secret },
        encoding: "utf8",
      },
    );
    expect(result.status).toBe(0);
    const identity = await createAuthenticator(secret).authenticate(result.stdout.trim());
    expect(identity).toMatchObject({ id: "u1", name: "Ada", access: { "spec/*": "editor" } });
  });

  it("explains a bad setting and exits 2", () => {
    const result = spawnSync(process.execPath, [cli], {
      env: { ...process.env, PORT: "not-a-port" },
      encoding: "utf8",
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/invalid configuration/);
    expect(result.stderr).toMatch(/port/);
  });
});
