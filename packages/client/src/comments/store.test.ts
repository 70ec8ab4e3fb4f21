import { checkCommentsUpdate, TextIndex } from "@tandem/protocol";
import { afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { isTandemClientError } from "../errors.js";
import type { TandemUser } from "../identity.js";
import { type CommentsStore, createCommentsStore } from "./store.js";

const ada: TandemUser = { id: "ada", name: "Ada Lovelace", color: "#0090ff" };
const bo: TandemUser = { id: "bo", name: "Bo", color: "#e5484d" };

/** Rich text as y-prosemirror stores it: paragraphs (XmlElement) holding one XmlText each. */
function writeParagraphs(fragment: Y.XmlFragment, lines: string[]): void {
  fragment.doc?.transact(() => {
    fragment.insert(
      0,
      lines.map((line) => {
        const paragraph = new Y.XmlElement("paragraph");
        paragraph.insert(0, [new Y.XmlText(line)]);
        return paragraph;
      }),
    );
  });
}

function paragraphText(fragment: Y.XmlFragment, index: number): Y.XmlText {
  return (fragment.get(index) as Y.XmlElement).get(0) as Y.XmlText;
}

/**
 * Documents that exchange updates like providers do; deliveries can be held
 * back to make edits concurrent.
 */
class Network {
  private readonly docs: Y.Doc[] = [];
  private readonly queue: Array<{ to: Y.Doc; update: Uint8Array }> = [];
  held = false;

  join(doc: Y.Doc): Y.Doc {
    for (const other of this.docs) Y.applyUpdate(doc, Y.encodeStateAsUpdate(other), this);
    this.docs.push(doc);
    doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === this) return;
      for (const other of this.docs) if (other !== doc) this.queue.push({ to: other, update });
      if (!this.held) this.flush();
    });
    return doc;
  }

  flush(): void {
    this.held = false;
    while (this.queue.length > 0) {
      const next = this.queue.shift();
      if (next) Y.applyUpdate(next.to, next.update, this);
    }
  }
}

interface Client {
  content: Y.Doc;
  fragment: Y.XmlFragment;
  comments: Y.Doc;
  store: CommentsStore;
}

const stores: CommentsStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.destroy();
});

let ids = 0;
function client(
  user: TandemUser,
  contentNet: Network,
  commentsNet: Network,
  canWrite = () => true,
  canDecide = () => true,
): Client {
  const content = contentNet.join(new Y.Doc());
  const comments = commentsNet.join(new Y.Doc());
  const fragment = content.getXmlFragment("default");
  const store = createCommentsStore({
    comments,
    content: fragment,
    user,
    canWrite,
    canDecide,
    now: () => 1_000,
    createId: () => `id-${++ids}`,
  });
  stores.push(store);
  return { content, fragment, comments, store };
}

function threadText(store: CommentsStore, threadId: string): string | undefined {
  const thread = store.getSnapshot().byId.get(threadId);
  const range = thread?.anchor.range;
  return range && store.textIndex().text.slice(range.from, range.to);
}

/** Resolves at the store's next change notification (a heal writes back asynchronously). */
function nextChange(store: CommentsStore): Promise<void> {
  return new Promise((resolve) => {
    const stop = store.subscribe(() => {
      stop();
      resolve();
    });
  });
}

describe("TextIndex", () => {
  it("flattens blocks into text and maps offsets to positions and back", () => {
    const doc = new Y.Doc();
    const fragment = doc.getXmlFragment("default");
    writeParagraphs(fragment, ["Hello world", "", "Second line"]);
    const index = new TextIndex(fragment);
    // A break before each block, an empty one too (as the editor's text has it), so that each block has its own offsets.
    expect(index.text).toBe("Hello world\n\nSecond line");
    const second = paragraphText(fragment, 2);
    expect(index.offsetOf({ type: second, index: 3 })).toBe(16);
    expect(index.offsetOf({ type: fragment, index: 2 })).toBe(13);
    expect(index.positionAt(16, 0)).toEqual({ type: second, index: 3 });
    // A range end on a block break belongs to the text before it.
    expect(index.positionAt(13, -1)).toEqual({ type: paragraphText(fragment, 0), index: 11 });
    // Quotes are found with whitespace and block breaks treated alike.
    expect(index.find("world  Second")).toEqual([{ from: 6, to: 19 }]);
    // A point in the empty block is its own, not the start of the next one.
    expect(index.pointAt(12)).toEqual({ type: paragraphText(fragment, 1), index: 0 });
    expect(index.pointAt(13)).toEqual({ type: second, index: 0 });
  });
});

describe("comments core", () => {
  it("keeps a thread on its text through concurrent edits from another client", () => {
    const contentNet = new Network();
    const commentsNet = new Network();
    const a = client(ada, contentNet, commentsNet);
    writeParagraphs(a.fragment, ["The quick brown fox", "jumps over the lazy dog"]);
    const b = client(bo, contentNet, commentsNet);
    const threadId = a.store.createThread({ range: { from: 10, to: 15 }, body: "Which brown?" });
    expect(threadText(b.store, threadId)).toBe("brown");

    contentNet.held = true;
    // Bo types at the start, inside the quote and right after it; Ada types before it, all at once.
    paragraphText(b.fragment, 0).insert(0, "Look: ");
    paragraphText(b.fragment, 0).insert(18, "-ish");
    paragraphText(a.fragment, 0).insert(15, " and red");
    paragraphText(a.fragment, 0).insert(4, "very ");
    contentNet.flush();

    expect(a.content.getXmlFragment("default").toJSON()).toBe(b.fragment.toJSON());
    for (const { store } of [a, b]) {
      const thread = store.getSnapshot().byId.get(threadId);
      expect(thread?.anchor.state).toBe("attached");
      expect(threadText(store, threadId)).toBe("br-ishown");
    }
    expect(a.store.getSnapshot().byId.get(threadId)?.anchor.range).toEqual(
      b.store.getSnapshot().byId.get(threadId)?.anchor.range,
    );
  });

  it("collapses a thread whose text is deleted, keeps it with its quote, and brings it back on undo", async () => {
    const contentNet = new Network();
    const commentsNet = new Network();
    const a = client(ada, contentNet, commentsNet);
    writeParagraphs(a.fragment, ["Ship it in May, not June.", "Then measure."]);
    const b = client(bo, contentNet, commentsNet);
    const threadId = a.store.createThread({ range: { from: 11, to: 14 }, body: "May is tight." });
    expect(threadText(a.store, threadId)).toBe("May");

    const undo = new Y.UndoManager(b.fragment, { trackedOrigins: new Set(["bo-typing"]) });
    b.content.transact(() => paragraphText(b.fragment, 0).delete(8, 12), "bo-typing");
    expect(b.fragment.toJSON()).toContain("Ship it June.");
    for (const { store } of [a, b]) {
      const thread = store.getSnapshot().byId.get(threadId);
      expect(thread?.anchor.state).toBe("collapsed");
      expect(thread?.anchor.range).toEqual({ from: 8, to: 8 });
      expect(thread?.quote).toBe("May");
      expect(thread?.comments[0]?.body).toBe("May is tight.");
    }

    undo.undo();
    for (const { store } of [a, b]) {
      expect(store.getSnapshot().byId.get(threadId)?.anchor.state).toBe("attached");
      expect(threadText(store, threadId)).toBe("May");
    }

    // Found again by its quote, the anchor is written back, so it follows later edits like before.
    const healed = nextChange(a.store);
    await healed;
    expect(a.store.getSnapshot().byId.get(threadId)?.anchor.reanchored).toBe(false);
    paragraphText(b.fragment, 0).insert(12, "-");
    expect(threadText(a.store, threadId)).toBe("M-ay");
    expect(threadText(b.store, threadId)).toBe("M-ay");
  });

  it("brings back a thread when only part of its text was deleted and then restored", () => {
    const contentNet = new Network();
    const a = client(ada, contentNet, new Network());
    writeParagraphs(a.fragment, ["alpha beta gamma delta"]);
    const threadId = a.store.createThread({ range: { from: 6, to: 16 }, body: "Two words?" });
    const undo = new Y.UndoManager(a.fragment);
    paragraphText(a.fragment, 0).delete(6, 5);
    expect(threadText(a.store, threadId)).toBe("gamma");
    undo.undo();
    expect(threadText(a.store, threadId)).toBe("beta gamma");
  });

  it("re-anchors a thread by its quote and context when its positions do not resolve, else keeps it lost", () => {
    const contentNet = new Network();
    const commentsNet = new Network();
    const a = client(ada, contentNet, commentsNet);
    writeParagraphs(a.fragment, ["Goals: ship the editor.", "Non-goals: ship the editor twice."]);
    const threadId = a.store.createThread({ range: { from: 35, to: 50 }, body: "Why twice?" });
    expect(threadText(a.store, threadId)).toBe("ship the editor");

    // The same text in a document with no shared history (restored from an export, say).
    const elsewhere = client(bo, new Network(), commentsNet);
    writeParagraphs(elsewhere.fragment, ["Intro.", "Goals: ship the editor.", "Non-goals: ship the editor twice."]);
    const thread = elsewhere.store.getSnapshot().byId.get(threadId);
    expect(thread?.anchor).toMatchObject({ state: "attached", reanchored: true });
    // Both occurrences match the quote; the context ("Non-goals: ", " twice") picks the second.
    expect(thread?.anchor.range).toEqual({ from: 42, to: 57 });

    const unrelated = client(bo, new Network(), commentsNet);
    writeParagraphs(unrelated.fragment, ["Nothing to see."]);
    expect(unrelated.store.getSnapshot().byId.get(threadId)?.anchor.state).toBe("lost");
  });

  it("lets only a comment's author edit or delete it, in the API and at the server", () => {
    const contentNet = new Network();
    const commentsNet = new Network();
    const a = client(ada, contentNet, commentsNet);
    writeParagraphs(a.fragment, ["Budget: 10k."]);
    const b = client(bo, contentNet, commentsNet);
    const threadId = a.store.createThread({ range: { from: 8, to: 11 }, body: "Too low?" });
    const adaComment = a.store.getSnapshot().byId.get(threadId)?.comments[0]?.id as string;

    expect(() => b.store.editComment(threadId, adaComment, "Too high.")).toThrow(
      expect.objectContaining({ code: "not-author" }),
    );
    expect(() => b.store.deleteComment(threadId, adaComment)).toThrow(expect.objectContaining({ code: "not-author" }));

    // What Bo's client sends for its own reply passes the server's check; a forged edit does not.
    const server = new Y.Doc();
    Y.applyUpdate(server, Y.encodeStateAsUpdate(a.comments));
    const sent: Uint8Array[] = [];
    b.comments.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === b.store) sent.push(update);
    });
    b.store.reply(threadId, "Fine by me, @Ada Lovelace.");
    expect(checkCommentsUpdate(server, sent[0] as Uint8Array, bo)).toEqual({ ok: true });
    Y.applyUpdate(server, sent[0] as Uint8Array);

    const forged = new Y.Doc();
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(server));
    const forgedUpdates: Uint8Array[] = [];
    forged.on("update", (update: Uint8Array) => forgedUpdates.push(update));
    const thread = forged.getMap("threads").get(threadId) as Y.Map<unknown>;
    ((thread.get("comments") as Y.Array<Y.Map<unknown>>).get(0) as Y.Map<unknown>).set("body", "Way too low!");
    expect(checkCommentsUpdate(server, forgedUpdates[0] as Uint8Array, bo)).toMatchObject({ ok: false });

    a.store.editComment(threadId, adaComment, "Too low, I think.");
    a.store.deleteComment(threadId, adaComment);
    const comments = b.store.getSnapshot().byId.get(threadId)?.comments;
    expect(comments?.map((comment) => [comment.author.name, comment.deleted, comment.body])).toEqual([
      ["Ada Lovelace", true, ""],
      ["Bo", false, "Fine by me, @Ada Lovelace."],
    ]);
    expect(comments?.[1]?.mentions.map((person) => person.id)).toEqual(["ada"]);
  });

  it("sends only updates that the server's check accepts from their author", () => {
    const contentNet = new Network();
    const commentsNet = new Network();
    const a = client(ada, contentNet, commentsNet);
    writeParagraphs(a.fragment, ["Ship it on Friday."]);
    const b = client(bo, contentNet, commentsNet);
    // The server's copy: each update a store sends is checked as its sender, then applied.
    const server = new Y.Doc();
    const verdicts: ReturnType<typeof checkCommentsUpdate>[] = [];
    for (const [sender, user] of [
      [a, ada],
      [b, bo],
    ] as const) {
      sender.comments.on("update", (update: Uint8Array, origin: unknown) => {
        if (origin !== sender.store) return;
        verdicts.push(checkCommentsUpdate(server, update, user));
        Y.applyUpdate(server, update);
      });
    }

    const threadId = a.store.createThread({ range: { from: 8, to: 17 }, body: "Why Friday?" });
    const first = a.store.getSnapshot().byId.get(threadId)?.comments[0]?.id as string;
    b.store.recordPresence();
    const replyId = b.store.reply(threadId, "Because @Ada Lovelace said so.");
    b.store.toggleReaction(threadId, first, "👍");
    b.store.toggleReaction(threadId, first, "👍");
    b.store.resolveThread(threadId);
    a.store.reopenThread(threadId);
    a.store.editComment(threadId, first, "Why Friday, really?");
    b.store.deleteComment(threadId, replyId);

    expect(verdicts).toHaveLength(9);
    expect(verdicts.filter((verdict) => !verdict.ok)).toEqual([]);
  });

  it("resolves, reopens and reacts; a read-only user cannot write", () => {
    const contentNet = new Network();
    const commentsNet = new Network();
    const a = client(ada, contentNet, commentsNet);
    writeParagraphs(a.fragment, ["Launch on Friday."]);
    const viewer = client(bo, contentNet, commentsNet, () => false);
    const threadId = a.store.createThread({ range: { from: 10, to: 16 }, body: "Fridays are risky." });
    const commentId = a.store.getSnapshot().byId.get(threadId)?.comments[0]?.id as string;

    a.store.toggleReaction(threadId, commentId, "👍");
    a.store.resolveThread(threadId);
    let thread = viewer.store.getSnapshot().byId.get(threadId);
    expect(thread?.resolved).toBe(true);
    expect(thread?.resolvedBy?.name).toBe("Ada Lovelace");
    expect(thread?.comments[0]?.reactions).toEqual([{ emoji: "👍", users: [ada], mine: false }]);

    a.store.reopenThread(threadId);
    a.store.toggleReaction(threadId, commentId, "👍");
    thread = viewer.store.getSnapshot().byId.get(threadId);
    expect(thread?.resolved).toBe(false);
    expect(thread?.comments[0]?.reactions).toEqual([]);

    let error: unknown;
    try {
      viewer.store.reply(threadId, "Me too");
    } catch (caught) {
      error = caught;
    }
    expect(isTandemClientError(error, "read-only")).toBe(true);
    expect(() => a.store.createThread({ range: { from: 0, to: 0 }, body: "Empty" })).toThrow(/select some text/);
  });
});

describe("suggestions in the comments core", () => {
  it("a commenter suggests, revises and withdraws; only a decider accepts, which changes the content for everyone", () => {
    const contentNet = new Network();
    const commentsNet = new Network();
    const owner = client(ada, contentNet, commentsNet);
    writeParagraphs(owner.fragment, ["The quick brown fox"]);
    const commenter = client(
      bo,
      contentNet,
      commentsNet,
      () => true,
      () => false,
    );

    const id = commenter.store.suggest({
      range: { from: 4, to: 9 },
      proposal: { kind: "replace", text: "slow" },
      body: "Less hurried?",
    });
    commenter.store.reviseSuggestion(id, { proposal: { kind: "replace", text: "slower" } });
    const seen = owner.store.getSnapshot().byId.get(id);
    expect(seen?.suggestion).toMatchObject({ proposal: { kind: "replace", text: "slower" }, status: "pending" });
    expect(seen?.comments.map((comment) => comment.body)).toEqual(["Less hurried?"]);
    expect(seen?.createdBy.name).toBe("Bo");

    expect(() => commenter.store.acceptSuggestion(id)).toThrow(expect.objectContaining({ code: "read-only" }));
    expect(() => owner.store.withdrawSuggestion(id)).toThrow(expect.objectContaining({ code: "not-author" }));
    const other = commenter.store.suggest({ range: { from: 15, to: 15 }, proposal: { kind: "insert", text: "red " } });
    commenter.store.withdrawSuggestion(other);

    owner.store.acceptSuggestion(id);
    expect(commenter.store.textIndex().text).toBe("The slower brown fox");
    expect(commenter.store.getSnapshot().byId.get(id)?.suggestion).toMatchObject({
      status: "accepted",
      decidedBy: { id: "ada" },
    });
    expect(commenter.store.getSnapshot().byId.get(other)?.suggestion?.status).toBe("withdrawn");
    expect(() => owner.store.acceptSuggestion(id)).toThrow(expect.objectContaining({ code: "conflict" }));
  });

  it("accepts or rejects all of one person's pending suggestions, and leaves others' alone", () => {
    const contentNet = new Network();
    const commentsNet = new Network();
    const owner = client(ada, contentNet, commentsNet);
    writeParagraphs(owner.fragment, ["one two three four"]);
    const bob = client(
      bo,
      contentNet,
      commentsNet,
      () => true,
      () => false,
    );
    bob.store.suggest({ range: { from: 0, to: 4 }, proposal: { kind: "delete" } });
    bob.store.suggest({ range: { from: 14, to: 18 }, proposal: { kind: "replace", text: "FOUR" } });
    const mine = owner.store.suggest({ range: { from: 8, to: 13 }, proposal: { kind: "delete" } });

    expect(owner.store.decideAllBy("bo", "accept")).toBe(2);
    expect(owner.store.textIndex().text).toBe("two three FOUR");
    expect(owner.store.getSnapshot().byId.get(mine)?.suggestion?.status).toBe("pending");
    expect(owner.store.decideAllBy("ada", "reject")).toBe(1);
    expect(owner.store.textIndex().text).toBe("two three FOUR");
  });
});
