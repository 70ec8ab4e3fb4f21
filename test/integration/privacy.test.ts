import { TandemConnection, type TandemDocument } from "@tandem/client";
import { createPostgresStore } from "@tandem/persistence";
import { type DocumentSummary, peopleOf } from "@tandem/protocol";
import { signToken } from "@tandem/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { type ApiAnswer, apiCall } from "../support/api.js";
import { databaseUrl } from "../support/postgres.js";
import { type RunningServer, startServer } from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

const secret = "a-test-secret-that-is-long-enough-for-hs256";

interface Export {
  readonly person: string;
  readonly documents: {
    readonly name: string;
    readonly author: { name: string; color: string } | null;
    readonly profile: { name: string; color: string } | null;
    readonly comments: { body: string; quote: string; deleted: boolean }[];
    readonly suggestions: { quote: string; proposal: unknown; status: string }[];
    readonly reactions: { emojis: string[] }[];
    readonly mentions: { author: string; body: string }[];
  }[];
  readonly links: { document: string; role: string; userName: string }[];
  readonly audit: { action: string; actor: string; document: string | null }[];
  readonly notifications: {
    email: string | null;
    emailMode: string;
    following: string[];
    inbox: { kind: string; document: string; actor: string | null }[];
  };
}

/** The stored bytes of a document as a `gc: false` load gives them: everything the store still holds. */
async function storedBytes(schema: string, name: string): Promise<Buffer> {
  const store = await createPostgresStore({ connectionString: databaseUrl, schema });
  try {
    const doc = new Y.Doc({ gc: false });
    await store.load(name, doc);
    return Buffer.from(Y.encodeStateAsUpdate(doc));
  } finally {
    await store.close();
  }
}

describe("export and erasure of a person, through a real server and the client kit", () => {
  let server: RunningServer;
  const tokens: Record<string, string> = {};
  const connections: TandemConnection[] = [];
  const call = <T = unknown>(who: string, method: string, path: string, json?: unknown): Promise<ApiAnswer<T>> =>
    apiCall<T>(server.url, method, path, tokens[who] ?? "", json);

  beforeAll(async () => {
    server = await startServer({ authSecret: secret });
    const people = {
      root: { sub: "root", name: "Root", access: { "*": "owner" } },
      olga: { sub: "olga", name: "Olga", access: { "spec/*": "owner" } },
      ada: { sub: "ada", name: "Ada Lovelace", access: { "*": "editor" } },
      grace: { sub: "grace", name: "Grace Hopper", access: { "*": "editor" } },
      // Another organisation on the same server, with a person of the same user id.
      acmeRoot: { sub: "root", name: "Acme Root", tenant: "acme", access: { "*": "owner" } },
      acmeAda: { sub: "ada", name: "Ada of Acme", tenant: "acme", access: { "*": "editor" } },
    } as const;
    for (const [key, claims] of Object.entries(people)) tokens[key] = await signToken(secret, claims, "1h");
  });
  afterAll(async () => {
    for (const connection of connections) connection.destroy();
    await server.closeAndDropSchema();
  });

  async function open(who: string, name: string): Promise<TandemDocument> {
    const connection = new TandemConnection({ url: server.wsUrl, token: tokens[who] });
    connections.push(connection);
    const { document } = connection.openDocument(name);
    await waitFor(() => document.canComment && document.state.get().synced, `${who} opens ${name}`);
    return document;
  }
  const settled = (document: TandemDocument) =>
    waitFor(() => document.state.get().unsyncedChanges === 0, "changes acknowledged");

  it("exports what the service holds about Ada, then erases her: placeholders live and stored, no name left", async () => {
    const imported = await fetch(`${server.url}/api/documents/import?kind=spec`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokens.ada}`, "content-type": "text/markdown" },
      body: "# Launch\n\nShip the rocket on Friday.",
    });
    expect(imported.status).toBe(201);
    const { name } = (await imported.json()) as DocumentSummary;
    const thread = await call<{ threadId: string }>("ada", "POST", `/api/documents/${name}/comments`, {
      quote: "rocket",
      body: "Ada's private thought",
    });
    expect(thread.status).toBe(201);
    const proposed = await call("ada", "POST", `/api/documents/${name}/suggestions`, {
      quote: "Friday",
      proposal: { kind: "replace", text: "Monday at dawn" },
    });
    expect(proposed.status).toBe(201);

    // Ada also opened a share link to it (her editor token needs none: the grant is kept all the same).
    const link = await call<{ secret: string }>("root", "POST", `/api/documents/${name}/share-links`, {
      role: "commenter",
    });
    expect(link.status).toBe(201);
    expect((await call("ada", "POST", "/api/share-links/redeem", { secret: link.body.secret })).status).toBe(200);

    const ada = await open("ada", name);
    const grace = await open("grace", name);
    const threadOf = (document: TandemDocument) => document.commentsStore.getSnapshot().byId.get(thread.body.threadId);
    await waitFor(() => threadOf(grace) !== undefined, "grace sees the thread");
    const reply = grace.commentsStore.reply(thread.body.threadId, "@Ada Lovelace agreed");
    const adaComment = threadOf(grace)?.comments[0]?.id ?? "";
    grace.commentsStore.toggleReaction(thread.body.threadId, adaComment, "👍");
    await settled(grace);
    await waitFor(() => threadOf(ada)?.comments.length === 2, "ada sees the reply");
    ada.commentsStore.toggleReaction(thread.body.threadId, reply, "🎉");
    await settled(ada);
    await waitFor(
      () => grace.presence.getSnapshot().peers.some((peer) => peer.user.id === "ada"),
      "grace sees ada here",
    );

    expect((await call("olga", "GET", "/api/people/ada/export")).status).toBe(403);
    const exported = await fetch(`${server.url}/api/people/ada/export`, {
      headers: { authorization: `Bearer ${tokens.root}` },
    });
    expect(exported.status, await exported.clone().text()).toBe(200);
    expect(exported.headers.get("content-disposition")).toContain("attachment");
    const data = (await exported.json()) as Export;
    expect(data.person).toBe("ada");
    expect(data.documents).toHaveLength(1);
    expect(data.documents[0]).toMatchObject({
      name,
      author: { name: "Ada Lovelace" },
      profile: { name: "Ada Lovelace" },
      comments: [{ body: "Ada's private thought", quote: "rocket", deleted: false }],
      suggestions: [{ quote: "Friday", proposal: { kind: "replace", text: "Monday at dawn" }, status: "pending" }],
      reactions: [{ emojis: ["🎉"] }],
      mentions: [{ author: "grace", body: "@Ada Lovelace agreed" }],
    });
    expect(data.links).toMatchObject([{ document: name, role: "commenter", userName: "Ada Lovelace" }]);
    expect(data.audit.map((entry) => [entry.action, entry.actor, entry.document])).toEqual([
      ["document.imported", "ada", name],
      ["share-link.used", "ada", name],
    ]);

    // Grace's reply mentions Ada: a notification in Ada's inbox, which the erasure deletes.
    await waitFor(
      async () => (await call<{ unread: number }>("ada", "GET", "/api/inbox/unread")).body.unread === 1,
      "ada's notification of the mention",
    );
    const withInbox = await call<Export>("root", "GET", "/api/people/ada/export");
    expect(withInbox.body.notifications.inbox.map(({ kind, document, actor }) => [kind, document, actor])).toEqual([
      ["mention", name, "grace"],
    ]);
    expect(withInbox.body.notifications.following).toEqual([name]);
    const erased = await call<{
      documents: number;
      comments: number;
      auditEntries: number;
      shareGrants: number;
      notifications: number;
    }>("root", "POST", "/api/people/ada/erase", {});
    expect(erased.status).toBe(200);
    expect(erased.body).toEqual({ documents: 1, comments: 1, auditEntries: 2, shareGrants: 1, notifications: 1 });

    // Grace, who had it open all along, sees the placeholder at once; her own words stay.
    await waitFor(() => threadOf(grace)?.comments[0]?.deleted === true, "grace sees the placeholder");
    const [placeholder, graceReply] = threadOf(grace)?.comments ?? [];
    expect(placeholder).toMatchObject({ body: "", deleted: true, reactions: [] });
    expect(graceReply).toMatchObject({ body: "@Ada Lovelace agreed", mentions: [], reactions: [] });
    expect(peopleOf(grace.comments).has("ada")).toBe(false);
    expect(JSON.stringify(grace.commentsStore.getSnapshot())).not.toContain('Ada Lovelace"');
    await waitFor(
      () => !grace.presence.getSnapshot().peers.some((peer) => peer.user.id === "ada"),
      "ada's presence goes",
    );

    // Stored: not in the comments document's bytes, nor in how the document's history shows its authors.
    const stored = await storedBytes(server.schema, `${name}#comments`);
    expect([stored.includes("Ada's private thought"), stored.includes("Monday at dawn")]).toEqual([false, false]);
    const authorship = await call<{ authors: { id: string; name: string }[] }>(
      "root",
      "GET",
      `/api/documents/${name}/authorship`,
    );
    expect(JSON.stringify(authorship.body)).not.toContain("Ada Lovelace");
    const threads = await call<{ threads: { comments: { body: string; deleted: boolean }[] }[] }>(
      "root",
      "GET",
      `/api/documents/${name}/comments`,
    );
    expect(threads.body.threads[0]?.comments.map((comment) => comment.deleted)).toEqual([true, false]);

    // The audit log keeps what she did, without her name or address; the erasure is recorded without naming her.
    const audit = await call<{ entries: { action: string; actorName: string | null; address: string | null }[] }>(
      "root",
      "GET",
      "/api/audit?actor=ada",
    );
    expect(audit.body.entries.map((entry) => [entry.action, entry.actorName, entry.address])).toEqual([
      ["share-link.used", null, null],
      ["document.imported", null, null],
    ]);
    const recorded = await call<{ entries: { action: string; details: unknown }[] }>(
      "root",
      "GET",
      "/api/audit?action=person.erased",
    );
    expect(recorded.body.entries).toHaveLength(1);
    expect(recorded.body.entries[0]?.details).toEqual({
      documents: 1,
      comments: 1,
      auditEntries: 2,
      shareGrants: 1,
      notifications: 1,
    });
    expect((await call<Export>("root", "GET", "/api/people/ada/export")).body.links).toEqual([]);
    expect(JSON.stringify(recorded.body.entries).toLowerCase()).not.toContain("ada");

    const afterwards = await call<Export>("root", "GET", "/api/people/ada/export");
    expect(afterwards.body.notifications).toEqual({ email: null, emailMode: "all", following: [], inbox: [] });

    // Erasing again finds nothing more to change.
    expect((await call("root", "POST", "/api/people/ada/erase", {})).body).toEqual({
      documents: 0,
      comments: 0,
      auditEntries: 0,
      shareGrants: 0,
      notifications: 0,
    });
  });

  it("exports and erases within the caller's tenant: the same user id in another tenant is another person", async () => {
    const imported = await fetch(`${server.url}/api/documents/import?kind=idea`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokens.acmeAda}`, "content-type": "text/markdown" },
      body: "# Acme idea\n\nA rocket of our own.",
    });
    const { name } = (await imported.json()) as DocumentSummary;
    expect(
      (await call("acmeAda", "POST", `/api/documents/${name}/comments`, { quote: "rocket", body: "Acme's Ada" }))
        .status,
    ).toBe(201);

    // The default tenant's owner erases "ada": Acme's Ada keeps her comment, her name and her audit entries.
    expect((await call("root", "POST", "/api/people/ada/erase", {})).status).toBe(200);
    const acme = await call<Export>("acmeRoot", "GET", "/api/people/ada/export");
    expect(acme.body.documents.map((document) => [document.name, document.comments[0]?.body])).toEqual([
      [name, "Acme's Ada"],
    ]);
    expect(acme.body.documents[0]?.author).toMatchObject({ name: "Ada of Acme" });
    const acmeAudit = await call<{ entries: { actorName: string | null }[] }>(
      "acmeRoot",
      "GET",
      "/api/audit?actor=ada",
    );
    expect(acmeAudit.body.entries.map((entry) => entry.actorName)).toEqual(["Ada of Acme"]);
    // And the default tenant's export knows nothing of Acme's document.
    const here = await call<Export>("root", "GET", "/api/people/ada/export");
    expect(here.body.documents.some((document) => document.comments.some((c) => c.body === "Acme's Ada"))).toBe(false);

    expect((await call("acmeRoot", "POST", "/api/people/ada/erase", {})).body).toEqual({
      documents: 1,
      comments: 1,
      auditEntries: 1,
      shareGrants: 0,
      notifications: 0,
    });
  });
});
