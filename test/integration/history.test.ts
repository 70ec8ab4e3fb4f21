import { type AppendOptions, createPostgresStore, PersistenceError, type TandemStore } from "@tandem/persistence";
import {
  type AnchorPositions,
  commentsDocumentName,
  commentsOf,
  createCommentMap,
  createThreadMap,
  type DocumentAuthorship,
  type DocumentDiff,
  type DocumentSummary,
  decodeAnchor,
  type HistoryChangeResult,
  readThread,
  threadsOf,
  type VersionContent,
  type VersionList,
  type VersionSummary,
} from "@tandem/protocol";
import { signToken } from "@tandem/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { type ApiAnswer, apiCall } from "../support/api.js";
import { erase, paragraphAfter, rewrite, textAfter, type } from "../support/content.js";
import { databaseUrl, dropSchema, freshSchemaName } from "../support/postgres.js";
import {
  type Client,
  connect,
  type RunningServer,
  startServer,
  storedDoc,
  storedInfo,
  synced,
} from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

const secret = "a-test-secret-that-is-long-enough-for-hs256";

type Answer<T> = ApiAnswer<T>;

const call = <T>(base: string, path: string, token: string, json?: unknown): Promise<Answer<T>> =>
  apiCall<T>(base, json === undefined ? "GET" : "POST", path, token, json);

/** The plain text of ProseMirror JSON content, diff runs included. */
function runsOf(node: { content?: readonly unknown[] }): { text: string; change?: string; author?: string | null }[] {
  return (node.content ?? []).flatMap((child) => {
    const item = child as { type: string; text?: string; change?: string; author?: string | null };
    return item.type === "text" ? [item as { text: string }] : runsOf(child as { content?: readonly unknown[] });
  });
}

/** Where a thread's anchor is now: attached (with the text it spans) or detached. */
function anchorIn(doc: Y.Doc, anchor: AnchorPositions): { attached: boolean; text: string } {
  const start = Y.createAbsolutePositionFromRelativePosition(anchor.start, doc, false);
  const end = Y.createAbsolutePositionFromRelativePosition(anchor.end, doc, false);
  if (!start || !end || start.type !== end.type || start.index >= end.index) return { attached: false, text: "" };
  const text = (start.type as Y.XmlText)
    .toDelta()
    .map((op: { insert: unknown }) => (typeof op.insert === "string" ? op.insert : ""))
    .join("");
  return { attached: true, text: text.slice(start.index, end.index) };
}

describe("history through the real server", () => {
  let server: RunningServer;
  const clients: Client[] = [];
  const tokens: Record<"ada" | "grace" | "carl" | "vic", string> = { ada: "", grace: "", carl: "", vic: "" };

  const open = (name: string, who: keyof typeof tokens) => {
    const client = connect(server.wsUrl, name, { token: tokens[who] });
    clients.push(client);
    return client;
  };
  const api = <T>(path: string, who: keyof typeof tokens, json?: unknown) =>
    call<T>(server.url, path, tokens[who], json);
  const history = (name: string) => `/api/documents/${encodeURIComponent(name)}`;

  async function newSpec(title: string): Promise<string> {
    const created = await api<DocumentSummary>("/api/documents", "ada", { kind: "spec", title });
    expect(created.status).toBe(201);
    return created.body.name;
  }

  async function nameVersion(name: string, label: string, who: keyof typeof tokens = "ada"): Promise<VersionSummary> {
    const made = await api<VersionSummary>(`${history(name)}/versions`, who, { label });
    expect(made.status).toBe(201);
    return made.body;
  }

  /** A new spec with Ada and Grace in it, both synced. */
  async function adaAndGrace(title: string): Promise<{ name: string; ada: Client; grace: Client }> {
    const name = await newSpec(title);
    const ada = open(name, "ada");
    const grace = open(name, "grace");
    await Promise.all([synced(ada), synced(grace)]);
    return { name, ada, grace };
  }

  async function sameText(a: Client, b: Client, heading: string): Promise<void> {
    await waitFor(() => textAfter(a.doc, heading) === textAfter(b.doc, heading), `both see the same ${heading}`);
  }

  beforeAll(async () => {
    server = await startServer({ authSecret: secret });
    tokens.ada = await signToken(secret, {
      sub: "ada",
      name: "Ada Lovelace",
      color: "#0090ff",
      access: { "*": "editor" },
    });
    tokens.grace = await signToken(secret, {
      sub: "grace",
      name: "Grace Hopper",
      color: "#8e4ec6",
      access: { "*": "editor" },
    });
    tokens.carl = await signToken(secret, { sub: "carl", name: "Carl", access: { "*": "commenter" } });
    tokens.vic = await signToken(secret, { sub: "vic", name: "Vic", access: { "*": "viewer" } });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await server.closeAndDropSchema();
  });

  it("attributes every run of text to who wrote it, through compaction and a restart", async () => {
    const { name, ada, grace } = await adaAndGrace("Attribution");
    rewrite(ada.doc, "Summary", "Ada wrote the summary.");
    rewrite(grace.doc, "Problem", "Grace wrote the problem.");
    await Promise.all([ada.acknowledged(), grace.acknowledged()]);
    type(grace.doc, "Summary", " Grace added a line.");
    await grace.acknowledged();

    const authorsOf = async () => {
      const { status, body } = await api<DocumentAuthorship>(`${history(name)}/authorship`, "vic");
      expect(status).toBe(200);
      const runs = runsOf(body.content);
      const by = (text: string) => runs.filter((run) => run.text.includes(text)).map((run) => run.author);
      return { body, by };
    };
    const check = async () => {
      const { body, by } = await authorsOf();
      expect(by("Ada wrote the summary.")).toEqual(["ada"]);
      expect(by("Grace added a line.")).toEqual(["grace"]);
      expect(by("Grace wrote the problem.")).toEqual(["grace"]);
      // The template is its creator's.
      expect(by("Design reviewed")).toEqual(["ada"]);
      expect(body.authors.map((author) => author.name)).toEqual(["Ada Lovelace", "Grace Hopper"]);
      expect(body.lastEditedBy?.name).toBe("Grace Hopper");
    };
    await check();

    // Everyone leaves: the document unloads and its log is compacted.
    ada.destroy();
    grace.destroy();
    await waitFor(async () => (await storedInfo(server.schema, name))?.pendingUpdates === 0, "the log compacted");
    await check();

    // A restart keeps it too.
    await server.close();
    server = await startServer({ authSecret: secret, databaseSchema: server.schema });
    await check();
  });

  it("lists versions newest first with who was active, reads one as JSON and Markdown, and diffs by author", async () => {
    const { name, ada, grace } = await adaAndGrace("Offline mode");
    rewrite(ada.doc, "Summary", "Let people edit on a train.");
    await ada.acknowledged();
    const sent = await nameVersion(name, "Sent for review");
    expect(sent).toMatchObject({
      kind: "named",
      label: "Sent for review",
      createdBy: { id: "ada", name: "Ada Lovelace" },
    });
    expect(sent.authors.map((author) => author.id)).toEqual(["ada"]);

    await sameText(ada, grace, "Summary");
    erase(grace.doc, "Summary", " on a train");
    type(grace.doc, "Summary", " Offline edits merge when back.");
    rewrite(ada.doc, "Problem", "Field teams lose edits.");
    await Promise.all([ada.acknowledged(), grace.acknowledged()]);

    const list = await api<VersionList>(`${history(name)}/versions`, "carl");
    expect(list.status).toBe(200);
    expect(list.body.canEdit).toBe(false);
    expect(list.body.versions.map((version) => version.id)).toEqual([sent.id]);
    expect(list.body.lastEditedBy?.id).toMatch(/^(ada|grace)$/);

    const read = await api<VersionContent>(`${history(name)}/versions/${sent.id}`, "vic");
    expect(read.status).toBe(200);
    expect(read.body.title).toBe("Offline mode");
    expect(runsOf(read.body.content).map((run) => run.text)).toContain("Let people edit on a train.");
    const markdown = await api<string>(`${history(name)}/versions/${sent.id}?format=markdown`, "vic");
    expect(markdown.contentType).toMatch(/^text\/markdown/);
    expect(markdown.body).toMatch(/^# Offline mode\n\n## Summary\n\nLet people edit on a train\.\n/);
    expect(markdown.body).toContain("- [ ] **");

    const diff = await api<DocumentDiff>(`${history(name)}/diff?from=${sent.id}`, "vic");
    expect(diff.status).toBe(200);
    expect(diff.body.from.id).toBe(sent.id);
    expect(diff.body.to).toBeNull();
    const changes = runsOf(diff.body.content).filter((run) => run.change);
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ text: " on a train", change: "deleted", author: "grace" }),
        expect.objectContaining({ text: " Offline edits merge when back.", change: "inserted", author: "grace" }),
        expect.objectContaining({ text: "Field teams lose edits.", change: "inserted", author: "ada" }),
      ]),
    );
    expect(diff.body.authors.map((author) => author.name).sort()).toEqual(["Ada Lovelace", "Grace Hopper"]);
    const grace_ = diff.body.summary.find((line) => line.author === "grace");
    expect(grace_).toMatchObject({ wordsAdded: 5, wordsDeleted: 3 });

    // Two versions compare too, whichever order they are named in.
    const later = await nameVersion(name, "After review", "grace");
    const between = await api<DocumentDiff>(`${history(name)}/diff?from=${later.id}&to=${sent.id}`, "vic");
    expect(between.body.from.id).toBe(sent.id);
    expect(between.body.to?.id).toBe(later.id);
    expect(runsOf(between.body.content).filter((run) => run.change)).toEqual(changes);
  });

  it("restores a version by the smallest change: a thread on unchanged text stays attached, one on removed text detaches", async () => {
    const { name, ada, grace } = await adaAndGrace("Restore me");
    const comments = open(commentsDocumentName(name), "grace");
    await synced(comments);
    rewrite(ada.doc, "Summary", "Keep this sentence.");
    rewrite(ada.doc, "Problem", "The old problem.");
    await ada.acknowledged();
    const v1 = await nameVersion(name, "Before Grace");
    const v1Content = await api<VersionContent>(`${history(name)}/versions/${v1.id}`, "ada");

    await sameText(ada, grace, "Problem");
    type(grace.doc, "Summary", " Grace added this.");
    rewrite(grace.doc, "Problem", "A new problem.");
    await grace.acknowledged();

    // Grace comments on "Keep this sentence" (unchanged by the restore) and on "Grace added this" (removed by it).
    const summary = paragraphAfter(grace.doc, "Summary");
    const anchor = (text: string) => {
      const from = textAfter(grace.doc, "Summary").indexOf(text);
      return {
        start: Y.createRelativePositionFromTypeIndex(summary, from, 0),
        end: Y.createRelativePositionFromTypeIndex(summary, from + text.length, -1),
      };
    };
    const thread = (id: string, quote: string) => {
      const map = createThreadMap({
        id,
        createdBy: "grace",
        createdAt: Date.now(),
        anchor: anchor(quote),
        quote,
        contextBefore: "",
        contextAfter: "",
      });
      threadsOf(comments.doc).set(id, map);
      commentsOf(map)?.push([
        createCommentMap({ id: `${id}-1`, author: "grace", createdAt: Date.now(), body: "About this", mentions: [] }),
      ]);
    };
    comments.doc.transact(() => {
      thread("kept", "Keep this sentence");
      thread("removed", "Grace added this");
    });
    await comments.acknowledged();

    // A commenter may not restore; a viewer neither.
    expect((await api(`${history(name)}/versions/${v1.id}/restore`, "carl", {})).status).toBe(403);
    expect((await api(`${history(name)}/versions/${v1.id}/restore`, "vic", {})).status).toBe(403);

    const restored = await api<HistoryChangeResult>(`${history(name)}/versions/${v1.id}/restore`, "ada", {});
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({
      unchanged: false,
      before: { kind: "before-restore", createdBy: { id: "ada" } },
    });

    // Both people see the version's text, and the store holds it.
    for (const client of [ada, grace]) {
      await waitFor(() => textAfter(client.doc, "Summary") === "Keep this sentence.", "the restored summary");
      await waitFor(() => textAfter(client.doc, "Problem") === "The old problem.", "the restored problem");
    }
    const current = await api<VersionContent>(`${history(name)}/versions/current`, "ada");
    expect(current.body.content).toEqual(v1Content.body.content);

    // The threads, read afresh, resolve against the restored content.
    const reader = open(commentsDocumentName(name), "vic");
    await synced(reader);
    const threads = Object.fromEntries(
      [...threadsOf(reader.doc).values()].map((map) => {
        const data = readThread(map);
        return [data?.id, data?.anchor && decodeAnchor(data.anchor)];
      }),
    );
    expect(anchorIn(ada.doc, threads.kept as AnchorPositions)).toEqual({ attached: true, text: "Keep this sentence" });
    expect(anchorIn(ada.doc, threads.removed as AnchorPositions).attached).toBe(false);

    // The restore is one change by Ada, and the state before it is a version to go back to.
    const diff = await api<DocumentDiff>(`${history(name)}/diff?from=${restored.body.before.id}`, "vic");
    expect(diff.body.summary.map((line) => line.author)).toEqual(["ada"]);
    // Restoring what is already there changes nothing.
    const again = await api<HistoryChangeResult>(`${history(name)}/versions/${v1.id}/restore`, "ada", {});
    expect(again.body.unchanged).toBe(true);
  });

  it("reverts one person's changes since a version, leaving everyone else's concurrent edits in place", async () => {
    const { name, ada, grace } = await adaAndGrace("Revert Ada");
    rewrite(ada.doc, "Summary", "Ada wrote this first.");
    rewrite(grace.doc, "Problem", "Grace wrote the whole problem.");
    await Promise.all([ada.acknowledged(), grace.acknowledged()]);
    const base = await nameVersion(name, "Base");
    await Promise.all([sameText(ada, grace, "Summary"), sameText(ada, grace, "Problem")]);

    // Concurrent edits: Ada adds to her text and deletes a word of Grace's; Grace types into both paragraphs.
    type(ada.doc, "Summary", " Ada adds a mistake.");
    erase(ada.doc, "Problem", "whole ");
    type(grace.doc, "Summary", " Grace's line stays.");
    type(grace.doc, "Problem", " Grace adds too.");
    await Promise.all([ada.acknowledged(), grace.acknowledged()]);
    await Promise.all([sameText(ada, grace, "Summary"), sameText(ada, grace, "Problem")]);
    const before = { summary: textAfter(grace.doc, "Summary"), problem: textAfter(grace.doc, "Problem") };
    expect(before.problem).toBe("Grace wrote the problem. Grace adds too.");

    expect((await api(`${history(name)}/revert`, "carl", { author: "ada", since: base.id })).status).toBe(403);
    const reverted = await api<HistoryChangeResult>(`${history(name)}/revert`, "grace", {
      author: "ada",
      since: base.id,
    });
    expect(reverted.status).toBe(200);
    expect(reverted.body).toMatchObject({ unchanged: false, before: { kind: "before-revert" } });

    const expected = {
      summary: before.summary.replace(" Ada adds a mistake.", ""),
      problem: "Grace wrote the whole problem. Grace adds too.",
    };
    expect(expected.summary).toContain("Ada wrote this first.");
    expect(expected.summary).toContain(" Grace's line stays.");
    for (const client of [ada, grace]) {
      await waitFor(
        () =>
          textAfter(client.doc, "Summary") === expected.summary &&
          textAfter(client.doc, "Problem") === expected.problem,
        "the reverted text",
      );
    }
    // Nothing of Ada's before the version was touched, nor anything else.
    const diff = await api<DocumentDiff>(`${history(name)}/diff?from=${base.id}`, "vic");
    const changes = runsOf(diff.body.content).filter((run) => run.change);
    expect(changes).toEqual([
      expect.objectContaining({ text: " Grace's line stays.", change: "inserted", author: "grace" }),
      expect.objectContaining({ text: " Grace adds too.", change: "inserted", author: "grace" }),
    ]);
  });

  it("attributes what someone typed offline to them, when their sync step 2 brings it", async () => {
    const { name, ada, grace } = await adaAndGrace("Typed on a train");
    rewrite(ada.doc, "Summary", "Ada wrote this online.");
    await ada.acknowledged();
    await sameText(ada, grace, "Summary");
    // Grace goes offline and types; her edits reach the server only in the sync step 2 of her next connection.
    grace.destroy();
    type(grace.doc, "Summary", " Grace typed this offline.");
    const back = connect(server.wsUrl, name, { token: tokens.grace, doc: grace.doc });
    clients.push(back);
    await back.acknowledged();
    await waitFor(
      () => textAfter(ada.doc, "Summary") === "Ada wrote this online. Grace typed this offline.",
      "Ada sees what Grace typed offline",
    );

    const { body } = await api<DocumentAuthorship>(`${history(name)}/authorship`, "vic");
    const runs = runsOf(body.content);
    const by = (text: string) => runs.filter((run) => run.text.includes(text)).map((run) => run.author);
    expect(by("Ada wrote this online.")).toEqual(["ada"]);
    expect(by("Grace typed this offline.")).toEqual(["grace"]);
  });

  it("validates input and roles", async () => {
    const name = await newSpec("Checked");
    const version = await nameVersion(name, "One");
    const base = history(name);
    const expectStatus = async (answer: Promise<Answer<unknown>>, status: number) =>
      expect((await answer).status).toBe(status);
    await expectStatus(api(`${base}/versions`, "carl", { label: "Mine" }), 403);
    await expectStatus(api(`${base}/versions`, "ada", { label: "" }), 400);
    await expectStatus(api(`${base}/versions`, "ada", { label: "x", extra: 1 }), 400);
    await expectStatus(api(`${base}/versions`, "ada", { label: "two\nlines" }), 400);
    await expectStatus(api(`${base}/versions/abc`, "ada"), 400);
    await expectStatus(api(`${base}/versions/999999`, "ada"), 404);
    await expectStatus(api(`${base}/versions/${version.id}?format=pdf`, "ada"), 400);
    await expectStatus(api(`${base}/diff`, "ada"), 400);
    await expectStatus(api(`${base}/diff?from=current`, "ada"), 400);
    await expectStatus(api(`${base}/versions/current/restore`, "ada", {}), 400);
    await expectStatus(api(`${base}/versions/${version.id}/restore`, "ada", { extra: true }), 400);
    await expectStatus(api(`${base}/revert`, "ada", { author: "ada", since: "yesterday" }), 400);
    await expectStatus(api(`${history("spec/none")}/versions`, "ada"), 404);
    // A time before every version means since the beginning.
    await expectStatus(api(`${base}/revert`, "ada", { author: "nobody", since: "2000-01-01T00:00:00Z" }), 200);
    // A restore is a POST with a JSON body: a cross-site form cannot send one.
    const form = await fetch(`${server.url}${base}/versions/${version.id}/restore`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokens.ada}`, "content-type": "text/plain" },
      body: "{}",
    });
    expect(form.status).toBe(415);
  });
});

describe("a restore takes the path of any edit", () => {
  const schema = freshSchemaName("restore");
  let inner: TandemStore;
  let server: RunningServer;
  const clients: Client[] = [];
  const tokens = { ada: "", grace: "" };
  /** When set, the next append by `author` is held until the test commits or fails it. */
  let trap: { readonly author: string; readonly caught: (append: HeldAppend) => void } | undefined;
  interface HeldAppend {
    commit(): void;
    fail(): void;
  }

  const holdNextAppendBy = (author: string) =>
    new Promise<HeldAppend>((resolve) => {
      trap = { author, caught: resolve };
    });
  const api = <T>(path: string, who: keyof typeof tokens, json?: unknown) =>
    call<T>(server.url, path, tokens[who], json);

  beforeAll(async () => {
    inner = await createPostgresStore({ connectionString: databaseUrl, schema });
    const store: TandemStore = new Proxy(inner, {
      get(target, property) {
        if (property === "append") {
          return async (name: string, update: Uint8Array, options?: AppendOptions) => {
            if (trap !== undefined && options?.author === trap.author) {
              const { caught } = trap;
              trap = undefined;
              await new Promise<void>((resolve, reject) =>
                caught({
                  commit: resolve,
                  fail: () => reject(new PersistenceError("unavailable", "injected append failure")),
                }),
              );
            }
            await target.append(name, update, options);
          };
        }
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    server = await startServer({ authSecret: secret, databaseSchema: schema, store });
    tokens.ada = await signToken(secret, { sub: "ada", name: "Ada", access: { "*": "editor" } });
    tokens.grace = await signToken(secret, { sub: "grace", name: "Grace", access: { "*": "editor" } });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await server.close();
    await inner.close();
    await dropSchema(schema);
  });

  /** A spec Grace has open, whose summary said `then` at a version and says `now` since. */
  async function restorable(then: string, now: string): Promise<{ name: string; grace: Client; versionId: string }> {
    const created = await api<DocumentSummary>("/api/documents", "ada", { kind: "spec", title: "Restored" });
    const name = created.body.name;
    const grace = connect(server.wsUrl, name, { token: tokens.grace });
    clients.push(grace);
    await synced(grace);
    rewrite(grace.doc, "Summary", then);
    await grace.acknowledged();
    const version = await api<VersionSummary>(`/api/documents/${encodeURIComponent(name)}/versions`, "ada", {
      label: "Then",
    });
    rewrite(grace.doc, "Summary", now);
    await grace.acknowledged();
    return { name, grace, versionId: version.body.id };
  }

  it("is delivered at once, answered once committed, and stored as the restorer's", async () => {
    const { name, grace, versionId } = await restorable("The version's text.", "Grace's later text.");
    const held = holdNextAppendBy("ada");
    let answered = false;
    const restoring = api<HistoryChangeResult>(
      `/api/documents/${encodeURIComponent(name)}/versions/${versionId}/restore`,
      "ada",
      {},
    ).finally(() => {
      answered = true;
    });
    const append = await held;
    // Grace has the restored text while its append waits for the database; the restore is not done yet.
    await waitFor(() => textAfter(grace.doc, "Summary") === "The version's text.", "Grace sees the restore");
    expect(answered).toBe(false);
    append.commit();
    const restored = await restoring;
    expect(restored.status).toBe(200);
    expect(textAfter(await storedDoc(schema, name), "Summary")).toBe("The version's text.");
    const diff = await api<DocumentDiff>(
      `/api/documents/${encodeURIComponent(name)}/diff?from=${restored.body.before.id}`,
      "grace",
    );
    expect(diff.body.summary.map((line) => line.author)).toEqual(["ada"]);
  });

  it("answers 503 when its append fails, and resets the document like any failed append", async () => {
    const { name, grace, versionId } = await restorable("Old text.", "New text.");
    const held = holdNextAppendBy("ada");
    const restoring = api<unknown>(
      `/api/documents/${encodeURIComponent(name)}/versions/${versionId}/restore`,
      "ada",
      {},
    );
    (await held).fail();
    expect((await restoring).status).toBe(503);
    await waitFor(() => grace.closeCodes.includes(4500), "Grace's connection reset");
  });
});

describe("automatic versions", () => {
  let server: RunningServer;
  const clients: Client[] = [];
  let token = "";

  beforeAll(async () => {
    server = await startServer({ authSecret: secret, versionAfterMs: 1, versionPauseMs: 300 });
    token = await signToken(secret, { sub: "ada", name: "Ada", access: { "*": "editor" } });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await server.closeAndDropSchema();
  });

  const versions = async (name: string) =>
    (await call<VersionList>(server.url, `/api/documents/${encodeURIComponent(name)}/versions`, token)).body.versions;

  it("are made when a burst of editing settles, and when the last person leaves; not when nothing changed", async () => {
    const created = await call<DocumentSummary>(server.url, "/api/documents", token, { kind: "spec", title: "Auto" });
    const name = created.body.name;
    const ada = connect(server.wsUrl, name, { token });
    clients.push(ada);
    await synced(ada);
    rewrite(ada.doc, "Summary", "First burst.");
    await ada.acknowledged();
    await waitFor(async () => (await versions(name)).length === 1, "a version after the burst settled");
    expect((await versions(name))[0]).toMatchObject({ kind: "auto", label: null, authors: [{ id: "ada" }] });

    type(ada.doc, "Summary", " Second.");
    await ada.acknowledged();
    ada.destroy();
    await waitFor(async () => (await versions(name)).length === 2, "a version when the last person left");

    // Opening and leaving without an edit makes none.
    const again = connect(server.wsUrl, name, { token });
    clients.push(again);
    await synced(again);
    again.destroy();
    await waitFor(async () => (await storedInfo(server.schema, name))?.pendingUpdates === 0, "the document unloaded");
    expect(await versions(name)).toHaveLength(2);
  });
});
