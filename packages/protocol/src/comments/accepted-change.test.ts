import { beforeEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { DocumentFields } from "../documents.js";
import { matchAcceptedChange, readAcceptedChange } from "./accepted-change.js";
import { threadsOf } from "./model.js";
import { acceptSuggestion, type Proposal, proposeSuggestion } from "./suggestions.js";
import { TextIndex } from "./text-index.js";

// The server's two documents, and a client's replicas of them.
let content: Y.Doc;
let comments: Y.Doc;

function replica(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}

const body = (doc: Y.Doc) => doc.getXmlFragment(DocumentFields.content);
const thread = (doc: Y.Doc, id = "s1") => threadsOf(doc).get(id) as Y.Map<unknown>;

function propose(proposal: Proposal, phrase: string, id = "s1"): void {
  const found = new TextIndex(body(content)).find(phrase)[0];
  if (!found) throw new Error(`no ${phrase}`);
  const range = proposal.kind === "insert" ? { from: found.to, to: found.to } : found;
  const outcome = proposeSuggestion(comments, body(content), { id, author: "cleo", createdAt: 1, range, proposal });
  expect(outcome.ok).toBe(true);
}

// What an acceptor's client records: accepts on replicas and returns the change from its decision.
function acceptedChange(id = "s1"): Uint8Array {
  const clientComments = replica(comments);
  const clientContent = replica(content);
  expect(acceptSuggestion(clientComments, body(clientContent), id, { id: "olga", at: 2 }).ok).toBe(true);
  const change = readAcceptedChange(thread(clientComments, id));
  if (!change) throw new Error("the decision recorded no change");
  return change;
}

// An edit a modified client could record instead, made on a replica of the content.
function forged(edit: (doc: Y.Doc) => void): Uint8Array {
  const doc = replica(content);
  let update: Uint8Array | undefined;
  doc.on("update", (change: Uint8Array) => {
    update = change;
  });
  doc.transact(() => edit(doc));
  if (!update) throw new Error("the edit changed nothing");
  return update;
}

const textOf = (doc: Y.Doc) => (body(doc).get(0) as Y.XmlElement).get(0) as Y.XmlText;

describe("matchAcceptedChange", () => {
  beforeEach(() => {
    content = new Y.Doc();
    comments = new Y.Doc();
    content.getText(DocumentFields.title).insert(0, "Plan");
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText("hello brave world")]);
    body(content).insert(0, [paragraph]);
  });

  it.each<[string, Proposal, string]>([
    ["an insertion", { kind: "insert", text: " new" }, "brave"],
    ["a deletion", { kind: "delete" }, "brave "],
    ["a replacement", { kind: "replace", text: "bold" }, "brave"],
    ["a format change", { kind: "format", mark: "bold", attributes: null, add: true }, "brave"],
  ])("matches %s exactly as proposed", (_, proposal, phrase) => {
    propose(proposal, phrase);
    const change = acceptedChange();
    expect(matchAcceptedChange(body(content), thread(comments), change)).toBe("matched");
  });

  it("does not match other text, another place, more than the proposal, or another root", () => {
    propose({ kind: "replace", text: "bold" }, "brave");
    const at = (doc: Y.Doc) => textOf(doc);
    const cases = [
      forged((doc) => at(doc).insert(6, "bolder ")),
      forged((doc) => {
        at(doc).delete(0, 5);
        at(doc).insert(0, "bold");
      }),
      forged((doc) => {
        at(doc).delete(6, 5);
        at(doc).insert(6, "bold");
        at(doc).insert(0, "Oh, ");
      }),
      forged((doc) => {
        at(doc).delete(6, 5);
        at(doc).insert(6, "bold");
        doc.getText(DocumentFields.title).insert(0, "Secret ");
      }),
      forged((doc) => {
        at(doc).delete(6, 5);
        at(doc).insert(6, "bold");
        doc.getMap("elsewhere").set("x", 1);
      }),
    ];
    for (const change of cases) expect(matchAcceptedChange(body(content), thread(comments), change)).toBe("mismatch");
  });

  it("does not match once the quoted text changed", () => {
    propose({ kind: "replace", text: "bold" }, "brave");
    const change = acceptedChange();
    textOf(content).insert(8, "e");
    expect(matchAcceptedChange(body(content), thread(comments), change)).toBe("mismatch");
  });

  it("says when the change is in already, builds on what the content lacks, or is no update", () => {
    propose({ kind: "replace", text: "bold" }, "brave");
    const change = acceptedChange();
    const client = replica(content);
    textOf(client).insert(0, "x");
    let dependent: Uint8Array = new Uint8Array();
    client.on("update", (update: Uint8Array) => {
      dependent = update;
    });
    textOf(client).insert(1, "y");
    expect(matchAcceptedChange(body(content), thread(comments), dependent)).toBe("waiting");
    expect(matchAcceptedChange(body(content), thread(comments), new Uint8Array([255, 255, 255, 255]))).toBe(
      "malformed",
    );
    Y.applyUpdate(content, change);
    expect(matchAcceptedChange(body(content), thread(comments), change)).toBe("integrated");
  });
});
