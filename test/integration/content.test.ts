import { fromMarkdown, toMarkdown } from "@tandem/content";
import type { DocumentSummary } from "@tandem/protocol";
import { signToken } from "@tandem/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCall } from "../support/api.js";
import { type RunningServer, startServer } from "../support/server-harness.js";

const secret = "a-test-secret-that-is-long-enough-for-hs256";

const file = `# Launch plan

## Goals

- [ ] Ship the **beta**
- [x] Write the *spec*

| who | what |
| --- | ---- |
| Ada | code |
`;

describe("content through the REST API: export, import, comment threads", () => {
  let server: RunningServer;
  const tokens: Record<string, string> = {};
  const call = <T = unknown>(who: string, method: string, path: string, json?: unknown) =>
    apiCall<T>(server.url, method, path, tokens[who] ?? "", json);
  const upload = (who: string, query: string, body: string, type = "text/markdown") =>
    fetch(`${server.url}/api/documents/import${query}`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokens[who]}`, "content-type": type },
      body,
    });

  beforeAll(async () => {
    server = await startServer({ authSecret: secret });
    tokens.editor = await signToken(secret, { sub: "ed", name: "Ed", access: { "*": "editor" } });
    tokens.viewer = await signToken(secret, { sub: "vic", name: "Vic", access: { "*": "viewer" } });
    tokens.ideas = await signToken(secret, { sub: "ida", name: "Ida", access: { "idea/*": "editor" } });
  });
  afterAll(async () => {
    await server.closeAndDropSchema();
  });

  it("imports a Markdown file as a new document, and exports it back as Markdown, HTML and JSON", async () => {
    const imported = await upload("editor", "?kind=spec", file);
    expect(imported.status).toBe(201);
    const created = (await imported.json()) as DocumentSummary;
    expect(created).toMatchObject({ kind: "spec", title: "Launch plan", status: "draft", owner: "Ed" });

    const markdown = await call<string>("viewer", "GET", `/api/documents/${created.name}/content?format=markdown`);
    expect(markdown.contentType).toMatch(/^text\/markdown/);
    // What TipTap writes reads back into the same document.
    expect(markdown.body).toBe(toMarkdown(fromMarkdown(file)));
    expect(markdown.body).toContain("- [x] Write the *spec*");

    const html = await call<string>("viewer", "GET", `/api/documents/${created.name}/content?format=html`);
    expect(html.contentType).toMatch(/^text\/html/);
    expect(html.body).toContain("<h1>Launch plan</h1>");
    expect(html.body).toContain("<strong>beta</strong>");

    const exported = await call<{ title: string; content: { type: string } }>(
      "viewer",
      "GET",
      `/api/documents/${created.name}/content`,
    );
    expect(exported.body.title).toBe("Launch plan");
    expect(exported.body.content.type).toBe("doc");

    const titled = await upload("editor", "?kind=idea&title=Given", "no heading here");
    expect(((await titled.json()) as DocumentSummary).title).toBe("Given");
  });

  it("refuses imports the caller may not make or that are not Markdown", async () => {
    expect((await upload("viewer", "?kind=spec", file)).status).toBe(403);
    expect((await upload("ideas", "?kind=spec", file)).status).toBe(403);
    expect((await upload("ideas", "?kind=idea", file)).status).toBe(201);
    expect((await upload("editor", "?kind=poem", file)).status).toBe(400);
    expect((await upload("editor", "?kind=spec", "{}", "application/json")).status).toBe(415);
    const huge = await upload("editor", "?kind=spec", "x".repeat(1024 * 1024 + 1));
    expect(huge.status).toBe(413);
  });

  it("lists threads with their state, and exports them with the content on request", async () => {
    const created = await call<DocumentSummary>("editor", "POST", "/api/documents", { kind: "idea", title: "Talk" });
    const name = created.body.name;
    expect((await call<{ threads: unknown[] }>("viewer", "GET", `/api/documents/${name}/comments`)).body).toEqual({
      threads: [],
    });
    const thread = await call("editor", "POST", `/api/documents/${name}/comments`, {
      quote: "Pitch",
      body: "Sharper?",
    });
    expect(thread.status).toBe(201);
    const listed = await call<{
      threads: { state: string; quote: string; comments: { body: string; author: { name: string } }[] }[];
    }>("viewer", "GET", `/api/documents/${name}/comments`);
    expect(listed.body.threads).toMatchObject([
      { state: "open", quote: "Pitch", comments: [{ body: "Sharper?", author: { name: "Ed" } }] },
    ]);
    const withComments = await call<string>(
      "viewer",
      "GET",
      `/api/documents/${name}/content?format=markdown&comments=true`,
    );
    expect(withComments.body).toContain("## Comments");
    expect(withComments.body).toContain("**Ed**: Sharper?");
    const json = await call<{ comments: unknown[] }>("viewer", "GET", `/api/documents/${name}/content?comments=true`);
    expect(json.body.comments).toHaveLength(1);
    expect((await call("viewer", "GET", "/api/documents/idea/none/comments")).status).toBe(404);
  });
});
