import { DocumentsClient, isTandemClientError } from "@tandem/client";
import { DocumentFields, type DocumentPage, type DocumentSummary } from "@tandem/protocol";
import { signToken } from "@tandem/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { type ApiAnswer, apiCall } from "../support/api.js";
import {
  type Client,
  connect,
  type RunningServer,
  startServer,
  storedInfo,
  storedText,
  synced,
} from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

const secret = "a-test-secret-that-is-long-enough-for-hs256";

/** Appends a paragraph holding `text` to a document's body, as an editor's client writes it. */
function typeParagraph(doc: Y.Doc, text: string): void {
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText(text)]);
  const body = doc.getXmlFragment(DocumentFields.content);
  body.insert(body.length, [paragraph]);
}

describe("documents through the REST API: list, search, change, archive, duplicate, delete", () => {
  let server: RunningServer;
  const clients: Client[] = [];
  const tokens: Record<string, string> = {};

  const call = <T = unknown>(who: string, method: string, path: string, json?: unknown) =>
    apiCall<T>(server.url, method, path, tokens[who] ?? "", json);
  const create = async (who: string, kind: string, title: string) => {
    const answer = await call<DocumentSummary>(who, "POST", "/api/documents", { kind, title });
    expect(answer.status).toBe(201);
    return answer.body;
  };
  const names = (page: ApiAnswer<DocumentPage>) => page.body.documents.map((document) => document.name);
  const search = async (who: string, query: string) => {
    const page = await call<DocumentPage>(who, "GET", `/api/documents?${query}`);
    expect(page.status).toBe(200);
    return names(page);
  };

  beforeAll(async () => {
    server = await startServer({ authSecret: secret });
    tokens.owner = await signToken(secret, { sub: "olga", name: "Olga", access: { "*": "owner" } });
    tokens.editor = await signToken(secret, { sub: "ed", name: "Ed", access: { "*": "editor" } });
    tokens.viewer = await signToken(secret, { sub: "vic", name: "Vic", access: { "*": "viewer" } });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await server.closeAndDropSchema();
  });

  it("searches titles, filters by kind, status and owner, sorts, and pages without gaps or repeats", async () => {
    const a = await create("owner", "spec", "Zebra crossing");
    const b = await create("editor", "spec", "apple picking");
    const c = await create("owner", "idea", "Apple pie");
    await call("owner", "PATCH", `/api/documents/${a.name}`, { status: "approved" });
    tokens.specsOfB = await signToken(secret, {
      sub: "sam",
      name: "Sam",
      access: { [b.name]: "viewer", "idea/*": "viewer" },
    });

    expect(names(await call("owner", "GET", "/api/documents?q=APPLE"))).toEqual([c.name, b.name]);
    expect(names(await call("owner", "GET", "/api/documents?q=apple&kind=spec"))).toEqual([b.name]);
    expect(names(await call("owner", "GET", "/api/documents?status=approved"))).toEqual([a.name]);
    expect(names(await call("owner", "GET", "/api/documents?owner=Ed"))).toEqual([b.name]);
    expect(names(await call("owner", "GET", "/api/documents?sort=title&order=asc"))).toEqual([b.name, c.name, a.name]);
    // Sam may read one spec and the ideas: every page is full, and what Sam may not read never shows.
    const first = await call<DocumentPage>("specsOfB", "GET", "/api/documents?limit=1");
    const second = await call<DocumentPage>(
      "specsOfB",
      "GET",
      `/api/documents?limit=1&offset=${first.body.nextOffset}`,
    );
    expect([...names(first), ...names(second)]).toEqual([c.name, b.name]);
    expect(second.body.nextOffset).toBeNull();
    for (const query of ["?sort=size", "?order=up", "?offset=-1", "?archived=maybe", "?status=done"]) {
      expect((await call("owner", "GET", `/api/documents${query}`)).status, query).toBe(400);
    }
  });

  it("changes title, status and owner as a live edit that open editors see at once", async () => {
    const spec = await create("owner", "spec", "Before");
    const watcher = connect(server.wsUrl, spec.name, { token: tokens.viewer });
    clients.push(watcher);
    await synced(watcher);
    const changed = await call<DocumentSummary>("editor", "PATCH", `/api/documents/${spec.name}`, {
      title: "After",
      status: "in-review",
      owner: "Grace",
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ title: "After", status: "in-review", owner: "Grace" });
    await waitFor(
      () => watcher.doc.getText(DocumentFields.title).toString() === "After",
      "the title reaches the viewer",
    );
    expect(watcher.doc.getMap(DocumentFields.meta).get("owner")).toBe("Grace");
    await waitFor(async () => (await storedInfo(server.schema, spec.name))?.metadata.title === "After", "mirrored");

    expect((await call("viewer", "PATCH", `/api/documents/${spec.name}`, { title: "Mine" })).status).toBe(403);
    expect((await call("editor", "PATCH", `/api/documents/${spec.name}`, {})).status).toBe(400);
    expect((await call("editor", "PATCH", `/api/documents/${spec.name}`, { status: "done" })).status).toBe(400);
    const idea = await create("editor", "idea", "No status");
    expect((await call("editor", "PATCH", `/api/documents/${idea.name}`, { status: "draft" })).status).toBe(400);
    expect((await call("editor", "PATCH", "/api/documents/spec/none", { title: "x" })).status).toBe(404);
  });

  it("archives (owners only): archived documents leave the default list, and come back when unarchived", async () => {
    const spec = await create("owner", "spec", "Old plan");
    expect((await call("editor", "POST", `/api/documents/${spec.name}/archive`, {})).status).toBe(403);
    const archived = await call<DocumentSummary>("owner", "POST", `/api/documents/${spec.name}/archive`, {});
    expect(archived.body.archivedAt).toMatch(/^\d{4}-/);
    expect(names(await call("owner", "GET", "/api/documents"))).not.toContain(spec.name);
    expect(names(await call("owner", "GET", "/api/documents?archived=true"))).toEqual([spec.name]);
    expect(names(await call("owner", "GET", "/api/documents?archived=all"))).toContain(spec.name);
    const back = await call<DocumentSummary>("owner", "POST", `/api/documents/${spec.name}/unarchive`, {});
    expect(back.body.archivedAt).toBeNull();
    expect(names(await call("owner", "GET", "/api/documents"))).toContain(spec.name);
  });

  it("an archived document is read-only for everyone until unarchived: open sockets get the new scope, the API refuses writes", async () => {
    const spec = await create("owner", "spec", "Frozen");
    const path = `/api/documents/${spec.name}`;
    const editor = connect(server.wsUrl, spec.name, { token: tokens.editor });
    const comments = connect(server.wsUrl, `${spec.name}#comments`, { token: tokens.editor, socket: editor.socket });
    clients.push(editor, comments);
    await Promise.all([synced(editor), synced(comments)]);
    editor.text.insert(0, "before");
    await editor.acknowledged();
    expect(editor.provider.authorizedScope).toBe("read-write");

    expect((await call("owner", "POST", `${path}/archive`, {})).status).toBe(200);
    await waitFor(
      () => editor.provider.authorizedScope === "readonly" && comments.provider.authorizedScope === "readonly",
      "the open connections are told they are read-only",
    );
    editor.text.insert(editor.text.length, " during");
    await waitFor(() => editor.refusedWrites() > 0, "the edit is refused");
    // A new connection, even the owner's, is read-only too; so are clients joining together (they share one check).
    const joiners = ["owner", "editor", "owner", "editor"].map((who) =>
      connect(server.wsUrl, spec.name, { token: tokens[who] ?? "" }),
    );
    clients.push(...joiners);
    await Promise.all(joiners.map(synced));
    expect(joiners.map((joiner) => joiner.provider.authorizedScope)).toEqual(Array(4).fill("readonly"));
    const owner = joiners[0] as Client;
    expect(owner.text.toString()).toBe("before");
    const refused = [
      await call("owner", "PATCH", path, { title: "Thawed?" }),
      await call("editor", "POST", `${path}/comments`, { quote: "Problem", body: "Still?" }),
      await call("owner", "POST", `${path}/suggestions`, {
        quote: "Problem",
        proposal: { kind: "delete" },
      }),
    ];
    expect(refused.map((answer) => answer.status)).toEqual([403, 403, 403]);
    expect(JSON.stringify(refused[0]?.body)).toContain("is archived");

    expect((await call("owner", "POST", `${path}/unarchive`, {})).status).toBe(200);
    await waitFor(
      () => editor.provider.authorizedScope === "read-write" && owner.provider.authorizedScope === "read-write",
      "the open connections may write again",
    );
    owner.text.insert(owner.text.length, " after");
    await owner.acknowledged();
    expect(await storedText(server.schema, spec.name)).toBe("before after");
    expect((await call("owner", "PATCH", path, { title: "Thawed" })).status).toBe(200);
  });

  it("duplicates a document's title and body into a new one of its kind", async () => {
    const spec = await create("owner", "spec", "Original");
    const copy = await call<DocumentSummary>("editor", "POST", `/api/documents/${spec.name}/duplicate`, {});
    expect(copy.status).toBe(201);
    expect(copy.body.name).not.toBe(spec.name);
    expect(copy.body).toMatchObject({ kind: "spec", title: "Original", owner: "Ed", status: "draft" });
    const renamed = await call<DocumentSummary>("editor", "POST", `/api/documents/${spec.name}/duplicate`, {
      title: "Second",
    });
    expect(renamed.body.title).toBe("Second");
    const original = connect(server.wsUrl, spec.name, { token: tokens.viewer });
    const duplicate = connect(server.wsUrl, copy.body.name, { token: tokens.viewer });
    clients.push(original, duplicate);
    await Promise.all([synced(original), synced(duplicate)]);
    expect(duplicate.doc.getXmlFragment(DocumentFields.content).toString()).toBe(
      original.doc.getXmlFragment(DocumentFields.content).toString(),
    );
    expect((await call("viewer", "POST", `/api/documents/${spec.name}/duplicate`, {})).status).toBe(403);
  });

  it("deletes (owners only) with history, versions and comments; whoever has it open is told, and nothing else is closed", async () => {
    const spec = await create("owner", "spec", "Doomed");
    const kept = await create("owner", "spec", "Kept");
    await call("owner", "POST", `/api/documents/${spec.name}/versions`, { label: "v1" });
    const reader = connect(server.wsUrl, spec.name, { token: tokens.viewer });
    const comments = connect(server.wsUrl, `${spec.name}#comments`, { token: tokens.viewer, socket: reader.socket });
    const other = connect(server.wsUrl, kept.name, { token: tokens.viewer, socket: reader.socket });
    clients.push(reader, comments, other);
    await Promise.all([synced(reader), synced(comments), synced(other)]);
    const reasons: string[] = [];
    for (const client of [reader, comments]) {
      client.provider.on("close", ({ event }: { event: { reason: string } }) => reasons.push(event.reason));
    }

    expect((await call("editor", "DELETE", `/api/documents/${spec.name}`)).status).toBe(403);
    expect((await call("owner", "DELETE", `/api/documents/${spec.name}`)).status).toBe(204);
    await waitFor(() => reasons.length === 2, "both documents closed for the reader");
    expect(reasons).toEqual(["document-deleted", "document-deleted"]);
    expect((await call("owner", "GET", `/api/documents/${spec.name}`)).status).toBe(404);
    expect((await call("owner", "GET", `/api/documents/${spec.name}/versions`)).status).toBe(404);
    expect(await storedInfo(server.schema, spec.name)).toBeNull();
    expect(await storedInfo(server.schema, `${spec.name}#comments`)).toBeNull();
    expect((await call("owner", "DELETE", `/api/documents/${spec.name}`)).status).toBe(404);
    // The socket and its other document go on.
    expect(reader.closeCodes).toEqual([]);
    expect(other.provider.isSynced).toBe(true);
    expect((await call("owner", "GET", `/api/documents/${kept.name}`)).status).toBe(200);
  });

  it("finds a document by a word typed into its text, once stored, and never one the caller cannot read", async () => {
    const spec = await create("owner", "spec", "Storage plan");
    const idea = await create("editor", "idea", "Quiet hours");
    const writerA = connect(server.wsUrl, spec.name, { token: tokens.owner });
    const writerB = connect(server.wsUrl, idea.name, { token: tokens.editor });
    clients.push(writerA, writerB);
    await Promise.all([synced(writerA), synced(writerB)]);
    typeParagraph(writerA.doc, "We shard by tenant with Zanzibar-style checks.");
    typeParagraph(writerB.doc, "Mute zanzibar alerts at night.");

    await waitFor(
      async () => (await search("owner", "q=zanzibar")).length === 2,
      "both documents found by a word in their text",
    );
    expect((await search("owner", "q=ZANZIBAR-STYLE")).sort()).toEqual([spec.name]);
    expect(await search("owner", "q=zanzibar&kind=idea")).toEqual([idea.name]);
    tokens.ideas ??= await signToken(secret, { sub: "ivy", name: "Ivy", access: { "idea/*": "viewer" } });
    // Ivy reads ideas only: the spec's text matches, and still never shows.
    expect(await search("ideas", "q=zanzibar")).toEqual([idea.name]);
    // The title still counts, and a placeholder is not text.
    expect(await search("owner", "q=storage%20plan")).toEqual([spec.name]);
    expect(await search("owner", "q=What%20hurts%20today")).toEqual([]);

    // A document imported or copied is searchable before anyone opens it.
    const imported = await fetch(`${server.url}/api/documents/import?kind=spec`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokens.editor}`, "content-type": "text/markdown" },
      body: "# Billing\n\nInvoices go out on the first quokka of the month.\n",
    });
    expect(imported.status).toBe(201);
    const { name: billing } = (await imported.json()) as DocumentSummary;
    expect(await search("editor", "q=quokka")).toEqual([billing]);
    const copy = await call<DocumentSummary>("owner", "POST", `/api/documents/${billing}/duplicate`, { title: "Copy" });
    expect((await search("editor", "q=quokka")).sort()).toEqual([billing, copy.body.name].sort());
  });

  it("lists as shared with me what the caller can read but did not create, with the caller's role", async () => {
    const mine = await create("owner", "spec", "Olga's own");
    const theirs = await create("editor", "spec", "Ed's");
    const adaShared = await search("owner", "shared=true");
    expect(adaShared).toContain(theirs.name);
    expect(adaShared).not.toContain(mine.name);
    expect(await search("editor", "shared=true")).toContain(mine.name);
    expect(await search("editor", "shared=true")).not.toContain(theirs.name);
    tokens.ideas ??= await signToken(secret, { sub: "ivy", name: "Ivy", access: { "idea/*": "viewer" } });
    expect(await search("ideas", "shared=true&kind=spec")).toEqual([]);

    const asOlga = await call<DocumentSummary>("owner", "GET", `/api/documents/${mine.name}`);
    expect(asOlga.body).toMatchObject({ role: "owner", createdByYou: true });
    const asEd = await call<DocumentSummary>("editor", "GET", `/api/documents/${mine.name}`);
    expect(asEd.body).toMatchObject({ role: "editor", createdByYou: false });
    expect((await call("owner", "GET", "/api/documents?shared=maybe")).status).toBe(400);
  });

  it("keeps a spec's contributors, target date and priority, validated, in the document for everyone", async () => {
    const spec = await create("owner", "spec", "Launch");
    const watcher = connect(server.wsUrl, spec.name, { token: tokens.editor });
    clients.push(watcher);
    await synced(watcher);
    const changed = await call<DocumentSummary>("editor", "PATCH", `/api/documents/${spec.name}`, {
      contributors: ["Ed", "Ada Lovelace"],
      targetDate: "2027-03-31",
      priority: "high",
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      contributors: ["Ed", "Ada Lovelace"],
      targetDate: "2027-03-31",
      priority: "high",
    });
    const meta = watcher.doc.getMap(DocumentFields.meta);
    await waitFor(() => meta.get("priority") === "high", "the watcher sees the priority");
    expect(meta.get("contributors")).toBe("Ed, Ada Lovelace");
    expect(meta.get("targetDate")).toBe("2027-03-31");

    const cleared = await call<DocumentSummary>("owner", "PATCH", `/api/documents/${spec.name}`, {
      contributors: [],
      targetDate: null,
      priority: null,
    });
    expect(cleared.body).toMatchObject({ contributors: [], targetDate: null, priority: null });

    for (const bad of [
      { targetDate: "2027-02-30" },
      { targetDate: "31/03/2027" },
      { priority: "asap" },
      { contributors: ["A, B"] },
      { contributors: ["Ada", "Ada"] },
      { contributors: Array.from({ length: 21 }, (_, i) => `P${i}`) },
      { contributors: "Ada" },
    ]) {
      const answer = await call<{ error: { code: string } }>("owner", "PATCH", `/api/documents/${spec.name}`, bad);
      expect(answer.status, JSON.stringify(bad)).toBe(400);
    }
    const idea = await create("owner", "idea", "No details");
    const onIdea = await call<{ error: { message: string } }>("owner", "PATCH", `/api/documents/${idea.name}`, {
      priority: "low",
    });
    expect(onIdea.status).toBe(400);
    expect(onIdea.body.error.message).toMatch(/only specs have priority/);
    const byViewer = await call("viewer", "PATCH", `/api/documents/${spec.name}`, { priority: "low" });
    expect(byViewer.status).toBe(403);
  });

  it("is called from the client kit's DocumentsClient, whose errors say what went wrong", async () => {
    const olga = new DocumentsClient({ httpUrl: server.url, bearerToken: tokens.owner ?? "" });
    const vic = new DocumentsClient({ httpUrl: server.url, bearerToken: tokens.viewer ?? "" });
    const spec = await create("owner", "spec", "Through the kit");
    const changed = await olga.update(spec.name, { priority: "urgent", contributors: ["Olga"] });
    expect(changed).toMatchObject({ priority: "urgent", contributors: ["Olga"], role: "owner" });
    const found = await olga.list({ q: "through the KIT", kind: "spec", sort: "title", order: "asc", limit: 5 });
    expect(found.documents.map((document) => document.name)).toEqual([spec.name]);
    expect((await vic.list({ q: "through the kit", shared: true })).documents).toHaveLength(1);
    expect((await olga.setArchived(spec.name, true)).archivedAt).not.toBeNull();
    expect((await olga.list({ q: "through the kit" })).documents).toEqual([]);
    expect((await olga.list({ q: "through the kit", archived: "all" })).documents).toHaveLength(1);
    expect((await olga.setArchived(spec.name, false)).archivedAt).toBeNull();
    const copy = await olga.duplicate(spec.name);
    expect(copy.title).toBe("Through the kit");

    await expect(vic.remove(copy.name)).rejects.toSatisfy((error) => isTandemClientError(error, "read-only"));
    await expect(olga.update(spec.name, { targetDate: "2027-02-30" })).rejects.toSatisfy((error) =>
      isTandemClientError(error, "invalid-argument"),
    );
    await olga.remove(copy.name);
    await expect(olga.get(copy.name)).rejects.toSatisfy((error) => isTandemClientError(error, "not-found"));
  });
});
