import {
  acceptSuggestion,
  CloseCodes,
  type ContentNode,
  type ContentText,
  type DocumentAuthorship,
  DocumentFields,
  locateSuggestion,
  type Proposal,
  proposeSuggestion,
  readSuggestion,
  rejectSuggestion,
  TextIndex,
  ThreadFields,
  threadsOf,
  withdrawSuggestion,
} from "@tandem/protocol";
import { signToken } from "@tandem/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import * as harness from "../support/server-harness.js";
import { type Client, connect, type RunningServer, startServer, storedDoc, synced } from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

const secret = "a-test-secret-that-is-long-enough-for-hs256";
const forbidden = CloseCodes.Forbidden.code;

type Person = "cleo" | "olga" | "eddie";
const roles = { cleo: "commenter", olga: "owner", eddie: "editor" } as const;

function fragment(doc: Y.Doc): Y.XmlFragment {
  return doc.getXmlFragment(DocumentFields.content);
}

function textOf(doc: Y.Doc): string {
  return new TextIndex(fragment(doc)).text;
}

/** The XmlText of paragraph `index`, as the editor's binding stores it. */
function paragraph(doc: Y.Doc, index: number): Y.XmlText {
  return (fragment(doc).get(index) as Y.XmlElement).get(0) as Y.XmlText;
}

function statusIn(doc: Y.Doc, id: string) {
  const map = threadsOf(doc).get(id);
  return map ? readSuggestion(map)?.status : undefined;
}

describe("suggestions over real providers", () => {
  let server: RunningServer;
  const tokens = new Map<Person, string>();
  const clients: Client[] = [];
  let counter = 0;

  const open = (name: string, person: Person, doc?: Y.Doc) => {
    const client = connect(server.wsUrl, name, { token: tokens.get(person), ...(doc ? { doc } : {}) });
    // Like the client kit, obey the close-code table: 4403 says reconnecting would fail the same way.
    client.socket.on("close", ({ event }: { event: { code: number } }) => {
      if (event.code === forbidden) client.socket.disconnect();
    });
    clients.push(client);
    return client;
  };

  /** A person's view of a document: its content and its comments, both synced. */
  const join = async (name: string, person: Person) => {
    const content = open(name, person);
    const comments = open(`${name}#comments`, person);
    await Promise.all([synced(content), synced(comments)]);
    return { content, comments };
  };

  /** A fresh document whose owner wrote `lines` as paragraphs. */
  const documentWith = async (lines: string[]) => {
    const name = `spec/suggest-${++counter}`;
    const owner = await join(name, "olga");
    const blocks = lines.map((line) => {
      const block = new Y.XmlElement("paragraph");
      block.insert(0, [new Y.XmlText(line)]);
      return block;
    });
    fragment(owner.content.doc).insert(0, blocks);
    await owner.content.acknowledged();
    return { name, owner };
  };

  /** Proposes as Cleo on a pair of documents: a client's, or a device's copy while offline. */
  const propose = (
    view: { readonly content: { readonly doc: Y.Doc }; readonly comments: { readonly doc: Y.Doc } },
    quote: string,
    proposal: Proposal,
    at?: number,
  ) => {
    const id = `s${++counter}`;
    const found = new TextIndex(fragment(view.content.doc)).find(quote)[0];
    const range = at === undefined ? found : { from: at, to: at };
    if (!range) throw new Error(`no "${quote}"`);
    const outcome = proposeSuggestion(view.comments.doc, fragment(view.content.doc), {
      id,
      author: "cleo",
      createdAt: Date.now(),
      range,
      proposal,
    });
    if (!outcome.ok) throw new Error(outcome.reason);
    return id;
  };

  /** Who wrote each run of the document's text, as the history's "who wrote what" says. */
  const authorship = async (name: string): Promise<ContentText[]> => {
    const response = await fetch(`${server.url}/api/documents/${encodeURIComponent(name)}/authorship`, {
      headers: { authorization: `Bearer ${tokens.get("olga")}` },
    });
    const answer = (await response.json()) as DocumentAuthorship;
    return (answer.content.content ?? []).flatMap((block) => (block as ContentNode).content ?? []) as ContentText[];
  };
  const creditOf = (runs: readonly ContentText[], text: string) => {
    const run = runs.find((candidate) => candidate.text.includes(text));
    return run && [run.author, run.acceptedBy];
  };

  beforeAll(async () => {
    server = await startServer({ authSecret: secret });
    for (const person of Object.keys(roles) as Person[]) {
      const access = { "spec/*": roles[person] };
      tokens.set(person, await signToken(secret, { sub: person, name: person, access }));
    }
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await server.closeAndDropSchema();
  });

  it("refuses a commenter's direct edit and stores their suggestion; accepting makes exactly that change, rejecting none", async () => {
    const { name, owner } = await documentWith(["The quick brown fox.", "It jumps."]);
    const cleo = await join(name, "cleo");

    // A modified client writes straight into the content: refused, not stored, not seen by others.
    const sneaky = open(name, "cleo");
    await synced(sneaky);
    paragraph(sneaky.doc, 0).insert(0, "Sneaky: ");
    await waitFor(() => sneaky.refusedWrites() === 1, "the server refuses the commenter's content write");

    const replace = propose(cleo, "quick", { kind: "replace", text: "slow" });
    const remove = propose(cleo, "It ", { kind: "delete" });
    const bold = propose(cleo, "brown", { kind: "format", mark: "bold", attributes: null, add: true });
    const insert = propose(cleo, "", { kind: "insert", text: " Twice" }, textOf(cleo.content.doc).length);
    await cleo.comments.acknowledged();
    expect(cleo.comments.refusedWrites()).toBe(0);
    const stored = await storedDoc(server.schema, `${name}#comments`);
    expect([replace, remove, bold, insert].map((id) => statusIn(stored, id))).toEqual([
      "pending",
      "pending",
      "pending",
      "pending",
    ]);
    expect(textOf(await storedDoc(server.schema, name))).toBe("The quick brown fox.\nIt jumps.");

    await waitFor(() => threadsOf(owner.comments.doc).has(insert), "the owner receives the suggestions");
    const olga = { id: "olga", at: Date.now() };
    for (const id of [replace, bold, insert]) {
      // As the client kit does: the change travels with the decision, and the content provider does not send it.
      const outcome = acceptSuggestion(
        owner.comments.doc,
        fragment(owner.content.doc),
        id,
        olga,
        undefined,
        owner.content.provider,
      );
      expect(outcome).toEqual({ ok: true, threadId: id });
    }
    expect(rejectSuggestion(owner.comments.doc, remove, olga).ok).toBe(true);
    // One write: once the decisions are acknowledged, their changes are stored too.
    await owner.comments.acknowledged();

    const expected = "The slow brown fox.\nIt jumps. Twice";
    expect(textOf(await storedDoc(server.schema, name))).toBe(expected);
    const runs = await authorship(name);
    expect([creditOf(runs, "slow"), creditOf(runs, "Twice"), creditOf(runs, "fox")]).toEqual([
      ["cleo", "olga"],
      ["cleo", "olga"],
      ["olga", undefined],
    ]);
    await waitFor(() => textOf(cleo.content.doc) === expected, "the commenter sees the accepted changes");
    expect(paragraph(cleo.content.doc, 0).toDelta()).toEqual([
      { insert: "The slow " },
      { insert: "brown", attributes: { bold: {} } },
      { insert: " fox." },
    ]);
    const decided = await storedDoc(server.schema, `${name}#comments`);
    expect([replace, remove, bold, insert].map((id) => statusIn(decided, id))).toEqual([
      "accepted",
      "rejected",
      "accepted",
      "accepted",
    ]);
    expect(threadsOf(decided).get(replace)?.get(ThreadFields.createdBy)).toBe("cleo");
    expect(threadsOf(decided).get(replace)?.get(ThreadFields.decidedBy)).toBe("olga");
    expect([owner.content.closeCodes, owner.comments.closeCodes, cleo.comments.closeCodes]).toEqual([[], [], []]);
  });

  it("closes a modified client that decides without the right, or under someone else's name", async () => {
    const { name, owner } = await documentWith(["Some text to change."]);
    const cleo = await join(name, "cleo");
    const first = propose(cleo, "Some", { kind: "delete" });
    const second = propose(cleo, "text", { kind: "delete" });
    await cleo.comments.acknowledged();

    // The commenter marks their own suggestion accepted: refused, 4403.
    const map = threadsOf(cleo.comments.doc).get(first) as Y.Map<unknown>;
    cleo.comments.doc.transact(() => {
      map.set(ThreadFields.status, "accepted");
      map.set(ThreadFields.decidedBy, "cleo");
      map.set(ThreadFields.decidedAt, Date.now());
    });
    await waitFor(() => cleo.comments.closeCodes.includes(forbidden), "4403 for a commenter's acceptance");

    // An editor withdraws the commenter's suggestion as if they were its author: refused, 4403.
    const eddie = await join(name, "eddie");
    await waitFor(() => threadsOf(eddie.comments.doc).has(second), "the editor receives the suggestion");
    expect(withdrawSuggestion(eddie.comments.doc, second, { id: "cleo", at: Date.now() }).ok).toBe(true);
    await waitFor(() => eddie.comments.closeCodes.includes(forbidden), "4403 for a forged withdrawal");

    // The commenter withdraws their own; the owner's view and the store agree, and the text never changed.
    const honest = await join(name, "cleo");
    expect(withdrawSuggestion(honest.comments.doc, second, { id: "cleo", at: Date.now() }).ok).toBe(true);
    await honest.comments.acknowledged();
    const stored = await storedDoc(server.schema, `${name}#comments`);
    expect([statusIn(stored, first), statusIn(stored, second)]).toEqual(["pending", "withdrawn"]);
    await waitFor(() => statusIn(owner.comments.doc, second) === "withdrawn", "the owner sees the withdrawal");
    expect(textOf(await storedDoc(server.schema, name))).toBe("Some text to change.");
  });

  it("stores a suggestion made offline when the commenter connects, and refuses a decision forged offline", async () => {
    const { name, owner } = await documentWith(["Written while online."]);
    // The commenter's device has the document from an earlier visit, then loses the network.
    const cleo = await join(name, "cleo");
    const copy = (doc: Y.Doc) => {
      const kept = new Y.Doc();
      Y.applyUpdate(kept, Y.encodeStateAsUpdate(doc));
      return { doc: kept };
    };
    const device = { content: copy(cleo.content.doc), comments: copy(cleo.comments.doc) };
    const id = propose(device, "online", { kind: "replace", text: "offline" });

    // Back online: the provider's sync step 2 carries the suggestion; the owner receives it and accepts.
    const reconnected = open(`${name}#comments`, "cleo", device.comments.doc);
    await synced(reconnected);
    await reconnected.acknowledged();
    await waitFor(() => threadsOf(owner.comments.doc).has(id), "the owner receives the offline suggestion");
    expect(acceptSuggestion(owner.comments.doc, fragment(owner.content.doc), id, { id: "olga", at: 1 }).ok).toBe(true);
    await owner.content.acknowledged();
    expect(textOf(await storedDoc(server.schema, name))).toBe("Written while offline.");

    // A decision forged offline (the commenter accepting their own) is refused when it arrives.
    const later = { content: copy(owner.content.doc), comments: copy(owner.comments.doc) };
    const second = propose(later, "Written", { kind: "delete" });
    const map = threadsOf(later.comments.doc).get(second) as Y.Map<unknown>;
    later.comments.doc.transact(() => {
      map.set(ThreadFields.status, "accepted");
      map.set(ThreadFields.decidedBy, "cleo");
      map.set(ThreadFields.decidedAt, 2);
    });
    const sender = open(`${name}#comments`, "cleo", later.comments.doc);
    await waitFor(() => sender.closeCodes.includes(forbidden), "4403 for a decision forged offline");
    expect(threadsOf(await storedDoc(server.schema, `${name}#comments`)).has(second)).toBe(false);
  });

  it("keeps a suggestion anchored through concurrent edits around it, detaches it when its text is deleted, and credits an accepted change to its suggester and its acceptor", async () => {
    const { name, owner } = await documentWith(["alpha beta gamma delta"]);
    const cleo = await join(name, "cleo");
    const eddie = await join(name, "eddie");
    const kept = propose(cleo, "beta", { kind: "replace", text: "BETA" });
    const doomed = propose(cleo, "gamma", { kind: "delete" });
    await cleo.comments.acknowledged();

    // Two writers type on both sides of the suggestion at once.
    paragraph(owner.content.doc, 0).insert(0, "zero ");
    paragraph(eddie.content.doc, 0).insert(5, " and");
    paragraph(eddie.content.doc, 0).insert(26, " epsilon");
    await Promise.all([owner.content.acknowledged(), eddie.content.acknowledged()]);
    const edited = "zero alpha and beta gamma delta epsilon";
    for (const view of [owner, eddie, cleo]) {
      await waitFor(() => textOf(view.content.doc) === edited, "every client converges");
    }
    for (const view of [owner, eddie, cleo]) {
      await waitFor(() => threadsOf(view.comments.doc).has(doomed), "every client has the suggestions");
      const located = locateSuggestion(view.comments.doc, fragment(view.content.doc), kept);
      expect(located.ok && edited.slice(located.range.from, located.range.to)).toBe("beta");
    }

    // The editor deletes the text of the other suggestion: it detaches everywhere.
    paragraph(eddie.content.doc, 0).delete(20, 6);
    await eddie.content.acknowledged();
    for (const view of [owner, cleo]) {
      await waitFor(() => textOf(view.content.doc) === "zero alpha and beta delta epsilon", "the deletion arrives");
      expect(locateSuggestion(view.comments.doc, fragment(view.content.doc), doomed)).toMatchObject({
        ok: false,
        code: "detached",
      });
    }
    expect(acceptSuggestion(owner.comments.doc, fragment(owner.content.doc), doomed, { id: "olga", at: 1 }).ok).toBe(
      false,
    );
    // The editor accepts: the change is the suggester's, accepted by the editor, in history, and the thread names both.
    await waitFor(() => threadsOf(eddie.comments.doc).has(kept), "the editor has the suggestion");
    const by = { id: "eddie", at: 1 };
    expect(
      acceptSuggestion(eddie.comments.doc, fragment(eddie.content.doc), kept, by, undefined, eddie.content.provider).ok,
    ).toBe(true);
    await eddie.comments.acknowledged();
    expect(textOf(await storedDoc(server.schema, name))).toBe("zero alpha and BETA delta epsilon");
    const runs = await authorship(name);
    expect([creditOf(runs, "BETA"), creditOf(runs, "alpha"), creditOf(runs, "epsilon")]).toEqual([
      ["cleo", "eddie"],
      ["olga", undefined],
      ["eddie", undefined],
    ]);
    const decided = threadsOf(await storedDoc(server.schema, `${name}#comments`)).get(kept);
    expect([decided?.get(ThreadFields.createdBy), decided?.get(ThreadFields.decidedBy)]).toEqual(["cleo", "eddie"]);
  });

  it("credits a change that builds on the acceptor's typing, when that typing arrives after the decision", async () => {
    const { name } = await documentWith(["The plan is fine."]);
    const cleo = await join(name, "cleo");
    const id = propose(cleo, "", { kind: "insert", text: " indeed" }, "The plan is fine".length);
    await cleo.comments.acknowledged();
    const eddie = await join(name, "eddie");
    await waitFor(() => threadsOf(eddie.comments.doc).has(id), "the editor has the suggestion");

    // On the editor's device, offline: typing right after the suggestion's point, then accepting it, so that
    // the change builds on the typing (it goes before it); the decision reaches the server first, the typing after.
    const copy = (doc: Y.Doc) => {
      const kept = new Y.Doc();
      Y.applyUpdate(kept, Y.encodeStateAsUpdate(doc));
      return kept;
    };
    const typed = copy(eddie.content.doc);
    paragraph(typed, 0).insert("The plan is fine".length, "!!");
    const decided = copy(eddie.comments.doc);
    const by = { id: "eddie", at: Date.now() };
    expect(acceptSuggestion(decided, fragment(copy(typed)), id, by).ok).toBe(true);
    const comments = open(`${name}#comments`, "eddie", decided);
    const waiting = () => harness.metric(server.url, "tandem_accepted_changes_waiting");
    await waitFor(async () => (await waiting()) === 1, "the change waits for the typing it builds on");
    const content = open(name, "eddie", typed);
    await Promise.all([content.acknowledged(), comments.acknowledged()]);
    expect(await waiting()).toBe(0);

    expect(textOf(await storedDoc(server.schema, name))).toBe("The plan is fine indeed!!.");
    const runs = await authorship(name);
    expect([creditOf(runs, "!!"), creditOf(runs, "indeed")]).toEqual([
      ["eddie", undefined],
      ["cleo", "eddie"],
    ]);
  });

  it("never credits the suggester with a change that is not their proposal", async () => {
    const { name } = await documentWith(["The plan is fine."]);
    const cleo = await join(name, "cleo");
    const eddie = await join(name, "eddie");
    const id = propose(cleo, "fine", { kind: "replace", text: "good" });
    await cleo.comments.acknowledged();
    await waitFor(() => threadsOf(eddie.comments.doc).has(id), "the editor has the suggestion");

    // A modified client accepts with a change of its own, hoping to pass it off as the commenter's writing.
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(eddie.content.doc));
    let forged: Uint8Array | undefined;
    copy.on("update", (update: Uint8Array) => {
      forged = update;
    });
    copy.transact(() => {
      paragraph(copy, 0).delete(12, 4);
      paragraph(copy, 0).insert(12, "good");
      paragraph(copy, 0).insert(0, "Cleo says: ");
    });
    const map = threadsOf(eddie.comments.doc).get(id) as Y.Map<unknown>;
    eddie.comments.doc.transact(() => {
      map.set(ThreadFields.status, "accepted");
      map.set(ThreadFields.decidedBy, "eddie");
      map.set(ThreadFields.decidedAt, Date.now());
      map.set(ThreadFields.change, forged);
    });
    await eddie.comments.acknowledged();

    // The editor may write the content, so the change is made, but as the editor's own edit.
    expect(textOf(await storedDoc(server.schema, name))).toBe("Cleo says: The plan is good.");
    const runs = await authorship(name);
    expect([creditOf(runs, "Cleo says"), creditOf(runs, "good")]).toEqual([
      ["eddie", undefined],
      ["eddie", undefined],
    ]);
    expect(runs.some((run) => run.author === "cleo" || run.acceptedBy !== undefined)).toBe(false);
    expect(eddie.comments.closeCodes).toEqual([]);
  });
});
