import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { ThreadFields, threadsOf } from "./model.js";
import {
  acceptSuggestion,
  type NewSuggestion,
  type Proposal,
  parseProposal,
  proposeSuggestion,
  readSuggestion,
  rejectSuggestion,
  reviseSuggestion,
  withdrawSuggestion,
} from "./suggestions.js";
import { TextIndex } from "./text-index.js";

/** Rich text as y-prosemirror stores it: paragraphs holding one XmlText each. */
function contentWith(lines: string[]): Y.XmlFragment {
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment("default");
  fragment.insert(
    0,
    lines.map((line) => {
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [new Y.XmlText(line)]);
      return paragraph;
    }),
  );
  return fragment;
}

function text(fragment: Y.XmlFragment): string {
  return new TextIndex(fragment).text;
}

function paragraph(fragment: Y.XmlFragment, index: number): Y.XmlText {
  return (fragment.get(index) as Y.XmlElement).get(0) as Y.XmlText;
}

function rangeOf(fragment: Y.XmlFragment, quote: string) {
  const found = new TextIndex(fragment).find(quote)[0];
  if (!found) throw new Error(`no ${quote}`);
  return found;
}

let ids = 0;
function propose(comments: Y.Doc, content: Y.XmlFragment, proposal: Proposal, range: { from: number; to: number }) {
  const input: NewSuggestion = { id: `s${++ids}`, author: "cleo", createdAt: 1, range, proposal };
  const outcome = proposeSuggestion(comments, content, input);
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.threadId;
}

function statusOf(comments: Y.Doc, id: string) {
  return readSuggestion(threadsOf(comments).get(id) as Y.Map<unknown>);
}

const owner = { id: "olga", at: 5 };

describe("suggestions", () => {
  it("accepting makes exactly each kind of proposed change, and records who decided", () => {
    const content = contentWith(["The quick brown fox", "jumps over the dog"]);
    const comments = new Y.Doc();
    const insert = propose(comments, content, { kind: "insert", text: "lazy " }, { from: 35, to: 35 });
    const remove = propose(comments, content, { kind: "delete" }, { from: 4, to: 10 });
    const replace = propose(comments, content, { kind: "replace", text: "red" }, rangeOf(content, "brown"));
    const bold = propose(
      comments,
      content,
      { kind: "format", mark: "bold", attributes: null, add: true },
      rangeOf(content, "jumps"),
    );
    expect(text(content)).toBe("The quick brown fox\njumps over the dog");

    for (const id of [insert, remove, replace, bold])
      expect(acceptSuggestion(comments, content, id, owner).ok).toBe(true);
    expect(text(content)).toBe("The red fox\njumps over the lazy dog");
    expect(paragraph(content, 1).toDelta()[0]).toEqual({ insert: "jumps", attributes: { bold: {} } });
    expect(statusOf(comments, insert)).toMatchObject({ status: "accepted", decidedBy: "olga", decidedAt: 5 });
    const thread = threadsOf(comments).get(insert) as Y.Map<unknown>;
    expect(thread.get(ThreadFields.createdBy)).toBe("cleo");
    expect(thread.get(ThreadFields.resolved)).toBe(true);
  });

  it("removes a mark, and a deletion across blocks removes their text and keeps the blocks", () => {
    const content = contentWith(["alpha beta", "gamma delta"]);
    paragraph(content, 0).format(0, 5, { italic: {} });
    const comments = new Y.Doc();
    const unitalic = propose(
      comments,
      content,
      { kind: "format", mark: "italic", attributes: null, add: false },
      rangeOf(content, "alpha"),
    );
    const across = propose(comments, content, { kind: "delete" }, rangeOf(content, "beta gamma"));
    expect(acceptSuggestion(comments, content, unitalic, owner).ok).toBe(true);
    expect(acceptSuggestion(comments, content, across, owner).ok).toBe(true);
    expect(paragraph(content, 0).toDelta()).toEqual([{ insert: "alpha " }]);
    expect(text(content)).toBe("alpha \n delta");
  });

  it("rejecting and withdrawing leave the text as it is, and a decision is final", () => {
    const content = contentWith(["Keep this text"]);
    const comments = new Y.Doc();
    const rejected = propose(comments, content, { kind: "delete" }, rangeOf(content, "this "));
    const withdrawn = propose(comments, content, { kind: "insert", text: "!" }, { from: 14, to: 14 });
    expect(rejectSuggestion(comments, rejected, owner).ok).toBe(true);
    expect(withdrawSuggestion(comments, withdrawn, { id: "olga", at: 6 })).toMatchObject({ code: "not-author" });
    expect(withdrawSuggestion(comments, withdrawn, { id: "cleo", at: 6 }).ok).toBe(true);
    expect(text(content)).toBe("Keep this text");
    expect(statusOf(comments, rejected)?.status).toBe("rejected");
    expect(statusOf(comments, withdrawn)?.status).toBe("withdrawn");
    expect(acceptSuggestion(comments, content, rejected, owner)).toMatchObject({ code: "not-pending" });
    expect(text(content)).toBe("Keep this text");
  });

  it("revising keeps the kind; typing more into a pending insertion changes its text", () => {
    const content = contentWith(["Hello world"]);
    const comments = new Y.Doc();
    const id = propose(comments, content, { kind: "insert", text: "," }, { from: 5, to: 5 });
    expect(reviseSuggestion(comments, content, id, "cleo", { proposal: { kind: "insert", text: ", dear" } }).ok).toBe(
      true,
    );
    expect(reviseSuggestion(comments, content, id, "cleo", { proposal: { kind: "delete" } })).toMatchObject({
      code: "invalid",
    });
    expect(reviseSuggestion(comments, content, id, "olga", { proposal: { kind: "insert", text: "x" } })).toMatchObject({
      code: "not-author",
    });
    expect(acceptSuggestion(comments, content, id, owner).ok).toBe(true);
    expect(text(content)).toBe("Hello, dear world");
  });

  it("stays anchored through edits around it, and refuses to apply once its text changed or went away", () => {
    const content = contentWith(["one two three"]);
    const comments = new Y.Doc();
    const replace = propose(comments, content, { kind: "replace", text: "2" }, rangeOf(content, "two"));
    const insert = propose(comments, content, { kind: "insert", text: "!" }, { from: 13, to: 13 });
    const changed = propose(comments, content, { kind: "delete" }, rangeOf(content, "one"));
    paragraph(content, 0).insert(0, "zero ");
    paragraph(content, 0).insert(18, " four");
    paragraph(content, 0).insert(6, "n");
    expect(text(content)).toBe("zero onne two three four");
    expect(acceptSuggestion(comments, content, changed, owner)).toMatchObject({ code: "text-changed" });
    expect(acceptSuggestion(comments, content, replace, owner).ok).toBe(true);
    expect(acceptSuggestion(comments, content, insert, owner).ok).toBe(true);
    expect(text(content)).toBe("zero onne 2 three! four");

    const gone = propose(comments, content, { kind: "delete" }, rangeOf(content, "three"));
    paragraph(content, 0).delete(12, 6);
    expect(acceptSuggestion(comments, content, gone, owner)).toMatchObject({ code: "detached" });
  });

  it("an insertion detaches with the character it sticks to and comes back when that text does", () => {
    const content = contentWith(["abcdefghij klmnopqrst"]);
    const comments = new Y.Doc();
    const id = propose(comments, content, { kind: "insert", text: "X" }, { from: 10, to: 10 });
    const undo = new Y.UndoManager(content, { captureTimeout: 0 });
    paragraph(content, 0).delete(8, 2);
    expect(acceptSuggestion(comments, content, id, owner)).toMatchObject({ code: "detached" });
    undo.undo();
    expect(text(content)).toBe("abcdefghij klmnopqrst");
    expect(acceptSuggestion(comments, content, id, owner).ok).toBe(true);
    expect(text(content)).toBe("abcdefghijX klmnopqrst");
  });

  it("an insertion at the start of a block stays in that block", () => {
    const content = contentWith(["first", "second"]);
    const comments = new Y.Doc();
    const id = propose(comments, content, { kind: "insert", text: "the " }, { from: 6, to: 6 });
    expect(acceptSuggestion(comments, content, id, owner).ok).toBe(true);
    expect(text(content)).toBe("first\nthe second");
  });

  it("an insertion into an empty paragraph gives it its text, and an empty block keeps its own break", () => {
    const content = contentWith(["Summary", "Problem"]);
    content.insert(1, [new Y.XmlElement("paragraph")]);
    expect(text(content)).toBe("Summary\n\nProblem");
    const comments = new Y.Doc();
    const id = propose(comments, content, { kind: "insert", text: "Offline editing." }, { from: 8, to: 8 });
    // Someone types in the section before it is accepted: the insertion goes before their text.
    (content.get(1) as Y.XmlElement).insert(0, [new Y.XmlText("!")]);
    expect(acceptSuggestion(comments, content, id, owner).ok).toBe(true);
    expect(text(content)).toBe("Summary\nOffline editing.!\nProblem");
  });

  it("refuses malformed proposals and ranges without text", () => {
    const content = contentWith(["text"]);
    const comments = new Y.Doc();
    for (const bad of [
      { kind: "insert", text: "" },
      { kind: "replace" },
      { kind: "format", mark: "<script>", attributes: null, add: true },
      { kind: "format", mark: "bold", attributes: [1], add: true },
      { kind: "format", mark: "bold", attributes: null },
      { kind: "move" },
      null,
      "delete",
    ]) {
      expect(parseProposal(bad)).toBeUndefined();
    }
    expect(
      proposeSuggestion(comments, content, {
        id: "x",
        author: "cleo",
        createdAt: 1,
        range: { from: 2, to: 2 },
        proposal: { kind: "delete" },
      }),
    ).toMatchObject({ ok: false, code: "no-text" });
    expect(threadsOf(comments).size).toBe(0);
  });
});
