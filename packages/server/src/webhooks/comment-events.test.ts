import {
  addThread,
  CommentFields,
  commentsOf,
  createCommentMap,
  peopleOf,
  ThreadFields,
  threadsOf,
} from "@tandem/protocol";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { type CommentEvent, commentEvents } from "./comment-events.js";

const anchorText = new Y.Doc().getText("t");
const anchor = {
  start: Y.createRelativePositionFromTypeIndex(anchorText, 0),
  end: Y.createRelativePositionFromTypeIndex(anchorText, 0, -1),
};

/** A comments document whose transactions' events are collected, as the event source does. */
function watched() {
  const doc = new Y.Doc();
  let found: CommentEvent[] = [];
  threadsOf(doc).observeDeep((events) => {
    found.push(...commentEvents(doc, "spec/1", events));
  });
  return {
    doc,
    /** The events of what `change` does, in one transaction. */
    eventsOf(change: () => void): CommentEvent[] {
      found = [];
      doc.transact(change);
      return found;
    },
  };
}

const comment = (id: string, mentions: string[] = [], body = `body of ${id}`) =>
  createCommentMap({ id, author: "ada", createdAt: 0, body, mentions });

/** Starts thread `id` by ada on "q", its first comment `c1` mentioning `mentions`. */
const startThread = (doc: Y.Doc, id: string, mentions: string[]) =>
  addThread(
    doc,
    { id, createdBy: "ada", createdAt: 0, anchor, quote: "q", contextBefore: "", contextAfter: "" },
    { id: "c1", author: "ada", createdAt: 0, body: "body of c1", mentions },
  );

describe("commentEvents", () => {
  it("a new thread: comment.created for its first comment, and a mention.created per person it mentions", () => {
    const { doc, eventsOf } = watched();
    const events = eventsOf(() => {
      peopleOf(doc).set("ada", { name: "Ada", color: "#0090ff" });
      peopleOf(doc).set("grace", { name: "Grace", color: "#46a758" });
      startThread(doc, "t1", ["grace", "grace", "bob"]);
    });
    expect(events.map((event) => event.type)).toEqual(["comment.created", "mention.created", "mention.created"]);
    expect(events[0]?.data).toMatchObject({
      document: "spec/1",
      threadId: "t1",
      newThread: true,
      suggestion: false,
      quote: "q",
      comment: { id: "c1", authorName: "Ada", createdAt: "1970-01-01T00:00:00.000Z" },
    });
    expect(
      events
        .slice(1)
        .map((event) => event.type === "mention.created" && [event.data.mentioned, event.data.mentionedName]),
    ).toEqual([
      ["grace", "Grace"],
      ["bob", null],
    ]);
  });

  it("a reply, an edit adding a mention, a resolution; nothing for reactions, re-resolving or deleted comments", () => {
    const { doc, eventsOf } = watched();
    const thread = startThread(doc, "t1", ["grace"]);
    const replies = commentsOf(thread) as Y.Array<Y.Map<unknown>>;
    expect(eventsOf(() => replies.push([comment("c2")])).map((event) => [event.type, event.data])).toEqual([
      [
        "comment.created",
        expect.objectContaining({ newThread: false, comment: expect.objectContaining({ id: "c2" }) }),
      ],
    ]);
    const first = replies.get(0);
    expect(
      eventsOf(() => first.set(CommentFields.mentions, ["grace", "bob"])).map(
        (event) => event.type === "mention.created" && event.data.mentioned,
      ),
    ).toEqual(["bob"]);
    expect(eventsOf(() => (first.get(CommentFields.reactions) as Y.Map<string[]>).set("bob", ["👍"]))).toEqual([]);
    const resolve = () => {
      thread.set(ThreadFields.resolved, true);
      thread.set(ThreadFields.resolvedBy, "bob");
      thread.set(ThreadFields.resolvedAt, 1000);
    };
    expect(eventsOf(resolve).map((event) => [event.type, event.data])).toEqual([
      [
        "comment.resolved",
        { document: "spec/1", threadId: "t1", resolvedBy: "bob", resolvedAt: "1970-01-01T00:00:01.000Z" },
      ],
    ]);
    expect(eventsOf(resolve)).toEqual([]);
    expect(eventsOf(() => thread.set(ThreadFields.resolved, false))).toEqual([]);
    const deleted = comment("c3", ["grace"]);
    deleted.set(CommentFields.deleted, true);
    expect(eventsOf(() => replies.push([deleted]))).toEqual([]);
  });
});
