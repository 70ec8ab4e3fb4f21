import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import type { Extension } from "@hocuspocus/server";
import { createRoute, z } from "@hono/zod-openapi";
import { accessTo, type HostRoutes, type Identity, signToken } from "@tandem/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultStaticDir } from "../../packages/server/src/config.js";
import { apiCall } from "../support/api.js";
import { type Client, connect, type RunningServer, startServer, synced } from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

const secret = "a-test-secret-that-is-long-enough-for-hs256";

describe("the server as a library", () => {
  let server: RunningServer;
  const clients: Client[] = [];
  const connected: string[] = [];
  let token: string;

  // A host's extension: runs after Tandem's authentication, so it sees who connected.
  const audit: Extension = {
    extensionName: "host-audit",
    async onConnect() {},
    async connected({ documentName, context }) {
      const identity = (context as { identity?: Identity }).identity;
      connected.push(`${identity?.id ?? "?"} ${documentName}`);
    },
  };

  // A host's routes: one documented in the OpenAPI document, one plain; both behind Tandem's authentication.
  const routes: HostRoutes = (app, { authenticated }) => {
    app.use("/api/host/*", authenticated);
    app.openapi(
      createRoute({
        method: "get",
        path: "/api/host/role/{name}",
        tags: ["host"],
        request: { params: z.object({ name: z.string() }) },
        responses: {
          200: {
            content: { "application/json": { schema: z.object({ role: z.string().nullable() }) } },
            description: "",
          },
        },
      }),
      (c) => c.json({ role: accessTo(c.get("identity"), c.req.valid("param").name)?.role ?? null }, 200),
    );
    app.get("/api/host/whoami", (c) => c.json({ name: c.get("identity").name }));
  };

  beforeAll(async () => {
    server = await startServer({ authSecret: secret, extensions: [audit], routes });
    token = await signToken(secret, { sub: "hal", name: "Hal", access: { "spec/*": "editor" } });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await server.closeAndDropSchema();
  });

  it("mounts a host's routes behind the API's authentication, and documents the OpenAPI ones", async () => {
    expect((await apiCall(server.url, "GET", "/api/host/whoami", token)).body).toEqual({ name: "Hal" });
    expect((await apiCall(server.url, "GET", "/api/host/role/spec%2Fx", token)).body).toEqual({ role: "editor" });
    expect((await fetch(`${server.url}/api/host/whoami`)).status).toBe(401);
    const document = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as { paths: object };
    expect(Object.keys(document.paths)).toContain("/api/host/role/{name}");
  });

  it("runs a host's Hocuspocus extension after authentication", async () => {
    const client = connect(server.wsUrl, "spec/library", { token });
    clients.push(client);
    await synced(client);
    await waitFor(() => connected.includes("hal spec/library"), "the host's extension saw the connection");
  });

  it("serves no page of ours outside this repository", () => {
    const elsewhere = mkdtempSync(`${tmpdir()}/tandem-host-`);
    try {
      expect(defaultStaticDir(elsewhere)).toBeUndefined();
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
