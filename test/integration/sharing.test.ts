import { randomBytes } from "node:crypto";
import type { AccessInfo, CreatedShareLink, DocumentSummary, RedeemedShareLink, Role } from "@tandem/protocol";
import { signToken } from "@tandem/server";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCall } from "../support/api.js";
import { dropSchema, freshSchemaName, redisUrl } from "../support/postgres.js";
import { type Client, connect, type RunningServer, startServer, synced } from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

const secret = "a-test-secret-that-is-at-least-32-characters-long";

/** What a document connection of a client heard: its scope once authenticated, and per-document closes. */
function watch(client: Client) {
  const heard = { scope: undefined as string | undefined, denied: false, closes: [] as string[] };
  client.provider.on("authenticated", ({ scope }: { scope: string }) => {
    heard.scope = scope;
  });
  client.provider.on("authenticationFailed", () => {
    heard.denied = true;
  });
  client.provider.on("close", ({ event }: { event: { reason: string } }) => heard.closes.push(event.reason));
  return heard;
}

describe("share links", () => {
  const schema = freshSchemaName("sharing");
  // Two instances on one database and one Redis: a link revoked on one ends its sockets on the other.
  const redisPrefix = `tandem-test-${randomBytes(4).toString("hex")}`;
  let one: RunningServer;
  let two: RunningServer;
  const clients: Client[] = [];
  let owner: string;
  let name: string;

  const token = (sub: string, access: Record<string, Role>, extra: { tenant?: string } = {}) =>
    signToken(secret, { sub, name: sub, access, ...extra }, "1h");
  const open = (server: RunningServer, document: string, credential: string) => {
    const client = connect(server.wsUrl, document, { token: credential });
    clients.push(client);
    return { client, heard: watch(client) };
  };
  const links = (document: string) => `/api/documents/${encodeURIComponent(document)}/share-links`;
  const createLink = (credential: string, body: object, server = one, document = name) =>
    apiCall<CreatedShareLink>(server.url, "POST", links(document), credential, body);
  const redeem = (credential: string, linkSecret: string, server = two) =>
    apiCall<RedeemedShareLink>(server.url, "POST", "/api/share-links/redeem", credential, { secret: linkSecret });

  beforeAll(async () => {
    one = await startServer({ authSecret: secret, databaseSchema: schema, redisUrl, redisPrefix });
    two = await startServer({ authSecret: secret, databaseSchema: schema, redisUrl, redisPrefix });
    owner = await token("ada", { "spec/*": "owner" });
    const created = await apiCall<DocumentSummary>(one.url, "POST", "/api/documents", owner, {
      kind: "spec",
      title: "Shared spec",
    });
    expect(created.status).toBe(201);
    name = created.body.name;
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await Promise.all([one.close(), two.close()]);
    await dropSchema(schema);
  });

  it("only an owner creates, lists and revokes links; an owner link is not a thing", async () => {
    const editor = await token("bob", { "spec/*": "editor" });
    expect((await createLink(editor, { role: "viewer" })).status).toBe(403);
    expect((await apiCall(one.url, "GET", links(name), editor)).status).toBe(403);
    expect((await createLink(owner, { role: "owner" })).status).toBe(400);
    expect((await createLink(owner, { role: "viewer", expiresAt: "2001-01-01T00:00:00Z" })).status).toBe(400);
    const created = await createLink(owner, { role: "viewer" });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const listed = await apiCall<{ links: { id: string; status: string }[] }>(one.url, "GET", links(name), owner);
    expect(listed.body.links).toContainEqual(expect.objectContaining({ id: created.body.link.id, status: "active" }));
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expect((await apiCall(one.url, "DELETE", `${links(name)}/sl_unknown`, owner)).status).toBe(404);
  });

  it("a commenter link lets a person without access comment but not edit, until it is revoked on another instance", async () => {
    const grace = await token("grace", {});
    const before = open(two, name, grace);
    await waitFor(() => before.heard.denied, "grace refused before opening the link");
    expect((await apiCall(two.url, "GET", `/api/documents/${name}`, grace)).status).toBe(403);

    const created = await createLink(owner, { role: "commenter" });
    const redeemed = await redeem(grace, created.body.secret);
    expect(redeemed.status).toBe(200);
    expect(redeemed.body).toEqual({ document: name, role: "commenter", expiresAt: null });

    const content = open(two, name, grace);
    const comments = open(two, `${name}#comments`, grace);
    await Promise.all([synced(content.client), synced(comments.client)]);
    expect(content.heard.scope).toBe("readonly");
    expect(comments.heard.scope).toBe("read-write");
    content.client.text.insert(0, "typed by a commenter");
    await waitFor(() => content.client.refusedWrites() > 0, "grace's edit of the text refused");
    expect((await apiCall(one.url, "GET", `/api/documents/${name}`, grace)).status).toBe(200);
    const shared = await apiCall<{ documents: { document: string }[] }>(
      one.url,
      "GET",
      "/api/share-links/shared-with-me",
      grace,
    );
    expect(shared.body.documents.map((each) => each.document)).toEqual([name]);
    const people = await apiCall<{ people: AccessInfo[] }>(two.url, "GET", `/api/documents/${name}/access`, owner);
    expect(people.body.people).toContainEqual(
      expect.objectContaining({
        id: "grace",
        role: "commenter",
        via: "link",
        linkId: created.body.link.id,
        present: true,
      }),
    );

    // Malformed messages on the channel are dropped: the revocation published after them (Redis keeps a
    // channel's order) still reaches instance two, whose subscriber survived them.
    const redis = new Redis(redisUrl);
    for (const junk of [
      "not json",
      JSON.stringify({ linkId: 5 }),
      JSON.stringify({ linkId: "x", document: name, more: 1 }),
    ])
      await redis.publish(`${redisPrefix}#share-links`, junk);
    redis.disconnect();

    // Revoked on instance one: grace's connections on instance two end at once, both halves.
    expect((await apiCall(one.url, "DELETE", `${links(name)}/${created.body.link.id}`, owner)).status).toBe(204);
    await waitFor(
      () => content.heard.closes.includes("forbidden") && comments.heard.closes.includes("forbidden"),
      "grace's content and comments closed with the 4403 reason",
    );
    expect((await apiCall(two.url, "GET", `/api/documents/${name}`, grace)).status).toBe(403);
    expect((await redeem(grace, created.body.secret)).status).toBe(410);
    const again = open(two, name, grace);
    await waitFor(() => again.heard.denied, "grace refused after the revocation");

    const audit = await apiCall<{ entries: { action: string }[] }>(
      one.url,
      "GET",
      `/api/audit?document=${encodeURIComponent(name)}`,
      owner,
    );
    const actions = audit.body.entries.map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(["share-link.created", "share-link.used", "share-link.revoked"]));
  });

  it("a link never lowers a role, and revoking it leaves a connection whose token grants as much", async () => {
    const viewerLink = await createLink(owner, { role: "viewer" });
    expect((await redeem(owner, viewerLink.body.secret)).status).toBe(200);
    const ada = open(one, name, owner);
    await synced(ada.client);
    expect(ada.heard.scope).toBe("read-write");
    expect((await createLink(owner, { role: "editor" })).status).toBe(201);
    expect((await apiCall(one.url, "DELETE", `${links(name)}/${viewerLink.body.link.id}`, owner)).status).toBe(204);
    ada.client.text.insert(0, "still here");
    await ada.client.acknowledged();
    expect(ada.heard.closes).toEqual([]);
  });

  it("an expiring link ends by itself, for the sockets it opened too", async () => {
    const carol = await token("carol", {});
    const expiresAt = new Date(Date.now() + 2500).toISOString();
    const created = await createLink(owner, { role: "editor", expiresAt });
    expect((await redeem(carol, created.body.secret)).body.role).toBe("editor");
    const content = open(two, name, carol);
    await synced(content.client);
    expect(content.heard.scope).toBe("read-write");
    await waitFor(() => content.heard.closes.includes("forbidden"), "carol's connection closed at expiry");
    expect((await redeem(carol, created.body.secret)).status).toBe(410);
  });

  it("a link is its tenant's: it opens that tenant's document, named as the tenant knows it, and nobody else's", async () => {
    const acmeOwner = await token("wile", { "spec/*": "owner" }, { tenant: "acme" });
    const created = await apiCall<DocumentSummary>(one.url, "POST", "/api/documents", acmeOwner, {
      kind: "spec",
      title: "Acme's plan",
    });
    const acmeDocument = created.body.name;
    const link = await createLink(acmeOwner, { role: "viewer" }, one, acmeDocument);
    expect(link.status).toBe(201);
    expect(link.body.link.document).toBe(acmeDocument);

    const outsider = await token("mallory", {});
    expect((await redeem(outsider, link.body.secret)).status).toBe(404);
    expect((await redeem(outsider, "not-a-secret")).status).toBe(404);

    const roadRunner = await token("road-runner", {}, { tenant: "acme" });
    const redeemed = await redeem(roadRunner, link.body.secret);
    expect(redeemed.body).toEqual({ document: acmeDocument, role: "viewer", expiresAt: null });
    const reader = open(two, acmeDocument, roadRunner);
    await synced(reader.client);
    expect(reader.heard.scope).toBe("readonly");
    const listed = await apiCall<{ documents: { name: string }[] }>(two.url, "GET", "/api/documents", roadRunner);
    expect(listed.body.documents.map((each) => each.name)).toEqual([acmeDocument]);

    expect((await apiCall(one.url, "DELETE", `${links(acmeDocument)}/${link.body.link.id}`, acmeOwner)).status).toBe(
      204,
    );
    await waitFor(() => reader.heard.closes.includes("forbidden"), "acme's reader closed on the other instance");
  });

  it("erasing a person deletes their grants: what was shared with them is no longer theirs", async () => {
    const link = await createLink(owner, { role: "commenter" });
    const erin = await token("erin", {});
    expect((await redeem(erin, link.body.secret)).status).toBe(200);
    const operator = await token("operator", { "*": "owner" });
    expect((await apiCall(one.url, "POST", "/api/people/erin/erase", operator, {})).status).toBe(200);
    const shared = await apiCall<{ documents: unknown[] }>(two.url, "GET", "/api/share-links/shared-with-me", erin);
    expect(shared.body.documents).toEqual([]);
    expect((await apiCall(two.url, "GET", `/api/documents/${name}`, erin)).status).toBe(403);
  });

  it("deleting a document deletes its links", async () => {
    const created = await apiCall<DocumentSummary>(one.url, "POST", "/api/documents", owner, {
      kind: "spec",
      title: "Short-lived",
    });
    const link = await createLink(owner, { role: "editor" }, one, created.body.name);
    expect((await apiCall(one.url, "DELETE", `/api/documents/${created.body.name}`, owner)).status).toBe(204);
    expect((await redeem(await token("dora", {}), link.body.secret)).status).toBe(404);
  });
});
