import { randomBytes } from "node:crypto";
import { verifyWebhook, type WebhookEvent } from "@tandem/protocol/webhooks";
import { signToken } from "@tandem/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commentMap, replyTo, resolve, startThread } from "../support/comments.js";
import { dropSchema } from "../support/postgres.js";
import { connect, type RunningServer, startServer, synced } from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";
import { startReceiver } from "../support/webhook-receiver.js";

const secret = randomBytes(32).toString("hex");
const ada = { id: "ada", name: "Ada Lovelace", color: "#0090ff" };

describe("signed webhooks", () => {
  let server: RunningServer;
  let owner: string;
  let editor: string;
  const receivers: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    server = await startServer({
      authSecret: secret,
      // The receivers listen on loopback.
      webhookAllowPrivateAddresses: true,
      webhookRetryBaseMs: 20,
      webhookDebounceMs: 300,
      webhookPollMs: 100,
    });
    owner = await signToken(secret, { sub: "olive", name: "Olive", access: { "*": "owner" } });
    editor = await signToken(secret, { sub: ada.id, name: ada.name, color: ada.color, access: { "*": "editor" } });
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all(receivers.map((receiver) => receiver.close()));
    if (server) await dropSchema(server.schema);
  });

  async function api(path: string, token: string, method = "GET", body?: unknown) {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  }

  async function subscribe(url: string, events: string[]): Promise<{ id: string; secret: string }> {
    const created = await api("/api/webhooks", owner, "POST", { url, events });
    expect(created.status).toBe(201);
    return created.json;
  }

  async function receiver(answer?: Parameters<typeof startReceiver>[0]) {
    const started = await startReceiver(answer);
    receivers.push(started);
    return started;
  }

  const createDocument = async (title: string): Promise<string> => {
    const created = await api("/api/documents", editor, "POST", { kind: "spec", title });
    expect(created.status).toBe(201);
    return created.json.name;
  };

  it("owners of the whole tenant create, list and delete subscriptions; the secret is shown once", async () => {
    const { url } = await receiver();
    expect((await api("/api/webhooks", editor)).status).toBe(403);
    const specOwner = await signToken(secret, { sub: "sam", name: "Sam", access: { "spec/*": "owner" } });
    expect((await api("/api/webhooks", specOwner, "POST", { url, events: ["document.created"] })).status).toBe(403);
    expect((await api("/api/webhooks", owner, "POST", { url, events: ["no.such"] })).status).toBe(400);
    expect(
      (await api("/api/webhooks", owner, "POST", { url: "ftp://example.com/", events: ["document.created"] })).json,
    ).toMatchObject({ error: { code: "invalid-request", message: "url: must be http or https" } });

    const created = await subscribe(url, ["document.created", "document.deleted"]);
    expect(created).toMatchObject({ url, events: ["document.created", "document.deleted"], tenantId: "default" });
    expect(created.secret).toMatch(/^whsec_/);
    const listed = await api("/api/webhooks", owner);
    expect(listed.json.webhooks).toContainEqual(expect.objectContaining({ id: created.id, url }));
    expect(JSON.stringify(listed.json)).not.toContain(created.secret);
    expect((await api(`/api/webhooks/${created.id}`, owner, "DELETE")).status).toBe(204);
    expect((await api(`/api/webhooks/${created.id}`, owner, "DELETE")).status).toBe(404);
    expect((await api(`/api/webhooks/${created.id}/deliveries`, owner)).status).toBe(404);
    const { paths } = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as { paths: object };
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining(["/api/webhooks", "/api/webhooks/{id}", "/api/webhooks/{id}/deliveries"]),
    );
  });

  it("a delivery verifies with the exported receiver code, and not with another subscription's secret", async () => {
    const target = await receiver();
    const subscription = await subscribe(target.url, ["document.created"]);
    const name = await createDocument("Signed");
    await waitFor(() => target.received.length > 0, "the document.created delivery");
    const [request] = target.received;
    if (!request) throw new Error("nothing received");
    const verified = await verifyWebhook<WebhookEvent>(subscription.secret, request.headers, request.body);
    expect(verified).toMatchObject({
      ok: true,
      event: {
        type: "document.created",
        tenant: "default",
        data: { document: name, createdBy: ada.id, title: "Signed" },
      },
    });
    expect(request.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(request.headers["content-type"]).toBe("application/json");
    // Signed with another subscription's secret, it would not verify.
    const other = await subscribe(target.url, ["comment.created"]);
    expect(await verifyWebhook(other.secret, request.headers, request.body)).toMatchObject({ ok: false });
  });

  it("a receiver that fails twice gets the event on the third try, and every attempt is recorded", async () => {
    const flaky = await receiver(({ attempt }) => (attempt <= 2 ? 500 : 200));
    const subscription = await subscribe(flaky.url, ["document.created"]);
    const name = await createDocument("Flaky");
    await waitFor(() => flaky.acknowledged().length === 1, "the third attempt");
    expect(flaky.received.map((request) => request.status)).toEqual([500, 500, 200]);
    expect(new Set(flaky.received.map((request) => request.headers["webhook-id"])).size).toBe(1);
    expect(flaky.acknowledged()[0]?.event).toMatchObject({ type: "document.created", data: { document: name } });
    await waitFor(async () => {
      const { json } = await api(`/api/webhooks/${subscription.id}/deliveries`, owner);
      return json.deliveries[0]?.status === "delivered";
    }, "the delivery recorded as delivered");
    const { json } = await api(`/api/webhooks/${subscription.id}/deliveries`, owner);
    expect(json.deliveries).toHaveLength(1);
    expect(json.deliveries[0]).toMatchObject({
      eventType: "document.created",
      status: "delivered",
      nextAttemptAt: null,
    });
    expect(
      json.deliveries[0].attempts.map((attempt: { attempt: number; statusCode: number }) => [
        attempt.attempt,
        attempt.statusCode,
      ]),
    ).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    for (const attempt of json.deliveries[0].attempts) expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("archiving and deleting a document through the API announce it, with who did it", async () => {
    const target = await receiver();
    await subscribe(target.url, ["document.archived", "document.deleted"]);
    const name = await createDocument("Short-lived");
    const path = `/api/documents/${encodeURIComponent(name)}`;
    expect((await api(`${path}/archive`, owner, "POST", {})).status).toBe(200);
    // Archiving again changes nothing, and announces nothing.
    expect((await api(`${path}/archive`, owner, "POST", {})).status).toBe(200);
    expect((await api(path, owner, "DELETE")).status).toBe(204);
    await waitFor(() => target.acknowledged().length >= 2, "the archive and the deletion");
    // Sorted by type: deliveries are not ordered.
    expect(
      target
        .acknowledged()
        .map(({ event }) => [event.type, event.data])
        .sort(),
    ).toEqual([
      ["document.archived", { document: name, by: "olive" }],
      ["document.deleted", { document: name, by: "olive" }],
    ]);
  });

  it("comments, replies, mentions, resolutions, settled edits and versions are announced once committed", async () => {
    const target = await receiver();
    const subscription = await subscribe(target.url, [
      "comment.created",
      "comment.resolved",
      "mention.created",
      "document.updated",
      "version.created",
    ]);
    const name = await createDocument("Discussed");
    const comments = connect(server.wsUrl, `${name}#comments`, { token: editor });
    const content = connect(server.wsUrl, name, { token: editor });
    try {
      await Promise.all([synced(comments), synced(content)]);
      startThread(comments.doc, ada, "t1", "Is this right?");
      replyTo(comments.doc, ada, "t1", "t1-2", "Asking @Grace");
      commentMap(comments.doc, "t1", 1).set("mentions", ["grace"]);
      resolve(comments.doc, ada, "t1");
      content.text.insert(0, "typed");
      content.text.insert(5, " more");
      await Promise.all([comments.acknowledged(), content.acknowledged()]);
      const types = () => target.acknowledged().map(({ event }) => event.type);
      await waitFor(() => types().includes("document.updated"), "the settled edits");
      await waitFor(() => types().length >= 5, "every comment event");
      const events = target.acknowledged().map(({ event }) => event);
      expect(
        events
          .flatMap((event: WebhookEvent) => (event.type === "comment.created" ? [event.data] : []))
          // Deliveries are not ordered (docs/webhooks.md): by comment id.
          .sort((a, b) => (a.comment.id < b.comment.id ? -1 : 1)),
      ).toEqual([
        expect.objectContaining({
          document: name,
          threadId: "t1",
          newThread: true,
          quote: "quoted text",
          comment: expect.objectContaining({
            id: "t1-1",
            author: ada.id,
            authorName: ada.name,
            body: "Is this right?",
          }),
        }),
        expect.objectContaining({
          document: name,
          threadId: "t1",
          newThread: false,
          comment: expect.objectContaining({ id: "t1-2", body: "Asking @Grace" }),
        }),
      ]);
      expect(events.find((event) => event.type === "mention.created")?.data).toMatchObject({
        document: name,
        threadId: "t1",
        mentioned: "grace",
        comment: { id: "t1-2", author: ada.id },
      });
      expect(events.find((event) => event.type === "comment.resolved")?.data).toMatchObject({
        document: name,
        threadId: "t1",
        resolvedBy: ada.id,
      });
      const updated = events.filter((event) => event.type === "document.updated");
      expect(updated).toHaveLength(1);
      expect(updated[0]?.data).toMatchObject({ document: name, editors: [ada.id] });

      const version = await api(`/api/documents/${name}/versions`, editor, "POST", { label: "Reviewed" });
      expect(version.status).toBe(201);
      await waitFor(() => types().includes("version.created"), "the version");
      expect(target.acknowledged().find(({ event }) => event.type === "version.created")?.event.data).toMatchObject({
        document: name,
        version: { id: version.json.id, kind: "named", label: "Reviewed", createdBy: ada.id },
      });
      // Each event once, under an id of its own.
      const ids = target.acknowledged().map(({ id }) => id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(subscription.id).toMatch(/^wh_/);
    } finally {
      comments.destroy();
      content.destroy();
    }
  });
});
