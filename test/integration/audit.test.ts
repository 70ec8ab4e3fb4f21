import type { DocumentSummary, VersionSummary } from "@tandem/protocol";
import { signToken } from "@tandem/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type RunningServer, startServer } from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

const secret = "a-test-secret-that-is-long-enough-for-hs256";

interface Entry {
  readonly id: string;
  readonly at: string;
  readonly action: string;
  readonly actor: string | null;
  readonly actorName: string | null;
  readonly document: string | null;
  readonly address: string | null;
  readonly details: Record<string, unknown>;
}

interface Page {
  readonly entries: Entry[];
  readonly nextCursor: string | null;
}

describe("the audit log, through a real server", () => {
  let server: RunningServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    server = await startServer({ authSecret: secret, webhookAllowPrivateAddresses: true });
    const people = {
      root: { name: "Root Owner", access: { "*": "owner" } },
      olga: { name: "Olga Owner", access: { "spec/*": "owner", "idea/*": "editor" } },
      eddie: { name: "Eddie Editor", access: { "*": "editor" } },
    } as const;
    for (const [sub, { name, access }] of Object.entries(people)) {
      tokens[sub] = await signToken(secret, { sub, name, access }, "1h");
    }
  });
  afterAll(async () => {
    await server.closeAndDropSchema();
  });

  const get = async <T>(path: string, who: string) => {
    const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${tokens[who]}` } });
    return { status: response.status, type: response.headers.get("content-type"), text: await response.text() } as {
      status: number;
      type: string | null;
      text: string;
    } & { json?: T };
  };
  const page = async (query: string, who = "root"): Promise<Page> => {
    const answer = await get(`/api/audit${query}`, who);
    expect(answer.status, answer.text).toBe(200);
    return JSON.parse(answer.text) as Page;
  };
  const post = async <T>(path: string, who: string, body: unknown): Promise<T> => {
    const response = await fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokens[who]}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status, path).toBeLessThan(300);
    return (await response.json()) as T;
  };

  it("records refused sign-ins on the WebSocket and the REST API, with where they came from", async () => {
    const intruder = connect(server.wsUrl, "spec/secret", { token: "not-a-jwt" });
    try {
      await waitFor(async () => {
        const { entries } = await page("?action=sign-in.refused&document=spec/secret");
        return entries.length > 0;
      }, "the WebSocket refusal is recorded");
      // The provider retries its bad token: one entry a minute per address, however often.
      await waitFor(() => intruder.closeCodes.length >= 3, "the provider retries");
    } finally {
      intruder.destroy();
    }
    const refusedHttp = await fetch(`${server.url}/api/documents`, {
      headers: { authorization: "Bearer forged", "x-forwarded-for": "203.0.113.7" },
    });
    expect(refusedHttp.status).toBe(401);

    const { entries } = await page("?action=sign-in.refused");
    expect(entries).toHaveLength(2);
    const [http, ws] = entries;
    expect(http).toMatchObject({
      actor: null,
      document: null,
      address: "203.0.113.7 via 127.0.0.1",
      details: { via: "http", reason: "token did not verify" },
    });
    expect(ws).toMatchObject({
      actor: null,
      document: "spec/secret",
      address: "127.0.0.1",
      details: { via: "websocket", reason: "token did not verify" },
    });
  });

  it("records documents created and versions restored, by whom; filters by actor, document and time; pages by cursor", async () => {
    const started = new Date().toISOString();
    const spec = await post<DocumentSummary>("/api/documents", "olga", { kind: "spec", title: "Audited" });
    const idea = await post<DocumentSummary>("/api/documents", "eddie", { kind: "idea", title: "Also audited" });
    const path = `/api/documents/${encodeURIComponent(spec.name)}`;
    const version = await post<VersionSummary>(`${path}/versions`, "olga", { label: "first" });
    await post(`${path}/versions/${version.id}/restore`, "olga", {});

    const mine = await page(`?from=${encodeURIComponent(started)}`);
    expect(mine.entries.map((entry) => [entry.action, entry.actor, entry.document])).toEqual([
      ["version.restored", "olga", spec.name],
      ["document.created", "eddie", idea.name],
      ["document.created", "olga", spec.name],
    ]);
    expect(mine.entries[2]).toMatchObject({ actorName: "Olga Owner", address: "127.0.0.1", details: { kind: "spec" } });
    expect(mine.entries[0]?.details).toEqual({ version: version.id });

    expect((await page(`?actor=eddie&from=${encodeURIComponent(started)}`)).entries.map((e) => e.document)).toEqual([
      idea.name,
    ]);
    expect((await page(`?document=${encodeURIComponent(spec.name)}`)).entries).toHaveLength(2);
    expect((await page(`?to=${encodeURIComponent(started)}&action=document.created`)).entries).toEqual([]);

    // One entry a page: the cursor walks the same three, newest first, then says there is no more.
    const walked: string[] = [];
    let cursor = "";
    for (let pages = 0; pages < 10; pages++) {
      const one = await page(`?limit=1&from=${encodeURIComponent(started)}${cursor ? `&cursor=${cursor}` : ""}`);
      walked.push(...one.entries.map((entry) => entry.id));
      if (one.nextCursor === null) break;
      cursor = one.nextCursor;
    }
    expect(walked).toEqual(mine.entries.map((entry) => entry.id));
  });

  it("records archiving, unarchiving, duplicating and deleting a document", async () => {
    const spec = await post<DocumentSummary>("/api/documents", "olga", { kind: "spec", title: "Short-lived" });
    const path = `/api/documents/${encodeURIComponent(spec.name)}`;
    await post(`${path}/archive`, "olga", {});
    await post(`${path}/unarchive`, "olga", {});
    const copy = await post<DocumentSummary>(`${path}/duplicate`, "olga", {});
    const deleted = await fetch(`${server.url}${path}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${tokens.olga}` },
    });
    expect(deleted.status).toBe(204);
    const { entries } = await page(`?actor=olga&limit=5`);
    expect(entries.map((entry) => [entry.action, entry.document])).toEqual([
      ["document.deleted", spec.name],
      ["document.created", copy.name],
      ["document.unarchived", spec.name],
      ["document.archived", spec.name],
      ["document.created", spec.name],
    ]);
    expect(entries[1]?.details).toEqual({ kind: "spec", duplicateOf: spec.name });
  });

  it("records a document exported (format, comments) and one imported from Markdown", async () => {
    // An idea: the export test below counts the specs created.
    const idea = await post<DocumentSummary>("/api/documents", "eddie", { kind: "idea", title: "Exported" });
    const path = `/api/documents/${encodeURIComponent(idea.name)}`;
    expect((await get(`${path}/content?format=markdown&comments=true`, "eddie")).status).toBe(200);
    const imported = await fetch(`${server.url}/api/documents/import?kind=idea`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokens.eddie}`, "content-type": "text/markdown" },
      body: "# Brought in\n\nFrom a file.",
    });
    expect(imported.status).toBe(201);
    const { name } = (await imported.json()) as DocumentSummary;
    const { entries } = await page("?limit=2");
    expect(entries.map((entry) => [entry.action, entry.actor, entry.document, entry.details])).toEqual([
      ["document.imported", "eddie", name, { kind: "idea" }],
      ["document.exported", "eddie", idea.name, { format: "markdown", comments: true }],
    ]);
  });

  it("records webhook subscriptions made and removed", async () => {
    const created = await post<{ id: string }>("/api/webhooks", "root", {
      url: "http://127.0.0.1:9/hook",
      events: ["document.created"],
    });
    const removed = await fetch(`${server.url}/api/webhooks/${created.id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${tokens.root}` },
    });
    expect(removed.status).toBe(204);
    const { entries } = await page("?actor=root&limit=2");
    expect(entries.map((entry) => [entry.action, entry.document, entry.details])).toEqual([
      ["webhook.deleted", null, { webhook: created.id }],
      ["webhook.created", null, { webhook: created.id, events: ["document.created"] }],
    ]);
  });

  it("is for owners: each sees the entries of what they own, and editors none", async () => {
    expect((await get("/api/audit", "eddie")).status).toBe(403);
    expect((await get("/api/audit?document=idea/1", "olga")).status).toBe(403);
    const olgas = await page("?limit=1000", "olga");
    expect(olgas.entries.length).toBeGreaterThan(0);
    // Olga owns specs only: no idea, and no refused sign-in (those are for owners of everything).
    expect(olgas.entries.every((entry) => entry.document?.startsWith("spec/"))).toBe(true);
    expect((await page("?limit=1000")).entries.some((entry) => entry.document === null)).toBe(true);
    expect((await get("/api/audit?from=yesterday", "root")).status).toBe(400);
    expect((await get("/api/audit?limit=5000", "root")).status).toBe(400);
  });

  it("exports every matching entry as JSON lines, oldest first", async () => {
    const answer = await get("/api/audit/export", "root");
    expect(answer.status).toBe(200);
    expect(answer.type).toMatch(/^application\/x-ndjson/);
    const lines = answer.text.trimEnd().split("\n");
    const entries = lines.map((line) => JSON.parse(line) as Entry);
    const newestFirst = (await page("?limit=1000")).entries;
    expect(entries).toEqual([...newestFirst].reverse());
    const filtered = await get("/api/audit/export?action=document.created", "olga");
    const olgas = filtered.text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Entry);
    // Olga owns specs: the three she created (one a copy), not Eddie's idea.
    expect(olgas.map((entry) => [entry.action, entry.actor])).toEqual(Array(3).fill(["document.created", "olga"]));
    expect(olgas.map((entry) => BigInt(entry.id))).toEqual(
      olgas.map((entry) => BigInt(entry.id)).sort((a, b) => (a < b ? -1 : 1)),
    );
  });
});
