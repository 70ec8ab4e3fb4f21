import {
  createCommentMap,
  createThreadMap,
  peopleOf,
  readSuggestion,
  readThread,
  ThreadFields,
  threadsOf,
} from "@tandem/protocol";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { commentsAbout, eraseFromComments, holdsAnything } from "./comments.js";

/** A comments document: Ada's thread with Grace's reply mentioning her, reactions both ways, and Ada's suggestion. */
function discussion(): Y.Doc {
  const doc = new Y.Doc();
  const content = new Y.Doc().getText("t");
  content.insert(0, "rocket");
  doc.transact(() => {
    const thread = createThreadMap({
      id: "t1",
      createdBy: "ada",
      createdAt: 1,
      anchor: {
        start: Y.createRelativePositionFromTypeIndex(content, 0),
        end: Y.createRelativePositionFromTypeIndex(content, 6),
      },
      quote: "rocket",
      contextBefore: "",
      contextAfter: "",
    });
    threadsOf(doc).set("t1", thread);
    const comments = thread.get("comments") as Y.Array<Y.Map<unknown>>;
    const ada = createCommentMap({ id: "c1", author: "ada", createdAt: 1, body: "Mine", mentions: [] });
    const grace = createCommentMap({ id: "c2", author: "grace", createdAt: 2, body: "@Ada yes", mentions: ["ada"] });
    comments.push([ada, grace]);
    (ada.get("reactions") as Y.Map<string[]>).set("grace", ["👍"]);
    (grace.get("reactions") as Y.Map<string[]>).set("ada", ["🎉"]);
    const anchor = {
      start: Y.createRelativePositionFromTypeIndex(content, 0),
      end: Y.createRelativePositionFromTypeIndex(content, 6),
    };
    const suggestion = createThreadMap({
      id: "t2",
      createdBy: "ada",
      createdAt: 3,
      anchor,
      quote: "rocket",
      contextBefore: "",
      contextAfter: "",
    });
    suggestion.set(ThreadFields.suggestion, { kind: "replace", text: "spaceship" });
    suggestion.set(ThreadFields.status, "pending");
    suggestion.set(ThreadFields.decidedBy, null);
    suggestion.set(ThreadFields.decidedAt, null);
    threadsOf(doc).set("t2", suggestion);
    peopleOf(doc).set("ada", { name: "Ada", color: "#0090ff" });
    peopleOf(doc).set("grace", { name: "Grace", color: "#8e4ec6" });
  });
  return doc;
}

describe("a person in a comments document", () => {
  it("finds their comments, reactions, mentions of them and their profile", () => {
    const about = commentsAbout(discussion(), "ada");
    expect(about).toMatchObject({
      profile: { name: "Ada" },
      comments: [{ thread: "t1", id: "c1", quote: "rocket", body: "Mine", deleted: false }],
      suggestions: [
        { thread: "t2", quote: "rocket", proposal: { kind: "replace", text: "spaceship" }, status: "pending" },
      ],
      reactions: [{ thread: "t1", comment: "c2", emojis: ["🎉"] }],
      mentions: [{ thread: "t1", comment: "c2", author: "grace", body: "@Ada yes" }],
    });
    expect(holdsAnything(commentsAbout(discussion(), "nobody"))).toBe(false);
  });

  it("erases them into a placeholder, keeps the others' words, and a second erasure writes nothing", () => {
    const doc = discussion();
    expect(doc.transact(() => eraseFromComments(doc, "ada"))).toBe(1);
    const [placeholder, reply] = readThread(threadsOf(doc).get("t1") as Y.Map<unknown>)?.comments ?? [];
    expect(placeholder).toMatchObject({ author: "ada", body: "", mentions: [], deleted: true });
    expect([...(placeholder?.reactions ?? [])]).toEqual([["👍", ["grace"]]]);
    expect(reply).toMatchObject({ body: "@Ada yes", mentions: [], deleted: false });
    expect([...(reply?.reactions ?? [])]).toEqual([]);
    expect(peopleOf(doc).has("ada")).toBe(false);
    expect(peopleOf(doc).has("grace")).toBe(true);
    // Her proposal is gone; the thread stays, a plain one on its quote.
    const proposed = threadsOf(doc).get("t2") as Y.Map<unknown>;
    expect(readSuggestion(proposed)).toBeUndefined();
    expect(JSON.stringify(proposed.toJSON())).not.toContain("spaceship");

    const updates: Uint8Array[] = [];
    doc.on("update", (update: Uint8Array) => updates.push(update));
    expect(doc.transact(() => eraseFromComments(doc, "ada"))).toBe(0);
    expect(updates).toEqual([]);
  });
});
