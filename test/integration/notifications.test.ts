import { randomBytes } from "node:crypto";
import { signToken } from "@tandem/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCall } from "../support/api.js";
import { replyTo, startThread } from "../support/comments.js";
import { openInboxStream } from "../support/inbox.js";
import { dropSchema, freshSchemaName, redisUrl } from "../support/postgres.js";
import { type Client, connect, type RunningServer, startServer, synced } from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

const secret = randomBytes(32).toString("hex");
const ada = { id: "ada", name: "Ada Lovelace", color: "#0090ff" };
const grace = { id: "grace", name: "Grace Hopper", color: "#46a758" };
const olive = { id: "olive", name: "Olive", color: "#e5484d" };

interface Listed {
  id: string;
  kind: string;
  document: string;
  documentTitle: string | null;
  threadId: string | null;
  excerpt: string | null;
  actor: string | null;
}

describe("notifications", () => {
  const schema = freshSchemaName("inbox");
  const redisPrefix = `tandem-test-${randomBytes(4).toString("hex")}`;
  // Two instances on one database and one Redis: a mention made on one rings a bell open on the other.
  const servers: RunningServer[] = [];
  const clients: Client[] = [];
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      servers.push(await startServer({ authSecret: secret, databaseSchema: schema, redisUrl, redisPrefix }));
    }
    tokens.ada = await signToken(secret, { sub: ada.id, name: ada.name, access: { "*": "editor" } });
    tokens.grace = await signToken(secret, { sub: grace.id, name: grace.name, access: { "spec/*": "editor" } });
    tokens.olive = await signToken(secret, { sub: olive.id, name: olive.name, access: { "*": "editor" } });
    // Mallory may only see ideas: nothing about specs reaches her inbox.
    tokens.mallory = await signToken(secret, { sub: "mallory", name: "Mallory", access: { "idea/*": "editor" } });
    // Everyone visits their inbox once, so that the server knows their name and access.
    for (const token of Object.values(tokens)) expect((await api("/api/inbox/unread", token)).status).toBe(200);
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await Promise.all(servers.map((server) => server.close()));
    await dropSchema(schema);
  });

  // JSON as parsed (any): the tests read what they assert on.
  async function api(path: string, token: string, method = "GET", body?: unknown, on = 0) {
    const answer = await apiCall<ReturnType<typeof JSON.parse>>(servers[on]?.url as string, method, path, token, body);
    return { status: answer.status, json: answer.body };
  }

  const inbox = async (who: string): Promise<Listed[]> =>
    (await api("/api/inbox", tokens[who] as string)).json.notifications;
  const unread = async (who: string): Promise<number> =>
    (await api("/api/inbox/unread", tokens[who] as string)).json.unread;

  async function open(name: string, who: string): Promise<Client> {
    const client = connect(servers[0]?.wsUrl as string, name, { token: tokens[who] as string });
    clients.push(client);
    await synced(client);
    return client;
  }

  async function createSpec(title: string): Promise<string> {
    const created = await api("/api/documents", tokens.ada as string, "POST", { kind: "spec", title });
    expect(created.status).toBe(201);
    return created.json.name;
  }

  it("a mention and a reply reach the right inboxes, live on another instance, and are marked read", async () => {
    const name = await createSpec("Mentions");
    const stream = await openInboxStream(servers[1]?.url as string, tokens.grace as string);
    try {
      await waitFor(() => stream.counts.length > 0, "the stream's first count");
      const before = stream.counts.at(-1) as number;
      const comments = await open(`${name}#comments`, "ada");
      startThread(comments.doc, ada, "t1", "Is this right?");
      replyTo(comments.doc, ada, "t1", "t1-2", "Asking @Grace", ["grace"]);
      await comments.acknowledged();
      await waitFor(() => stream.counts.at(-1) === before + 1, "grace's bell on the other instance");
      const [mention] = await inbox("grace");
      expect(mention).toMatchObject({ kind: "mention", document: name, threadId: "t1", actor: "ada" });
      expect(mention?.documentTitle).toBe("Mentions");
      expect(mention?.excerpt).toBe("Asking @Grace");

      // Grace answers in the thread: Ada, who started it, gets a reply; Grace is not told of her own comment.
      const graceComments = await open(`${name}#comments`, "grace");
      replyTo(graceComments.doc, grace, "t1", "t1-3", "Looks right to me");
      await graceComments.acknowledged();
      await waitFor(async () => (await inbox("ada")).some((each) => each.kind === "reply"), "ada's reply notification");
      expect((await inbox("grace")).map((each) => each.kind)).toEqual(["mention"]);

      const read = await api("/api/inbox/read", tokens.grace as string, "POST", { ids: [mention?.id] }, 1);
      expect(read.json).toEqual({ changed: 1, unread: before });
      await waitFor(() => stream.counts.at(-1) === before, "grace's bell after reading");
      expect((await api("/api/inbox/read-all", tokens.ada as string, "POST")).json).toMatchObject({ unread: 0 });
      expect(await unread("ada")).toBe(0);
    } finally {
      stream.close();
    }
  });

  it("the inbox of a person without access to a document never shows it", async () => {
    const name = await createSpec("Secret");
    const comments = await open(`${name}#comments`, "ada");
    startThread(comments.doc, ada, "s1", "For specs people");
    replyTo(comments.doc, ada, "s1", "s1-2", "@Mallory and @Grace", ["mallory", "grace"]);
    await comments.acknowledged();
    await waitFor(async () => (await inbox("grace")).some((each) => each.document === name), "grace's mention");
    // Produced for Grace and not for Mallory, whose last token granted nothing on specs.
    expect(await inbox("mallory")).toEqual([]);
    expect(await unread("mallory")).toBe(0);

    // A token that no longer grants the document hides what was produced before.
    const narrowed = await signToken(secret, { sub: grace.id, name: grace.name, access: { "idea/*": "editor" } });
    const listed = await api("/api/inbox", narrowed);
    expect(listed.json.notifications.filter((each: Listed) => each.document === name)).toEqual([]);
    expect((await api("/api/inbox/unread", narrowed)).json.unread).toBe(0);
    // And, seen with that token, she is no longer told: the producer checks the access it last saw.
    replyTo(comments.doc, ada, "s1", "s1-3", "@Grace again, and @Olive", ["grace", "olive"]);
    await comments.acknowledged();
    // Olive's notification comes from the same batch: once it is there, Grace's was decided.
    await waitFor(async () => (await inbox("olive")).some((each) => each.document === name), "olive's mention");
    const restored = await signToken(secret, { sub: grace.id, name: grace.name, access: { "spec/*": "editor" } });
    expect((await api("/api/inbox/unread", restored)).status).toBe(200);
    expect((await inbox("grace")).filter((each) => each.excerpt?.startsWith("@Grace again"))).toEqual([]);
    expect((await api(`/api/inbox/following?document=${name}`, tokens.mallory as string)).status).toBe(403);
  });

  it("the new owner is told; owners and followers hear of status changes until they unfollow", async () => {
    const name = await createSpec("Owned");
    // Olive comments, so she follows the spec by default.
    const comments = await open(`${name}#comments`, "olive");
    startThread(comments.doc, olive, "o1", "Following along");
    await comments.acknowledged();
    await waitFor(
      async () => (await api(`/api/inbox/following?document=${name}`, tokens.olive as string)).json.following,
      "olive following by default",
    );
    const content = await open(name, "ada");
    const meta = content.doc.getMap("meta");
    meta.set("owner", "grace hopper");
    await content.acknowledged();
    await waitFor(async () => (await inbox("grace")).some((each) => each.kind === "owner"), "grace made owner");
    meta.set("status", "in-review");
    await content.acknowledged();
    for (const who of ["grace", "olive"]) {
      await waitFor(
        async () => (await inbox(who)).some((each) => each.kind === "status" && each.document === name),
        `${who} told of the status change`,
      );
    }
    expect((await inbox("olive")).find((each) => each.kind === "status")?.excerpt).toBe("draft → in-review");

    const unfollowed = await api("/api/inbox/following", tokens.olive as string, "PUT", {
      document: name,
      following: false,
    });
    expect(unfollowed.json).toEqual({ document: name, following: false });
    // Through the REST API this time: the same edit of the document, by whoever called.
    const patched = await api(`/api/documents/${name}`, tokens.ada as string, "PATCH", { status: "approved" });
    expect(patched.status).toBe(200);
    await waitFor(
      async () => (await inbox("grace")).filter((each) => each.kind === "status").length === 2,
      "grace told again",
    );
    expect((await inbox("olive")).filter((each) => each.kind === "status")).toHaveLength(1);
    expect((await inbox("grace")).find((each) => each.kind === "status")).toMatchObject({
      excerpt: "in-review → approved",
      actor: "ada",
      actorName: "Ada Lovelace",
    });
  });

  it("keeps tenants apart: a mention in one tenant's spec reaches that tenant's person only", async () => {
    const acme = {
      ada: await signToken(secret, { sub: ada.id, name: ada.name, tenant: "acme", access: { "*": "editor" } }),
      grace: await signToken(secret, { sub: grace.id, name: grace.name, tenant: "acme", access: { "*": "editor" } }),
    };
    expect((await api("/api/inbox/unread", acme.grace)).json.unread).toBe(0);
    const created = await api("/api/documents", acme.ada, "POST", { kind: "spec", title: "Acme's" });
    const name = created.json.name as string;
    const comments = connect(servers[0]?.wsUrl as string, `${name}#comments`, { token: acme.ada });
    clients.push(comments);
    await synced(comments);
    startThread(comments.doc, ada, "a1", "Acme only");
    replyTo(comments.doc, ada, "a1", "a1-2", "@Grace in acme", ["grace"]);
    await comments.acknowledged();
    await waitFor(async () => (await api("/api/inbox/unread", acme.grace)).json.unread === 1, "acme's grace told");
    const [listed] = (await api("/api/inbox", acme.grace)).json.notifications as Listed[];
    // The name acme's clients know, and its title.
    expect(listed).toMatchObject({ kind: "mention", document: name, documentTitle: "Acme's" });
    // The default tenant's Grace, the same user id, sees none of it.
    expect((await inbox("grace")).some((each) => each.excerpt === "@Grace in acme")).toBe(false);
    const following = await api(`/api/inbox/following?document=${encodeURIComponent(name)}`, acme.ada);
    expect(following.json).toEqual({ document: name, following: true });
  });

  it("a deleted document's notifications leave the inbox, and the bell is told", async () => {
    const name = await createSpec("Doomed");
    const comments = await open(`${name}#comments`, "ada");
    startThread(comments.doc, ada, "d1", "Soon gone");
    replyTo(comments.doc, ada, "d1", "d1-2", "@Grace before it goes", ["grace"]);
    await comments.acknowledged();
    await waitFor(async () => (await inbox("grace")).some((each) => each.document === name), "grace's mention");
    const stream = await openInboxStream(servers[0]?.url as string, tokens.grace as string);
    try {
      await waitFor(() => stream.counts.length > 0, "the stream's first count");
      const before = stream.counts.at(-1) as number;
      const owner = await signToken(secret, { sub: ada.id, name: ada.name, access: { "*": "owner" } });
      expect((await api(`/api/documents/${name}`, owner, "DELETE")).status).toBe(204);
      await waitFor(() => stream.counts.at(-1) === before - 1, "grace's bell after the deletion");
      expect((await inbox("grace")).some((each) => each.document === name)).toBe(false);
    } finally {
      stream.close();
    }
  });

  it("settings default to all emails, change per person, and refuse what is not a mode", async () => {
    expect((await api("/api/inbox/settings", tokens.olive as string)).json).toEqual({ email: null, emailMode: "all" });
    const changed = await api("/api/inbox/settings", tokens.olive as string, "PUT", { emailMode: "mentions" });
    expect(changed.json).toEqual({ email: null, emailMode: "mentions" });
    expect((await api("/api/inbox/settings", tokens.olive as string, "PUT", { emailMode: "daily" })).status).toBe(400);
    expect((await fetch(`${servers[0]?.url}/api/inbox`)).status).toBe(401);
  });
});
