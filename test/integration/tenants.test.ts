import { randomBytes } from "node:crypto";
import { type DocumentPage, type DocumentSummary, threadsOf } from "@tandem/protocol";
import type { WebhookEvent } from "@tandem/protocol/webhooks";
import { signToken } from "@tandem/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { apiCall } from "../support/api.js";
import { startThread } from "../support/comments.js";
import { dropSchema, freshSchemaName, redisUrl } from "../support/postgres.js";
import { authFrame, openRawSocket, updateFrame } from "../support/raw-socket.js";
import {
  type Client,
  connect,
  type RunningServer,
  startServer,
  storedText,
  synced,
} from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";
import { startReceiver } from "../support/webhook-receiver.js";

const secret = randomBytes(32).toString("hex");

describe("tenants: one server, organisations that never see each other", () => {
  const schema = freshSchemaName("tenants");
  const servers: RunningServer[] = [];
  const clients: Client[] = [];
  const receivers: Array<{ close(): Promise<void> }> = [];
  /** Owners of everything in their tenant: acme, beta, and the default tenant (no claim). */
  const tokens = { acme: "", beta: "", default: "" };

  beforeAll(async () => {
    // Two instances on one schema and one Redis prefix: tenants must stay apart across the relay too.
    const redisPrefix = `tandem-test-${randomBytes(4).toString("hex")}`;
    for (let i = 0; i < 2; i++) {
      servers.push(
        await startServer({
          databaseSchema: schema,
          authSecret: secret,
          redisUrl,
          redisPrefix,
          webhookAllowPrivateAddresses: true,
          webhookDebounceMs: 200,
          webhookPollMs: 100,
        }),
      );
    }
    tokens.acme = await signToken(secret, { sub: "ann", name: "Ann", tenant: "acme", access: { "*": "owner" } });
    tokens.beta = await signToken(secret, { sub: "bob", name: "Bob", tenant: "beta", access: { "*": "owner" } });
    tokens.default = await signToken(secret, { sub: "dee", name: "Dee", access: { "*": "owner" } });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    for (const server of servers) await server.close();
    await Promise.all(receivers.map((receiver) => receiver.close()));
    await dropSchema(schema);
  });

  const one = () => servers[0] as RunningServer;
  const two = () => servers[1] as RunningServer;
  const api = <T>(tenant: keyof typeof tokens, method: string, path: string, json?: unknown) =>
    apiCall<T>(one().url, method, path, tokens[tenant], json);
  const open = (server: RunningServer, name: string, tenant: keyof typeof tokens) => {
    const client = connect(server.wsUrl, name, { token: tokens[tenant] });
    clients.push(client);
    return client;
  };
  const createSpec = async (tenant: keyof typeof tokens, title: string): Promise<string> => {
    const created = await api<DocumentSummary>(tenant, "POST", "/api/documents", { kind: "spec", title });
    expect(created.status).toBe(201);
    return created.body.name;
  };

  it("one name holds a document per tenant, kept apart on both instances and across the Redis relay", async () => {
    const acme = open(one(), "spec/1", "acme");
    const beta = open(two(), "spec/1", "beta");
    const plain = open(one(), "spec/1", "default");
    await Promise.all([synced(acme), synced(beta), synced(plain)]);
    acme.text.insert(0, "acme's");
    beta.text.insert(0, "beta's");
    plain.text.insert(0, "default's");
    await Promise.all([acme.acknowledged(), beta.acknowledged(), plain.acknowledged()]);

    // A second acme client on the other instance gets acme's text through the relay, and only it.
    const acmeElsewhere = open(two(), "spec/1", "acme");
    await synced(acmeElsewhere);
    acme.text.insert(acme.text.length, " relayed");
    await waitFor(() => acmeElsewhere.text.toString() === "acme's relayed", "the relayed acme edit");
    await acme.acknowledged();
    expect(beta.text.toString()).toBe("beta's");
    expect(plain.text.toString()).toBe("default's");

    // The store keeps each under the server's name; the default tenant's stays bare.
    expect(await storedText(schema, "acme!spec/1")).toBe("acme's relayed");
    expect(await storedText(schema, "beta!spec/1")).toBe("beta's");
    expect(await storedText(schema, "spec/1")).toBe("default's");
  });

  it("a document too large for one frame reaches a tenant's joiner whole, under the name its client knows", async () => {
    const writer = open(one(), "spec/large", "acme");
    await synced(writer);
    // Over the 64 KiB past which a message leaves in fragments: the joiner's answer goes as its head, then the document.
    writer.text.insert(0, "a tenant's large document ".repeat(8 * 1024));
    await writer.acknowledged();
    const joiner = open(one(), "spec/large", "acme");
    await synced(joiner);
    expect(joiner.text.toString()).toBe(writer.text.toString());
  });

  it("a token of one tenant cannot list, read, export or read the comments of another's documents", async () => {
    const name = await createSpec("acme", "Acme's secret plan");
    const path = `/api/documents/${encodeURIComponent(name)}`;
    const mine = await api<DocumentSummary>("acme", "GET", path);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ name, title: "Acme's secret plan" });
    expect((await api<DocumentPage>("acme", "GET", "/api/documents")).body.documents.map((d) => d.name)).toContain(
      name,
    );

    for (const other of ["beta", "default"] as const) {
      const listed = await api<DocumentPage>(other, "GET", "/api/documents?q=secret");
      expect(listed.status).toBe(200);
      expect(listed.body.documents).toEqual([]);
      expect((await api(other, "GET", path)).status).toBe(404);
      expect((await api(other, "GET", `${path}/content?format=markdown`)).status).toBe(404);
      expect((await api(other, "GET", `${path}/comments`)).status).toBe(404);
      expect((await api(other, "GET", `${path}/versions`)).status).toBe(404);
      expect((await api(other, "DELETE", path)).status).toBe(404);
    }
    // Crafted names: the tenant separator (plain or percent-encoded) and a comments document are no document names.
    for (const crafted of [`acme!${name}`, `acme%21${encodeURIComponent(name)}`, `${name}#comments`]) {
      const answer = await api("default", "GET", `/api/documents/${encodeURIComponent(crafted)}`);
      expect(answer.status, crafted).toBe(400);
    }
    expect((await api("default", "GET", `/api/documents/acme!${name}/content`)).status).toBe(400);
    expect((await api("acme", "GET", path)).status).toBe(200); // still there
  });

  it("a token of one tenant that opens another's document or comments gets its own tenant's, empty", async () => {
    const name = await createSpec("acme", "Acme only");
    const acme = open(one(), name, "acme");
    const beta = open(two(), name, "beta");
    const acmeComments = open(one(), `${name}#comments`, "acme");
    await Promise.all([synced(acme), synced(beta), synced(acmeComments)]);
    startThread(acmeComments.doc, { id: "ann", name: "Ann", color: "#0090ff" }, "t1", "Acme internal remark");
    await acmeComments.acknowledged();
    const betaComments = open(two(), `${name}#comments`, "beta");
    await synced(betaComments);

    expect(acme.doc.getText("title").toString()).toBe("Acme only");
    expect(beta.doc.getText("title").toString()).toBe("");
    expect(threadsOf(betaComments.doc).size).toBe(0);
    const path = `/api/documents/${encodeURIComponent(name)}/comments`;
    expect((await api<{ threads: unknown[] }>("acme", "GET", path)).body.threads).toHaveLength(1);
  });

  it("frames sent before the socket's first token wait for it, and go to that token's tenant", async () => {
    const change = new Y.Doc();
    change.getText("t").insert(0, "sent before the token");
    const socket = await openRawSocket(one().wsUrl);
    try {
      // What a provider flushes on reconnecting: its offline edits first, its token after.
      socket.send(updateFrame("spec/held", Y.encodeStateAsUpdate(change)));
      socket.send(authFrame("spec/held", tokens.acme));
      await waitFor(
        async () => (await storedText(schema, "acme!spec/held")) === "sent before the token",
        "the held update stored as acme's",
      );
      expect(await storedText(schema, "spec/held")).toBe("");
    } finally {
      socket.ws.close();
    }
  });

  it("a socket that sends more before its first token than Hocuspocus would queue is closed with 4429", async () => {
    const socket = await openRawSocket(one().wsUrl);
    const update = new Y.Doc();
    update.getText("t").insert(0, "x");
    const bytes = updateFrame("spec/flood", Y.encodeStateAsUpdate(update));
    // Hocuspocus queues at most 1,000 messages for documents not yet authenticated.
    for (let i = 0; i <= 1000; i++) socket.send(bytes);
    expect((await socket.closed).code).toBe(4429);
  });

  it("crafted names on the WebSocket are malformed (4400), and a forged tenant claim does not verify (4401)", async () => {
    for (const crafted of ["acme!spec/1", "acme%21spec/1", "acme!spec/1#comments"]) {
      const socket = await openRawSocket(one().wsUrl);
      socket.send(authFrame(crafted, tokens.default));
      expect((await socket.closed).code, crafted).toBe(4400);
    }
    const forged = await signToken("another-secret-long-enough-for-hs256!!", {
      sub: "mallory",
      name: "Mallory",
      tenant: "acme",
      access: { "*": "owner" },
    });
    const socket = await openRawSocket(one().wsUrl);
    socket.send(authFrame("spec/1", forged));
    expect((await socket.closed).code).toBe(4401);
  });

  it("a socket speaks for the tenant of its first token: another tenant's token on it is refused", async () => {
    const acme = open(one(), "spec/1", "acme");
    await synced(acme);
    let refused = "";
    const beta = connect(one().wsUrl, "spec/other", { token: tokens.beta, socket: acme.socket });
    clients.push(beta);
    beta.provider.on("authenticationFailed", ({ reason }: { reason: string }) => {
      refused = reason;
    });
    await waitFor(() => refused !== "", "the beta token is refused on acme's socket");
    expect(beta.provider.isSynced).toBe(false);
    expect(acme.socket.status).toBe("connected");
  });

  it("webhooks go to the tenant of the document, with the name its clients know", async () => {
    const subscribe = async (tenant: "acme" | "beta") => {
      const receiver = await startReceiver();
      receivers.push(receiver);
      const events = ["document.created", "document.updated", "document.deleted"];
      const created = await api<{ id: string }>(tenant, "POST", "/api/webhooks", { url: receiver.url, events });
      expect(created.status).toBe(201);
      return Object.assign(receiver, { id: created.body.id });
    };
    const [acmeHooks, betaHooks] = [await subscribe("acme"), await subscribe("beta")];
    const acmeDoc = await createSpec("acme", "Announced to acme");
    const betaDoc = await createSpec("beta", "Announced to beta");
    const editor = open(two(), acmeDoc, "acme");
    await synced(editor);
    editor.text.insert(0, "settles");
    await editor.acknowledged();

    const seen = (receiver: typeof acmeHooks) => receiver.acknowledged().map(({ event }) => event as WebhookEvent);
    await waitFor(() => seen(acmeHooks).some((event) => event.type === "document.updated"), "acme's settled edit");
    await waitFor(() => seen(betaHooks).some((event) => event.type === "document.created"), "beta's creation");
    expect(seen(acmeHooks).map((event) => [event.type, event.tenant, event.data.document])).toEqual(
      expect.arrayContaining([
        ["document.created", "acme", acmeDoc],
        ["document.updated", "acme", acmeDoc],
      ]),
    );
    expect(seen(acmeHooks).every((event) => event.tenant === "acme" && event.data.document === acmeDoc)).toBe(true);
    expect(seen(betaHooks).map((event) => [event.type, event.tenant, event.data.document])).toEqual([
      ["document.created", "beta", betaDoc],
    ]);
    // Subscriptions are per tenant too: beta lists only its own.
    const listed = await api<{ webhooks: Array<{ url: string }> }>("beta", "GET", "/api/webhooks");
    expect(listed.body.webhooks.map((webhook) => webhook.url)).toEqual([betaHooks.url]);
    expect((await api("beta", "GET", `/api/webhooks/${acmeHooks.id}/deliveries`)).status).toBe(404);
    expect((await api("beta", "DELETE", `/api/webhooks/${acmeHooks.id}`)).status).toBe(404);
    expect((await api("acme", "GET", `/api/webhooks/${acmeHooks.id}/deliveries`)).status).toBe(200);
  });

  it("the audit log of a tenant holds its own entries only, with the names its clients know", async () => {
    const name = await createSpec("acme", "Audited");
    const imported = await fetch(`${one().url}/api/documents/import?kind=idea`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokens.acme}`, "content-type": "text/markdown" },
      body: "# Imported by acme\n\nText.",
    });
    expect(imported.status).toBe(201);
    const importedName = ((await imported.json()) as DocumentSummary).name;
    expect((await api("acme", "GET", `/api/documents/${encodeURIComponent(name)}/content`)).status).toBe(200);
    type Page = { entries: Array<{ action: string; actor: string | null; document: string | null }> };
    const acmeLog = await api<Page>("acme", "GET", "/api/audit?action=document.created");
    expect(acmeLog.status).toBe(200);
    expect(acmeLog.body.entries).toContainEqual(expect.objectContaining({ actor: "ann", document: name }));
    expect(acmeLog.body.entries.every((entry) => entry.actor === "ann")).toBe(true);
    const moved = await api<Page>("acme", "GET", "/api/audit?actor=ann");
    expect(moved.body.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: "document.imported", document: importedName }),
        expect.objectContaining({ action: "document.exported", document: name }),
      ]),
    );
    for (const other of ["beta", "default"] as const) {
      const log = await api<Page>(other, "GET", "/api/audit");
      expect(log.status).toBe(200);
      expect(log.body.entries.filter((entry) => entry.actor === "ann")).toEqual([]);
      const asked = await api<Page>(other, "GET", `/api/audit?document=${encodeURIComponent(name)}`);
      expect(asked.body.entries).toEqual([]);
      const crafted = await api<Page>(other, "GET", `/api/audit?document=${encodeURIComponent(`acme!${name}`)}`);
      expect(crafted.status === 403 || crafted.body.entries.length === 0).toBe(true);
    }
    // The forged acme token refused earlier on the WebSocket is acme's to see, as an attempt on its spec/1.
    const refusals = async (tenant: keyof typeof tokens) =>
      (await api<Page>(tenant, "GET", "/api/audit?action=sign-in.refused")).body.entries;
    await waitFor(async () => (await refusals("acme")).length > 0, "acme's refused sign-in");
    expect(await refusals("acme")).toEqual([expect.objectContaining({ actor: null, document: "spec/1" })]);
    expect(await refusals("beta")).toEqual([]);
    expect(await refusals("default")).toEqual([]);
  });
});
