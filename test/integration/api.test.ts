import { contentSchema } from "@tandem/content";
import { DocumentFields, type DocumentSummary, type SessionInfo } from "@tandem/protocol";
import { signToken } from "@tandem/server";
import { yXmlFragmentToProseMirrorRootNode } from "@tiptap/y-tiptap";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as Y from "yjs";
import { type Client, connect, type RunningServer, startServer, synced } from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

const secret = "a-test-secret-that-is-long-enough-for-hs256";

interface Answer<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

interface Call {
  readonly token?: string;
  readonly method?: string;
  readonly json?: unknown;
  readonly raw?: string;
  readonly headers?: Record<string, string>;
}

async function call<T = unknown>(base: string, path: string, options: Call = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.raw;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers["content-type"] ??= "application/json";
  }
  const response = await fetch(`${base}${path}`, { method: options.method ?? "GET", headers, body });
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

function errorCode(answer: Answer): string | undefined {
  return (answer.body as { error?: { code?: string } }).error?.code;
}

// The schema of the page's editor: StarterKit, task lists and tables (the nodes the templates use).
const schema = contentSchema();

function headingsOf(doc: Y.Doc): string[] {
  const root = yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(DocumentFields.content), schema);
  root.check();
  const headings: string[] = [];
  root.forEach((node) => {
    if (node.type.name === "heading") headings.push(`h${node.attrs.level} ${node.textContent}`);
  });
  return headings;
}

describe("documents API with AUTH_SECRET", () => {
  let server: RunningServer;
  const clients: Client[] = [];
  let editor: string;
  let viewer: string;
  let specsOnly: string;

  const open = (name: string, token: string) => {
    const client = connect(server.wsUrl, name, { token });
    clients.push(client);
    return client;
  };
  const create = (token: string, json: unknown) =>
    call<DocumentSummary>(server.url, "/api/documents", { method: "POST", token, json });
  const list = async (token: string, query = "") => {
    const answer = await call<{ documents: DocumentSummary[] }>(server.url, `/api/documents${query}`, { token });
    expect(answer.status).toBe(200);
    return answer.body.documents;
  };

  beforeAll(async () => {
    server = await startServer({ authSecret: secret });
    editor = await signToken(secret, { sub: "ada", name: "Ada Lovelace", color: "#0090ff", access: { "*": "editor" } });
    viewer = await signToken(secret, { sub: "vic", name: "Vic", access: { "*": "viewer" } });
    specsOnly = await signToken(secret, { sub: "sam", name: "Sam", access: { "spec/*": "owner" } });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await server.closeAndDropSchema();
  });

  it("refuses calls without a valid bearer token with 401 and a JSON error", async () => {
    const missing = await call(server.url, "/api/documents");
    expect(missing.status).toBe(401);
    expect(errorCode(missing)).toBe("unauthorized");
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const forged = await signToken("another-secret-that-is-also-long-enough!!", {
      sub: "eve",
      name: "Eve",
      access: { "*": "owner" },
    });
    expect((await call(server.url, "/api/documents", { token: forged })).status).toBe(401);
    expect((await call(server.url, "/api/documents", { headers: { authorization: "Basic YWRhOnB3" } })).status).toBe(
      401,
    );
    const creating = await call(server.url, "/api/documents", { method: "POST", json: { kind: "spec", title: "x" } });
    expect(creating.status).toBe(401);
  });

  it("says who the caller is and what they may create", async () => {
    const ada = await call<SessionInfo>(server.url, "/api/session", { token: editor });
    expect(ada.body).toEqual({
      user: { id: "ada", name: "Ada Lovelace", color: "#0090ff" },
      devMode: false,
      canCreate: ["idea", "spec"],
    });
    expect((await call<SessionInfo>(server.url, "/api/session", { token: viewer })).body.canCreate).toEqual([]);
    expect((await call<SessionInfo>(server.url, "/api/session", { token: specsOnly })).body.canCreate).toEqual([
      "spec",
    ]);
  });

  it("creates a spec from its template, and lists it", async () => {
    const created = await create(editor, { kind: "spec", title: "  Offline mode  " });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      title: "Offline mode",
      kind: "spec",
      status: "draft",
      owner: "Ada Lovelace",
      present: [],
    });
    expect(created.body.name).toMatch(/^spec\/[0-9a-z]{10}$/);
    expect(Date.parse(created.body.updatedAt)).not.toBeNaN();

    const listed = await list(editor);
    expect(listed.find((document) => document.name === created.body.name)).toEqual(created.body);
    const one = await call(server.url, `/api/documents/${created.body.name}`, { token: editor });
    expect(one).toMatchObject({ status: 200, body: created.body });
    const encoded = await call(server.url, `/api/documents/${encodeURIComponent(created.body.name)}`, {
      token: editor,
    });
    expect(encoded.body).toEqual(created.body);

    // What an editor receives: the title, the metadata and the template, valid under TipTap's schema.
    const ada = open(created.body.name, editor);
    await synced(ada);
    expect(ada.doc.getText(DocumentFields.title).toString()).toBe("Offline mode");
    expect(ada.doc.getMap(DocumentFields.meta).toJSON()).toEqual({
      kind: "spec",
      status: "draft",
      owner: "Ada Lovelace",
    });
    expect(headingsOf(ada.doc)).toEqual([
      "h2 Summary",
      "h2 Problem",
      "h2 Goals and non-goals",
      "h3 Goals",
      "h3 Non-goals",
      "h2 Milestones",
      "h2 Open questions",
      "h2 Decision log",
      "h2 Success metrics",
    ]);
    const root = yXmlFragmentToProseMirrorRootNode(ada.doc.getXmlFragment(DocumentFields.content), schema);
    const milestones: { checked: boolean; text: string; date: boolean }[] = [];
    root.descendants((node) => {
      if (node.type.name !== "taskItem") return true;
      const first = node.firstChild?.firstChild;
      milestones.push({
        checked: node.attrs.checked as boolean,
        text: node.textContent,
        date:
          first?.marks.some((mark) => mark.type.name === "bold") === true && /^\d{4}-\d\d-\d\d$/.test(first.text ?? ""),
      });
      return false;
    });
    expect(milestones).toHaveLength(4);
    for (const milestone of milestones) expect(milestone).toMatchObject({ checked: false, date: true });
    expect(milestones[0]?.text).toMatch(/^\d{4}-\d\d-\d\d Design reviewed$/);
    // The decision log: a table with its header row and one empty row to fill in.
    const tables: string[][][] = [];
    root.descendants((node) => {
      if (node.type.name !== "table") return true;
      const rows: string[][] = [];
      node.forEach((row) => {
        const cells: string[] = [];
        row.forEach((cell) => {
          cells.push(`${cell.type.name} ${cell.textContent}`.trim());
        });
        rows.push(cells);
      });
      tables.push(rows);
      return false;
    });
    expect(tables).toEqual([
      [
        ["tableHeader Decision", "tableHeader Options considered", "tableHeader Outcome", "tableHeader Date"],
        ["tableCell", "tableCell", "tableCell", "tableCell"],
      ],
    ]);
  });

  it("creates an idea from its template", async () => {
    const created = await create(editor, { kind: "idea", title: "Voice notes" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: "idea", title: "Voice notes", status: null, owner: null });
    expect(created.body.name).toMatch(/^idea\/[0-9a-z]{10}$/);
    const ada = open(created.body.name, editor);
    await synced(ada);
    expect(headingsOf(ada.doc)).toEqual(["h2 Pitch", "h2 Why now", "h2 Sketch", "h2 Risks"]);
    expect(ada.doc.getMap(DocumentFields.meta).toJSON()).toEqual({ kind: "idea" });
  });

  it("answers bad input with 400, 413 or 415 and says what is wrong", async () => {
    const cases: [Call, number, RegExp][] = [
      [{ json: { kind: "spec" } }, 400, /title/],
      [{ json: { kind: "spec", title: "   " } }, 400, /title: must not be empty/],
      [{ json: { kind: "spec", title: "x".repeat(201) } }, 400, /title: must be at most 200/],
      [{ json: { kind: "spec", title: "two\nlines" } }, 400, /title: must be one line/],
      [{ json: { kind: "poem", title: "x" } }, 400, /kind/],
      [{ json: { kind: "spec", title: "x", owner: "me" } }, 400, /owner/],
      [{ json: ["spec", "x"] }, 400, /body/],
      [{ raw: "{not json", headers: { "content-type": "application/json" } }, 400, /not valid JSON/],
      [{ raw: "kind=spec&title=x", headers: { "content-type": "application/x-www-form-urlencoded" } }, 415, /json/],
      [
        {
          raw: JSON.stringify({ kind: "spec", title: "x".repeat(20_000) }),
          headers: { "content-type": "application/json" },
        },
        413,
        /at most/,
      ],
    ];
    for (const [options, status, message] of cases) {
      const answer = await call(server.url, "/api/documents", { method: "POST", token: editor, ...options });
      expect({ options, status: answer.status }).toEqual({ options, status });
      expect((answer.body as { error: { message: string } }).error.message).toMatch(message);
    }
    for (const query of ["?kind=poem", "?limit=0", "?limit=1000", "?limit=two"]) {
      const answer = await call(server.url, `/api/documents${query}`, { token: editor });
      expect({ query, status: answer.status, code: errorCode(answer) }).toEqual({
        query,
        status: 400,
        code: "invalid-request",
      });
    }
    const names = ["spec%2", "..%2Fetc", "spec/x%23comments"];
    for (const name of names) {
      expect((await call(server.url, `/api/documents/${name}`, { token: editor })).status).toBe(400);
    }
  });

  it("a viewer reads the list but cannot create", async () => {
    const created = await create(editor, { kind: "spec", title: "Read me" });
    expect((await list(viewer)).map((document) => document.name)).toContain(created.body.name);
    const refused = await create(viewer, { kind: "spec", title: "Mine" });
    expect(refused.status).toBe(403);
    expect(errorCode(refused)).toBe("forbidden");
  });

  it("lists only what the caller may read, filtered by kind on request", async () => {
    const idea = await create(editor, { kind: "idea", title: "Hidden from Sam" });
    const spec = await create(specsOnly, { kind: "spec", title: "Sam's spec" });
    expect(spec.status).toBe(201);
    expect((await create(specsOnly, { kind: "idea", title: "Not allowed" })).status).toBe(403);

    const sams = await list(specsOnly);
    expect(sams.map((document) => document.name)).toContain(spec.body.name);
    expect(sams.every((document) => document.kind === "spec")).toBe(true);
    expect((await call(server.url, `/api/documents/${idea.body.name}`, { token: specsOnly })).status).toBe(403);

    const ideas = await list(editor, "?kind=idea");
    expect(ideas.map((document) => document.name)).toContain(idea.body.name);
    expect(ideas.every((document) => document.kind === "idea")).toBe(true);
    const newestFirst = await list(editor, "?limit=2");
    expect(newestFirst.map((document) => document.name)).toEqual([spec.body.name, idea.body.name]);
  });

  it("answers unknown documents and endpoints with 404", async () => {
    const missing = await call(server.url, "/api/documents/spec/nothing-here", { token: editor });
    expect(missing.status).toBe(404);
    expect(errorCode(missing)).toBe("not-found");
    // Every path under /api is the API's: an unknown one is a JSON 404 (call() checks the type), never the page.
    for (const [method, path] of [
      ["GET", "/api"],
      ["GET", "/api/"],
      ["GET", "/api/nope"],
      ["GET", "/api/documentsx"],
      ["POST", "/api/nope"],
      ["DELETE", "/api"],
    ] as const) {
      const answer = await call(server.url, path, { token: editor, method });
      expect([answer.status, errorCode(answer)], `${method} ${path}`).toEqual([404, "not-found"]);
    }
    // A known endpoint asked with a method it does not take stays a 405.
    expect((await call(server.url, "/api/session", { token: editor, method: "DELETE" })).status).toBe(405);
  });

  it("shows title, status and owner edited through a provider, and who is in the document", async () => {
    const created = await create(editor, { kind: "spec", title: "Draft title" });
    const ada = open(created.body.name, editor);
    await synced(ada);
    ada.provider.setAwarenessField("user", { id: "impostor", name: "Someone else", color: "#000000" });
    ada.doc.transact(() => {
      const title = ada.doc.getText(DocumentFields.title);
      title.delete(0, title.length);
      title.insert(0, "Sync engine v2");
      ada.doc.getMap(DocumentFields.meta).set("status", "in-review");
      ada.doc.getMap(DocumentFields.meta).set("owner", "Grace Hopper");
    });
    await ada.acknowledged();
    const live = async () => (await list(editor)).find((document) => document.name === created.body.name);
    await waitFor(async () => (await live())?.present.length === 1, "Ada listed as present");
    expect(await live()).toMatchObject({
      title: "Sync engine v2",
      status: "in-review",
      owner: "Grace Hopper",
      // The server's stamp, not what the client claimed.
      present: [{ id: "ada", name: "Ada Lovelace", color: "#0090ff" }],
    });

    // Once everyone has left and the document is unloaded, the list reads the store's mirrored metadata.
    ada.destroy();
    await waitFor(() => !server.server.hocuspocus?.documents.has(created.body.name), "document unloaded");
    expect(await live()).toMatchObject({
      title: "Sync engine v2",
      status: "in-review",
      owner: "Grace Hopper",
      present: [],
    });
  });

  it("keeps only valid metadata from what a client writes into meta", async () => {
    const created = await create(editor, { kind: "spec", title: "Junk" });
    const mallory = open(created.body.name, editor);
    await synced(mallory);
    mallory.doc.transact(() => {
      const meta = mallory.doc.getMap<unknown>(DocumentFields.meta);
      meta.set("status", "<script>");
      meta.set("owner", `  ${"o".repeat(500)}  `);
      meta.set("kind", "idea");
    });
    await mallory.acknowledged();
    mallory.destroy();
    await waitFor(() => !server.server.hocuspocus?.documents.has(created.body.name), "document unloaded");
    const listed = (await list(editor)).find((document) => document.name === created.body.name);
    expect(listed).toMatchObject({ kind: "spec", status: null, owner: "o".repeat(100) });
  });

  it("two people opening a new spec together get its template once", async () => {
    const created = await create(editor, { kind: "spec", title: "Together" });
    const [first, second] = [open(created.body.name, editor), open(created.body.name, editor)];
    await Promise.all([synced(first), synced(second)]);
    first.doc.getText(DocumentFields.title).insert(0, "Written ");
    await first.acknowledged();
    await waitFor(() => second.doc.getText(DocumentFields.title).toString() === "Written Together", "title synced");
    for (const client of [first, second])
      expect(headingsOf(client.doc).filter((h) => h === "h2 Summary")).toHaveLength(1);
  });
});

describe("documents API in dev mode", () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.closeAndDropSchema();
  });

  it("lets anyone in under the name they pick", async () => {
    const anonymous = await call<SessionInfo>(server.url, "/api/session");
    expect(anonymous.body).toMatchObject({ user: { name: "Anonymous" }, devMode: true, canCreate: ["idea", "spec"] });
    // Header values are ASCII: the page escapes other characters inside the JSON.
    const token = JSON.stringify({ id: "zoe", name: "Zoë", color: "#d6409f" }).replace(
      /[\u0080-\uffff]/g,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    const zoe = await call<SessionInfo>(server.url, "/api/session", { token });
    expect(zoe.body.user).toEqual({ id: "zoe", name: "Zoë", color: "#d6409f" });
    const created = await call<DocumentSummary>(server.url, "/api/documents", {
      method: "POST",
      token,
      json: { kind: "spec", title: "Zoë's spec" },
    });
    expect(created.body).toMatchObject({ owner: "Zoë", title: "Zoë's spec" });
    expect((await call(server.url, "/api/session", { token: "{not json" })).status).toBe(401);
  });
});
