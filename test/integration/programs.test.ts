import { type Collaborator, isTandemAgentError, joinDocument } from "@tandem/agent";
import {
  CommentLimits,
  commentsDocumentName,
  type DocumentAuthorship,
  DocumentFields,
  type DocumentSummary,
  locateSuggestion,
  peopleOf,
  readSuggestion,
  readThread,
  threadsOf,
} from "@tandem/protocol";
import { signToken } from "@tandem/server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { apiCall } from "../support/api.js";
import { rewrite, textAfter } from "../support/content.js";
import { type Client, connect, type RunningServer, startServer, storedDoc, synced } from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

const secret = "a-test-secret-that-is-long-enough-for-hs256";

type Who = "ada" | "reviewer" | "critic" | "reader" | "outsider";

/** The plain text runs of ProseMirror JSON content, with their authors. */
function runsOf(node: { content?: readonly unknown[] }): { text: string; author?: string | null }[] {
  return (node.content ?? []).flatMap((child) => {
    const item = child as { type: string; text?: string; author?: string | null };
    return item.type === "text" ? [item as { text: string }] : runsOf(child as { content?: readonly unknown[] });
  });
}

describe("programs as collaborators, through the real server", () => {
  let server: RunningServer;
  const tokens: Record<Who, string> = { ada: "", reviewer: "", critic: "", reader: "", outsider: "" };
  const clients: Client[] = [];
  const agents: Collaborator[] = [];

  const api = <T>(path: string, who: Who, json?: unknown) =>
    apiCall<T>(server.url, json === undefined ? "GET" : "POST", path, tokens[who], json);
  const documentPath = (name: string) => `/api/documents/${encodeURIComponent(name)}`;

  /** A new spec whose Summary Ada has written, with Ada still in it. */
  async function specByAda(title: string, summary: string): Promise<{ name: string; ada: Client }> {
    const created = await api<DocumentSummary>("/api/documents", "ada", { kind: "spec", title });
    expect(created.status).toBe(201);
    const ada = connect(server.wsUrl, created.body.name, { token: tokens.ada });
    clients.push(ada);
    await synced(ada);
    rewrite(ada.doc, "Summary", summary);
    await ada.acknowledged();
    return { name: created.body.name, ada };
  }

  /** Who wrote what in `name` now: the authors, and the author of each run of text holding `text`. */
  async function authorship(name: string) {
    const { status, body } = await api<DocumentAuthorship>(`${documentPath(name)}/authorship`, "ada");
    expect(status).toBe(200);
    const by = (text: string) =>
      runsOf(body.content)
        .filter((run) => run.text.includes(text))
        .map((run) => run.author);
    return { authors: body.authors, by };
  }

  async function join(name: string, who: Who): Promise<Collaborator> {
    const agent = await joinDocument({ url: server.wsUrl, document: name, token: tokens[who] });
    agents.push(agent);
    return agent;
  }

  beforeAll(async () => {
    server = await startServer({ authSecret: secret });
    tokens.ada = await signToken(secret, { sub: "ada", name: "Ada Lovelace", access: { "*": "editor" } });
    tokens.reviewer = await signToken(secret, {
      sub: "reviewer",
      name: "Spec reviewer",
      program: true,
      access: { "*": "editor" },
    });
    tokens.critic = await signToken(secret, {
      sub: "critic",
      name: "Critic",
      program: true,
      access: { "*": "commenter" },
    });
    tokens.reader = await signToken(secret, {
      sub: "reader",
      name: "Reader",
      program: true,
      access: { "*": "viewer" },
    });
  });
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.leave()));
    for (const client of clients.splice(0)) client.destroy();
  });
  afterAll(async () => {
    await server.closeAndDropSchema();
  });

  it("attributes a program's edits to it in the document's history", async () => {
    const { name, ada } = await specByAda("Attributed", "Sync is done by polling every minute.");
    const reviewer = await join(name, "reviewer");
    reviewer.replaceText("polling every minute", "pushing each change at once");
    await reviewer.flushed();
    await waitFor(() => textAfter(ada.doc, "Summary").includes("pushing"), "Ada sees the program's edit");
    expect(textAfter(ada.doc, "Summary")).toBe("Sync is done by pushing each change at once.");

    const { authors, by } = await authorship(name);
    expect(by("pushing each change at once")).toEqual(["reviewer"]);
    expect(by("Sync is done by")).toEqual(["ada"]);
    expect(authors.map((author) => author.name).sort()).toEqual(["Ada Lovelace", "Spec reviewer"]);
  });

  it("reads the document as JSON and Markdown, and inserts Markdown into a section as an editor would", async () => {
    const { name, ada } = await specByAda("Markdown in", "Offline edits merge on reconnect.");
    const reviewer = await join(name, "reviewer");
    expect(reviewer.json().title).toBe("Markdown in");
    expect(reviewer.markdown()).toMatch(/^# Markdown in\n[\s\S]*## Summary\n\nOffline edits merge on reconnect\.\n/);

    // The Problem section is a template's empty paragraph: it is replaced, not kept before the new blocks.
    reviewer.insertMarkdown("Problem", "Field teams lose **edits**.\n\n- [ ] measure how often");
    reviewer.insertMarkdown("Summary", "A second paragraph.");
    await reviewer.flushed();
    await waitFor(() => textAfter(ada.doc, "Problem") === "Field teams lose edits.", "Ada sees the new section");
    const markdown = reviewer.markdown();
    expect(markdown).toContain("## Summary\n\nOffline edits merge on reconnect.\n\nA second paragraph.\n");
    expect(markdown).toContain("## Problem\n\nField teams lose **edits**.\n\n- [ ] measure how often\n");
    expect(() => reviewer.insertMarkdown("No such heading", "x")).toThrow(
      expect.objectContaining({ code: "not-found" }),
    );

    const { by } = await authorship(name);
    expect(by("Field teams lose")).toEqual(["reviewer"]);
    expect(by("measure how often")).toEqual(["reviewer"]);
  });

  it("shows a program in presence labelled as one, with its caret where it worked", async () => {
    const { name, ada } = await specByAda("Present", "Latency budget is TBD.");
    const reviewer = await join(name, "reviewer");
    reviewer.moveCaret("TBD");
    const stateOfReviewer = () =>
      [...(ada.provider.awareness?.getStates().values() ?? [])].find(
        (state) => (state.user as { id?: string } | undefined)?.id === "reviewer",
      );
    await waitFor(() => stateOfReviewer()?.cursor != null, "Ada sees the program's caret");
    expect(stateOfReviewer()?.user).toEqual({
      id: "reviewer",
      name: "Spec reviewer",
      color: expect.any(String),
      program: true,
    });
    // The caret is where a person's editor would draw it: a relative position into the Summary's text.
    const cursor = stateOfReviewer()?.cursor as { anchor: unknown; head: unknown };
    const head = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(cursor.head), ada.doc);
    const anchor = Y.createAbsolutePositionFromRelativePosition(
      Y.createRelativePositionFromJSON(cursor.anchor),
      ada.doc,
    );
    expect(head?.type.toString()).toBe("Latency budget is TBD.");
    expect([anchor?.index, head?.index]).toEqual([18, 21]);

    const listed = await api<DocumentSummary>(documentPath(name), "ada");
    expect(listed.body.present).toContainEqual(expect.objectContaining({ id: "reviewer", program: true }));

    await reviewer.leave();
    await waitFor(() => stateOfReviewer() === undefined, "the program's presence goes when it leaves");
  });

  it("refuses a commenter program's direct write and stores its comment and its suggestion", async () => {
    const { name, ada } = await specByAda("Commented", "Launch date is TBD.");
    const critic = await join(name, "critic");
    expect([critic.canEdit, critic.canComment]).toEqual([false, true]);
    let refusal: unknown;
    try {
      critic.replaceText("TBD", "March");
    } catch (error) {
      refusal = error;
    }
    expect(isTandemAgentError(refusal, "forbidden")).toBe(true);
    // A comment is checked by the rule the client kit and REST share, before anything is written.
    const overlong = { comment: "x".repeat(CommentLimits.body + 1) };
    expect(() => critic.suggest("TBD", { kind: "delete" }, overlong)).toThrow(/at most/);
    const threadId = critic.comment("TBD", "Who sets the launch date, and by when?");
    const suggestionId = critic.suggest(
      "TBD",
      { kind: "replace", text: "set by the steering group" },
      {
        comment: "A date needs an owner.",
      },
    );
    // The Problem section is a template's empty paragraph: the insertion is proposed into it.
    const problemId = critic.suggestInSection("Problem", "Nobody owns the date.");
    await critic.flushed();

    const stored = await storedDoc(server.schema, commentsDocumentName(name));
    const content = (await storedDoc(server.schema, name)).getXmlFragment(DocumentFields.content);
    const problem = locateSuggestion(stored, content, problemId);
    expect(problem.ok && problem.index.text.slice(0, problem.range.from).endsWith("Problem\n")).toBe(true);
    expect(readSuggestion(threadsOf(stored).get(problemId) as Y.Map<unknown>)?.proposal).toEqual({
      kind: "insert",
      text: "Nobody owns the date.",
    });
    const thread = readThread(threadsOf(stored).get(threadId) as Y.Map<unknown>);
    expect(thread).toMatchObject({ createdBy: "critic", quote: "TBD" });
    expect(thread?.comments.map((comment) => [comment.author, comment.body])).toEqual([
      ["critic", "Who sets the launch date, and by when?"],
    ]);
    const suggestion = threadsOf(stored).get(suggestionId) as Y.Map<unknown>;
    expect(readSuggestion(suggestion)).toMatchObject({
      status: "pending",
      proposal: { kind: "replace", text: "set by the steering group" },
    });
    expect(readThread(suggestion)).toMatchObject({ createdBy: "critic", quote: "TBD" });
    expect(readThread(suggestion)?.comments.map((comment) => comment.body)).toEqual(["A date needs an owner."]);
    // Nothing reached the text.
    expect(textAfter(await storedDoc(server.schema, name), "Summary")).toBe("Launch date is TBD.");
    expect(textAfter(ada.doc, "Summary")).toBe("Launch date is TBD.");
  });

  it("reads as Markdown and proposes comments and suggestions over REST, with the token's role applied", async () => {
    const { name, ada } = await specByAda("Over REST", "Rollout is TBD and owner is TBD.");
    const watcher = await join(name, "reviewer");
    const post = (path: string, who: Who, json: unknown) =>
      api<{ threadId: string }>(`${documentPath(name)}/${path}`, who, json);

    // Reading needs any role, like opening the document on a socket; a token without access is refused.
    const markdown = await api<string>(`${documentPath(name)}/versions/current?format=markdown`, "reader");
    expect(markdown.status).toBe(200);
    expect(markdown.body).toContain("## Summary\n\nRollout is TBD and owner is TBD.\n");
    tokens.outsider = await signToken(secret, { sub: "x", name: "X", program: true, access: { "idea/*": "editor" } });
    expect((await api(`${documentPath(name)}/versions/current?format=markdown`, "outsider")).status).toBe(403);

    // A commenter program comments on the second TBD and suggests a change to the first.
    const comment = await post("comments", "critic", { quote: "TBD", occurrence: 1, body: "Who owns this?" });
    expect(comment.status).toBe(201);
    const suggestion = await post("suggestions", "critic", {
      quote: "TBD",
      proposal: { kind: "replace", text: "in March" },
      comment: "The plan says March.",
    });
    expect(suggestion.status).toBe(201);

    // Both are live for everyone in the document at once, and stored as the program's.
    const store = watcher.document.commentsStore;
    await waitFor(
      () =>
        store.getSnapshot().byId.has(comment.body.threadId) && store.getSnapshot().byId.has(suggestion.body.threadId),
      "the REST threads reach the program on the socket",
    );
    const second = store.getSnapshot().byId.get(comment.body.threadId);
    expect(second?.anchor).toMatchObject({ state: "attached", range: { from: expect.any(Number) } });
    expect(second?.createdBy).toEqual({ id: "critic", name: "Critic", color: expect.any(String), program: true });
    const storedComments = await storedDoc(server.schema, commentsDocumentName(name));
    const stored = threadsOf(storedComments);
    expect(readThread(stored.get(comment.body.threadId) as Y.Map<unknown>)).toMatchObject({
      createdBy: "critic",
      quote: "TBD",
      contextBefore: expect.stringMatching(/owner is $/),
      comments: [expect.objectContaining({ author: "critic", body: "Who owns this?" })],
    });
    // The comments' people say who the program is, as its token says: a program.
    expect(peopleOf(storedComments).get("critic")).toEqual({
      name: "Critic",
      color: expect.any(String),
      program: true,
    });
    expect(second?.createdBy.program).toBe(true);
    expect(readSuggestion(stored.get(suggestion.body.threadId) as Y.Map<unknown>)).toMatchObject({
      status: "pending",
      proposal: { kind: "replace", text: "in March" },
    });
    expect(textAfter(ada.doc, "Summary")).toBe("Rollout is TBD and owner is TBD.");

    // A viewer may not; nor may anyone outside the token's patterns. Bad input is a 400, a missing quote a 404.
    expect((await post("comments", "reader", { quote: "TBD", body: "Hm." })).status).toBe(403);
    expect((await post("suggestions", "reader", { quote: "TBD", proposal: { kind: "delete" } })).status).toBe(403);
    expect((await post("comments", "outsider", { quote: "TBD", body: "Hm." })).status).toBe(403);
    expect((await post("comments", "critic", { quote: "not there", body: "Hm." })).status).toBe(404);
    expect((await post("comments", "critic", { quote: "TBD", occurrence: 2, body: "Hm." })).status).toBe(404);
    expect((await post("suggestions", "critic", { quote: "TBD", proposal: { kind: "rewrite" } })).status).toBe(400);
    expect((await post("comments", "critic", { quote: "TBD", body: " " })).status).toBe(400);
    const overlong = "x".repeat(CommentLimits.body + 1);
    expect(
      await post("suggestions", "critic", { quote: "TBD", proposal: { kind: "delete" }, comment: overlong }),
    ).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/at most/) } } });
    // An editor program may too (the role, not being a program, decides).
    expect((await post("comments", "reviewer", { quote: "Rollout", body: "Fine." })).status).toBe(201);
  });

  it("lets a viewer program read but neither write nor comment, and refuses a document outside its token", async () => {
    const { name } = await specByAda("Read only", "Nothing to change here.");
    const reader = await join(name, "reader");
    expect(reader.text()).toContain("Nothing to change here.");
    expect(() => reader.comment("Nothing", "Hm.")).toThrow(expect.objectContaining({ code: "forbidden" }));
    expect(() => reader.replaceText("Nothing", "All")).toThrow(expect.objectContaining({ code: "forbidden" }));
    expect(() => reader.moveCaret("not in the text")).toThrow(expect.objectContaining({ code: "not-found" }));

    const outsider = await signToken(secret, { sub: "x", name: "X", program: true, access: { "idea/*": "editor" } });
    await expect(joinDocument({ url: server.wsUrl, document: name, token: outsider })).rejects.toMatchObject({
      code: "forbidden",
    });
  });
});
