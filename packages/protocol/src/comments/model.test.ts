import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { addThread, CommentLimits, checkCommentBody, readThread, threadsOf } from "./model.js";

describe("checkCommentBody", () => {
  it("keeps the trimmed text", () => {
    expect(checkCommentBody("  Looks good.\n")).toEqual({ ok: true, body: "Looks good." });
  });

  it("refuses text that is only whitespace", () => {
    expect(checkCommentBody(" \n\t ")).toEqual({ ok: false, reason: "a comment needs some text" });
  });

  it("counts the limit after trimming", () => {
    const longest = "x".repeat(CommentLimits.body);
    expect(checkCommentBody(` ${longest} `)).toEqual({ ok: true, body: longest });
    expect(checkCommentBody(`${longest}x`)).toMatchObject({ ok: false, reason: expect.stringMatching(/at most/) });
  });
});

describe("addThread", () => {
  const content = new Y.Doc().getText("t");
  const anchor = {
    start: Y.createRelativePositionFromTypeIndex(content, 0),
    end: Y.createRelativePositionFromTypeIndex(content, 0, -1),
  };
  const thread = { id: "t1", createdBy: "ada", createdAt: 1, anchor, quote: "q", contextBefore: "", contextAfter: "" };

  it("adds the thread under its id with its first comment, in one update", () => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on("update", (update: Uint8Array) => updates.push(update));
    doc.transact(() => {
      addThread(doc, thread, { id: "c1", author: "ada", createdAt: 1, body: "Why?", mentions: [] });
    });
    expect(updates).toHaveLength(1);
    const read = readThread(threadsOf(doc).get("t1") as Y.Map<unknown>);
    expect(read).toMatchObject({ id: "t1", createdBy: "ada", quote: "q", resolved: false });
    expect(read?.comments.map((comment) => [comment.id, comment.body])).toEqual([["c1", "Why?"]]);
  });

  it("adds a thread without a comment, as a suggestion may be", () => {
    const doc = new Y.Doc();
    expect(readThread(addThread(doc, thread))?.comments).toEqual([]);
  });
});
