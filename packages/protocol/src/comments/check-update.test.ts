import { beforeEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { type CommentsWriter, checkCommentsUpdate } from "./check-update.js";
import {
  CommentFields,
  CommentLimits,
  commentsOf,
  createCommentMap,
  createThreadMap,
  peopleOf,
  readThread,
  recordPerson,
  ThreadFields,
  threadsOf,
} from "./model.js";
import {
  acceptSuggestion,
  type Proposal,
  proposeSuggestion,
  readSuggestion,
  rejectSuggestion,
  reviseSuggestion,
  withdrawSuggestion,
} from "./suggestions.js";

const alice: CommentsWriter = { id: "alice", name: "Alice" };
const bob: CommentsWriter = { id: "bob", name: "Bob" };

// An anchor into some content document; the check only needs it to decode.
const content = new Y.Doc();
content.getText("t").insert(0, "hello world");
const anchor = {
  start: Y.createRelativePositionFromTypeIndex(content.getText("t"), 0),
  end: Y.createRelativePositionFromTypeIndex(content.getText("t"), 5, -1),
};

/**
 * A server document. `edit` makes a replica of it (a client in sync),
 * captures the update the client's transaction produces (what its provider
 * would send), asks the check, and applies the update only when accepted.
 */
class World {
  readonly server = new Y.Doc();

  replica(): Y.Doc {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(this.server));
    return doc;
  }

  edit(writer: CommentsWriter, change: (doc: Y.Doc) => void): ReturnType<typeof checkCommentsUpdate> {
    const doc = this.replica();
    const updates: Uint8Array[] = [];
    doc.on("update", (update: Uint8Array) => updates.push(update));
    doc.transact(() => change(doc));
    expect(updates).toHaveLength(1);
    return this.deliver(writer, updates[0] as Uint8Array);
  }

  deliver(writer: CommentsWriter, update: Uint8Array): ReturnType<typeof checkCommentsUpdate> {
    const verdict = checkCommentsUpdate(this.server, update, writer);
    if (verdict.ok) Y.applyUpdate(this.server, update);
    return verdict;
  }
}

function thread(doc: Y.Doc, id = "t1"): Y.Map<unknown> {
  return threadsOf(doc).get(id) as Y.Map<unknown>;
}

function comment(doc: Y.Doc, index = 0, threadId = "t1"): Y.Map<unknown> {
  return commentsOf(thread(doc, threadId))?.get(index) as Y.Map<unknown>;
}

function startThread(world: World, writer: CommentsWriter, id = "t1", author = writer.id) {
  return world.edit(writer, (doc) => {
    const map = createThreadMap({
      id,
      createdBy: author,
      createdAt: 1,
      anchor,
      quote: "hello",
      contextBefore: "",
      contextAfter: " world",
    });
    threadsOf(doc).set(id, map);
    commentsOf(map)?.push([
      createCommentMap({ id: `${id}-c1`, author, createdAt: 1, body: "What about this?", mentions: [] }),
    ]);
  });
}

function reply(world: World, writer: CommentsWriter, author = writer.id, id = "c2") {
  return world.edit(writer, (doc) => {
    commentsOf(thread(doc))?.push([createCommentMap({ id, author, createdAt: 2, body: "Agreed.", mentions: [] })]);
  });
}

function refused(verdict: ReturnType<typeof checkCommentsUpdate>, reason: RegExp): void {
  expect(verdict.ok).toBe(false);
  if (!verdict.ok) expect(verdict.reason).toMatch(reason);
}

describe("checkCommentsUpdate", () => {
  let world: World;
  beforeEach(() => {
    world = new World();
  });

  describe("allows what comment rights allow", () => {
    it("creating a thread, replying, reacting, resolving and reopening", () => {
      expect(startThread(world, alice)).toEqual({ ok: true });
      expect(reply(world, bob)).toEqual({ ok: true });
      expect(
        world.edit(bob, (doc) => {
          (comment(doc).get(CommentFields.reactions) as Y.Map<string[]>).set("bob", ["👍", "🎉"]);
        }),
      ).toEqual({ ok: true });
      expect(
        world.edit(bob, (doc) => {
          thread(doc).set(ThreadFields.resolved, true);
          thread(doc).set(ThreadFields.resolvedBy, "bob");
          thread(doc).set(ThreadFields.resolvedAt, 3);
        }),
      ).toEqual({ ok: true });
      expect(
        world.edit(alice, (doc) => {
          thread(doc).set(ThreadFields.resolved, false);
          thread(doc).set(ThreadFields.resolvedBy, null);
        }),
      ).toEqual({ ok: true });
      const data = readThread(thread(world.server));
      expect(data?.comments.map((c) => c.author)).toEqual(["alice", "bob"]);
      expect(data?.comments[0]?.reactions.get("🎉")).toEqual(["bob"]);
      expect(data?.resolved).toBe(false);
    });

    it("an author editing and deleting their own comment", () => {
      startThread(world, alice);
      expect(
        world.edit(alice, (doc) => {
          comment(doc).set(CommentFields.body, "What about this one?");
          comment(doc).set(CommentFields.editedAt, 5);
        }),
      ).toEqual({ ok: true });
      expect(
        world.edit(alice, (doc) => {
          comment(doc).set(CommentFields.deleted, true);
          comment(doc).set(CommentFields.body, "");
        }),
      ).toEqual({ ok: true });
      expect(readThread(thread(world.server))?.comments[0]).toMatchObject({ deleted: true, body: "", editedAt: 5 });
    });

    it("re-anchoring someone else's thread, and recording oneself in people", () => {
      startThread(world, alice);
      expect(
        world.edit(bob, (doc) => {
          thread(doc).set(ThreadFields.anchor, thread(doc).get(ThreadFields.anchor) as Uint8Array);
        }),
      ).toEqual({ ok: true });
      expect(
        world.edit(bob, (doc) => {
          peopleOf(doc).set("bob", { name: "Bob", color: "#0090ff" });
        }),
      ).toEqual({ ok: true });
    });

    it("an update that was already applied, and a client's offline work merged into one update", () => {
      startThread(world, alice);
      const offline = new Y.Doc();
      Y.applyUpdate(offline, Y.encodeStateAsUpdate(world.server));
      const before = Y.encodeStateVector(offline);
      for (let index = 0; index < 200; index++) {
        commentsOf(thread(offline))?.push([
          createCommentMap({ id: `b${index}`, author: "bob", createdAt: index, body: `note ${index}`, mentions: [] }),
        ]);
      }
      offline.transact(() => comment(offline, 1).set(CommentFields.body, "first note, edited"));
      const merged = Y.encodeStateAsUpdate(offline, before);
      expect(world.deliver(bob, merged)).toEqual({ ok: true });
      expect(world.deliver(bob, merged)).toEqual({ ok: true });
      expect(readThread(thread(world.server))?.comments).toHaveLength(201);
    });
  });

  describe("refuses", () => {
    beforeEach(() => {
      startThread(world, alice);
    });

    it("someone else editing a comment's body", () => {
      refused(
        world.edit(bob, (doc) => comment(doc).set(CommentFields.body, "Alice agrees with Bob.")),
        /only a comment's author/,
      );
      expect(readThread(thread(world.server))?.comments[0]?.body).toBe("What about this?");
    });

    it("someone else deleting a comment, softly or by removing it", () => {
      refused(
        world.edit(bob, (doc) => comment(doc).set(CommentFields.deleted, true)),
        /only a comment's author/,
      );
      refused(
        world.edit(bob, (doc) => commentsOf(thread(doc))?.delete(0, 1)),
        /never removed/,
      );
      refused(
        world.edit(bob, (doc) => comment(doc).delete(CommentFields.body)),
        /only a comment's author/,
      );
    });

    it("even the author removing a comment, or changing its set-once fields", () => {
      refused(
        world.edit(alice, (doc) => commentsOf(thread(doc))?.delete(0, 1)),
        /never removed/,
      );
      refused(
        world.edit(alice, (doc) => comment(doc).set(CommentFields.author, "bob")),
        /never changes/,
      );
      refused(
        world.edit(alice, (doc) => thread(doc).set(ThreadFields.quote, "something else")),
        /never changes/,
      );
    });

    it("a forged author on a new comment or thread", () => {
      refused(reply(world, bob, "alice"), /author is its writer/);
      refused(startThread(world, bob, "t2", "alice"), /created by its writer/);
    });

    it("forged resolvers, and removing or replacing threads", () => {
      refused(
        world.edit(bob, (doc) => thread(doc).set(ThreadFields.resolvedBy, "alice")),
        /resolved by its writer/,
      );
      refused(
        world.edit(bob, (doc) => threadsOf(doc).delete("t1")),
        /never removed/,
      );
      refused(startThread(world, bob, "t1"), /already exists/);
    });

    it("changing someone else's reactions or people entry", () => {
      world.edit(alice, (doc) => {
        (comment(doc).get(CommentFields.reactions) as Y.Map<string[]>).set("alice", ["👍"]);
        peopleOf(doc).set("alice", { name: "Alice", color: "#e5484d" });
      });
      refused(
        world.edit(bob, (doc) => (comment(doc).get(CommentFields.reactions) as Y.Map<string[]>).delete("alice")),
        /own reactions/,
      );
      refused(
        world.edit(bob, (doc) => (comment(doc).get(CommentFields.reactions) as Y.Map<string[]>).set("alice", ["👎"])),
        /own reactions/,
      );
      refused(
        world.edit(bob, (doc) => peopleOf(doc).set("alice", { name: "Bob", color: "#e5484d" })),
        /themselves in people/,
      );
      refused(
        world.edit(bob, (doc) => peopleOf(doc).set("bob", { name: "Alice", color: "#e5484d" })),
        /own name/,
      );
    });

    it("a person recording themselves as a program", () => {
      const reviewer: CommentsWriter = { id: "reviewer", name: "Reviewer", program: true };
      expect(
        world.edit(reviewer, (doc) =>
          recordPerson(doc, { id: "reviewer", name: "Reviewer", color: "#8e4ec6", program: true }),
        ).ok,
      ).toBe(true);
      expect(peopleOf(world.server).get("reviewer")).toEqual({ name: "Reviewer", color: "#8e4ec6", program: true });
      refused(
        world.edit(bob, (doc) => peopleOf(doc).set("bob", { name: "Bob", color: "#0090ff", program: true })),
        /only a program/,
      );
      refused(
        world.edit(reviewer, (doc) =>
          peopleOf(doc).set("reviewer", { name: "Reviewer", color: "#8e4ec6", program: "yes" } as never),
        ),
        /only a program/,
      );
    });

    it("writes outside the layout and values of the wrong kind", () => {
      refused(
        world.edit(bob, (doc) => doc.getMap("admin").set("owner", "bob")),
        /outside the comments layout/,
      );
      refused(
        world.edit(bob, (doc) => thread(doc).set("pinned", true)),
        /never changes/,
      );
      refused(
        world.edit(alice, (doc) => comment(doc).set(CommentFields.body, "x".repeat(10_001))),
        /bad body/,
      );
      refused(
        world.edit(bob, (doc) => thread(doc).set(ThreadFields.anchor, new Uint8Array([1, 2, 3]))),
        /bad anchor/,
      );
      refused(
        world.edit(bob, (doc) => {
          const map = createThreadMap({
            id: "t3",
            createdBy: "bob",
            createdAt: 1,
            anchor,
            quote: "",
            contextBefore: "",
            contextAfter: "",
          });
          map.delete(ThreadFields.comments);
          threadsOf(doc).set("t3", map);
        }),
        /needs comments/,
      );
    });

    it("malformed bytes, and updates that depend on changes the server does not have", () => {
      refused(checkCommentsUpdate(world.server, new Uint8Array([0, 7, 255, 1]), bob), /./);
      const doc = world.replica();
      const updates: Uint8Array[] = [];
      doc.on("update", (update: Uint8Array) => updates.push(update));
      doc.transact(() => comment(doc).set(CommentFields.deleted, false));
      doc.transact(() =>
        commentsOf(thread(doc))?.push([
          createCommentMap({ id: "x", author: "bob", createdAt: 1, body: "", mentions: [] }),
        ]),
      );
      refused(checkCommentsUpdate(world.server, updates[1] as Uint8Array, bob), /does not have/);
    });

    it("deleting ids the server has not seen yet (they would wait and hit later content)", () => {
      const aliceClient = (thread(world.server)._item as Y.Item).id.client;
      const hostile = deleteOnly(aliceClient, Y.getState(world.server.store, aliceClient) + 10, 5);
      refused(checkCommentsUpdate(world.server, hostile, bob), /deletes content the server does not have/);
    });
  });
});

describe("checkCommentsUpdate on suggestions", () => {
  const cleo: CommentsWriter = { id: "cleo", name: "Cleo" };
  const olga: CommentsWriter = { id: "olga", name: "Olga", canDecide: true };
  let text: Y.XmlFragment;
  let world: World;

  const propose = (writer: CommentsWriter, author = writer.id, id = "s1", proposal: Proposal = { kind: "delete" }) =>
    world.edit(writer, (doc) => {
      const range = proposal.kind === "insert" ? { from: 5, to: 5 } : { from: 6, to: 12 };
      const outcome = proposeSuggestion(doc, text, { id, author, createdAt: 1, range, proposal });
      expect(outcome.ok).toBe(true);
    });
  const suggestion = (doc: Y.Doc, id = "s1") => thread(doc, id);
  // A new suggestion of Cleo's with one more field set in the same update, as a modified client could.
  const proposeWith = (id: string, field: string, value: unknown) =>
    world.edit(cleo, (doc) => {
      const range = { from: 0, to: 5 };
      proposeSuggestion(doc, text, { id, author: "cleo", createdAt: 1, range, proposal: { kind: "delete" } });
      suggestion(doc, id).set(field, value);
    });
  // Writes a decision's fields directly, as a modified client could.
  const forceDecision = (map: Y.Map<unknown>, status: string, by: string, at: number) => {
    map.set(ThreadFields.status, status);
    map.set(ThreadFields.decidedBy, by);
    map.set(ThreadFields.decidedAt, at);
  };

  beforeEach(() => {
    world = new World();
    text = new Y.Doc().getXmlFragment("default");
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText("hello brave world")]);
    text.insert(0, [paragraph]);
  });

  it("lets a commenter propose and withdraw their own, discuss anyone's, and an editor accept or reject", () => {
    expect(propose(cleo)).toEqual({ ok: true });
    expect(propose(cleo, "cleo", "s2", { kind: "insert", text: "," })).toEqual({ ok: true });
    expect(propose(cleo, "cleo", "s3", { kind: "format", mark: "bold", attributes: null, add: true })).toEqual({
      ok: true,
    });
    expect(
      world.edit(cleo, (doc) => {
        const outcome = reviseSuggestion(doc, text, "s2", "cleo", { proposal: { kind: "insert", text: ", oh" } });
        expect(outcome.ok).toBe(true);
      }),
    ).toEqual({ ok: true });
    expect(
      world.edit(olga, (doc) => {
        const comment = createCommentMap({ id: "c1", author: "olga", createdAt: 2, body: "Why?", mentions: [] });
        commentsOf(suggestion(doc, "s2"))?.push([comment]);
      }),
    ).toEqual({ ok: true });
    expect(world.edit(cleo, (doc) => withdrawSuggestion(doc, "s3", { id: "cleo", at: 2 }))).toEqual({ ok: true });
    expect(world.edit(olga, (doc) => rejectSuggestion(doc, "s2", { id: "olga", at: 3 }))).toEqual({ ok: true });
    expect(world.edit(olga, (doc) => acceptSuggestion(doc, text, "s1", { id: "olga", at: 4 }))).toMatchObject({
      ok: true,
      accepted: [{ threadId: "s1", suggester: "cleo", change: expect.any(Uint8Array) }],
    });
    expect(text.toString()).toBe("<paragraph>hello world</paragraph>");
    expect(readSuggestion(suggestion(world.server, "s2"))).toMatchObject({ status: "rejected", decidedBy: "olga" });
    expect(readSuggestion(suggestion(world.server, "s3"))).toMatchObject({ status: "withdrawn", decidedBy: "cleo" });
  });

  it("lets an acceptance alone record a change, as bytes within the limit", () => {
    propose(cleo);
    propose(cleo, "cleo", "s2", { kind: "insert", text: "," });
    const change = new Uint8Array([1, 2, 3]);
    refused(
      world.edit(olga, (doc) => {
        rejectSuggestion(doc, "s1", { id: "olga", at: 2 });
        suggestion(doc).set(ThreadFields.change, change);
      }),
      /only an acceptance records a change/,
    );
    refused(
      world.edit(olga, (doc) => {
        forceDecision(suggestion(doc), "accepted", "olga", 2);
        suggestion(doc).set(ThreadFields.change, "not bytes");
      }),
      /bad change/,
    );
    refused(
      world.edit(olga, (doc) => {
        forceDecision(suggestion(doc), "accepted", "olga", 2);
        suggestion(doc).set(ThreadFields.change, new Uint8Array(CommentLimits.changeBytes + 1));
      }),
      /bad change/,
    );
    refused(proposeWith("s3", ThreadFields.change, change), /a new suggestion is pending/);
    expect(
      world.edit(olga, (doc) => {
        forceDecision(suggestion(doc, "s2"), "accepted", "olga", 2);
        suggestion(doc, "s2").set(ThreadFields.change, change);
      }),
    ).toMatchObject({ ok: true, accepted: [{ threadId: "s2", suggester: "cleo", change }] });
  });

  it("refuses a commenter accepting or rejecting, even their own", () => {
    propose(cleo);
    refused(
      world.edit(cleo, (doc) => rejectSuggestion(doc, "s1", { id: "cleo", at: 2 })),
      /only an editor or owner/,
    );
    refused(
      world.edit(cleo, (doc) => forceDecision(suggestion(doc), "accepted", "cleo", 2)),
      /only an editor or owner/,
    );
    expect(readSuggestion(suggestion(world.server))?.status).toBe("pending");
  });

  it("refuses forged authors and deciders, and someone else revising or withdrawing", () => {
    refused(propose(cleo, "olga"), /created by its writer/);
    propose(cleo);
    refused(
      world.edit(olga, (doc) => withdrawSuggestion(doc, "s1", { id: "cleo", at: 2 })),
      /decided by its writer|author may withdraw/,
    );
    refused(
      world.edit(olga, (doc) => forceDecision(suggestion(doc), "rejected", "cleo", 2)),
      /decided by its writer/,
    );
    refused(
      world.edit(olga, (doc) => suggestion(doc).set(ThreadFields.suggestion, { kind: "replace", text: "x" })),
      /author may revise/,
    );
    refused(
      world.edit(olga, (doc) => suggestion(doc).set(ThreadFields.status, "rejected")),
      /names its writer and time/,
    );
  });

  it("refuses changing a decided suggestion, a new one that is not pending, and status on a plain thread", () => {
    propose(cleo);
    world.edit(olga, (doc) => rejectSuggestion(doc, "s1", { id: "olga", at: 2 }));
    refused(
      world.edit(olga, (doc) => forceDecision(suggestion(doc), "accepted", "olga", 3)),
      /already rejected/,
    );
    refused(
      world.edit(cleo, (doc) => suggestion(doc).set(ThreadFields.suggestion, { kind: "delete" })),
      /already rejected/,
    );
    refused(proposeWith("s2", ThreadFields.status, "accepted"), /a new suggestion is pending/);
    startThread(world, cleo, "t1");
    refused(
      world.edit(olga, (doc) => forceDecision(thread(doc), "accepted", "olga", 3)),
      /never changes/,
    );
  });

  it("refuses malformed proposals, a changed kind, and quotes that do not fit the kind", () => {
    propose(cleo);
    refused(
      world.edit(cleo, (doc) => suggestion(doc).set(ThreadFields.suggestion, { kind: "insert", text: "x" })),
      /keeps its kind/,
    );
    refused(
      world.edit(cleo, (doc) => suggestion(doc).set(ThreadFields.suggestion, { kind: "format", mark: "a b" })),
      /bad suggestion/,
    );
    refused(
      world.edit(cleo, (doc) => suggestion(doc).set(ThreadFields.quote, "")),
      /an insertion quotes none/,
    );
    expect(world.edit(cleo, (doc) => suggestion(doc).set(ThreadFields.quote, "brave "))).toEqual({ ok: true });
  });
});

/** An update with no structs and one deleted range, encoded by hand as Yjs v1 does. */
function deleteOnly(client: number, clock: number, length: number): Uint8Array {
  const bytes: number[] = [];
  const writeVarUint = (value: number) => {
    let rest = value;
    while (rest > 0x7f) {
      bytes.push((rest & 0x7f) | 0x80);
      rest = Math.floor(rest / 128);
    }
    bytes.push(rest);
  };
  writeVarUint(0); // no struct groups
  writeVarUint(1); // one client in the delete set
  writeVarUint(client);
  writeVarUint(1); // one range
  writeVarUint(clock);
  writeVarUint(length);
  return new Uint8Array(bytes);
}
