import { CloseCodes, CommentFields, readThread, threadsOf } from "@tandem/protocol";
import { signToken } from "@tandem/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as Y from "yjs";
import { type Commenter, commentMap, react, replyTo, resolve, startThread } from "../support/comments.js";
import {
  type Client,
  connect,
  metric,
  type RunningServer,
  startServer,
  storedDoc,
  synced,
} from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

const secret = "a-test-secret-that-is-long-enough-for-hs256";
const ada: Commenter = { id: "ada", name: "Ada", color: "#0090ff" };
const bo: Commenter = { id: "bo", name: "Bo", color: "#e5484d" };
const forbidden = CloseCodes.Forbidden.code;

function threadIn(doc: Y.Doc, threadId: string) {
  const map = threadsOf(doc).get(threadId);
  return map ? readThread(map) : undefined;
}

describe("comment ownership on #comments documents", () => {
  let server: RunningServer;
  const tokens = new Map<Commenter, string>();
  const clients: Client[] = [];
  const open = (name: string, user: Commenter) => {
    const client = connect(server.wsUrl, name, { token: tokens.get(user) });
    // Like the client kit, obey the close-code table: 4403 says reconnecting would fail the same way.
    client.socket.on("close", ({ event }: { event: { code: number } }) => {
      if (event.code === forbidden) client.socket.disconnect();
    });
    clients.push(client);
    return client;
  };
  const refusals = async () => ({
    refused: await metric(server.url, 'tandem_errors_total{code="comments-update-refused"}'),
    closed: await metric(server.url, `tandem_errors_total{code="${forbidden}"}`),
  });

  beforeAll(async () => {
    server = await startServer({ authSecret: secret });
    for (const user of [ada, bo]) {
      const access = { "spec/*": "commenter" } as const;
      tokens.set(user, await signToken(secret, { sub: user.id, name: user.name, color: user.color, access }));
    }
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await server.closeAndDropSchema();
  });

  it("anyone replies, reacts and resolves; only the author edits or deletes, and a forgery is neither applied nor stored", async () => {
    const name = "spec/ownership#comments";
    const a = open(name, ada);
    const b = open(name, bo);
    await Promise.all([synced(a), synced(b)]);
    startThread(a.doc, ada, "t1", "Too low?");
    await a.acknowledged();
    await waitFor(() => threadIn(b.doc, "t1") !== undefined, "B sees A's thread");

    replyTo(b.doc, bo, "t1", "t1-2", "Fine by me.");
    react(b.doc, bo, "t1", 0, ["👍"]);
    resolve(b.doc, bo, "t1");
    await b.acknowledged();
    commentMap(a.doc, "t1", 0).set(CommentFields.body, "Too low, I think.");
    await a.acknowledged();
    expect([a.closeCodes, b.closeCodes, a.refusedWrites(), b.refusedWrites()]).toEqual([[], [], 0, 0]);
    const expected = {
      resolved: true,
      resolvedBy: "bo",
      comments: [
        { author: "ada", body: "Too low, I think.", deleted: false, reactions: new Map([["👍", ["bo"]]]) },
        { author: "bo", body: "Fine by me.", deleted: false },
      ],
    };
    await waitFor(() => threadIn(b.doc, "t1")?.comments[0]?.body === "Too low, I think.", "B sees A's edit");
    expect(threadIn(a.doc, "t1")).toMatchObject(expected);
    expect(threadIn(await storedDoc(server.schema, name), "t1")).toMatchObject(expected);
    const before = await refusals();

    // B edits A's comment: B's connection is closed with 4403.
    commentMap(b.doc, "t1", 0).set(CommentFields.body, "Way too low!");
    await waitFor(() => b.closeCodes.includes(forbidden), "B closed with 4403 for editing A's comment");

    // B again, on a fresh connection, deletes A's comment the way its author would.
    const again = open(name, bo);
    await synced(again);
    const target = commentMap(again.doc, "t1", 0);
    again.doc.transact(() => {
      target.set(CommentFields.deleted, true);
      target.set(CommentFields.body, "");
    });
    await waitFor(() => again.closeCodes.includes(forbidden), "B closed with 4403 for deleting A's comment");

    // A's connection goes on; its round trip comes after both refusals, which happened before anything was applied.
    replyTo(a.doc, ada, "t1", "t1-3", "Still here.");
    await a.acknowledged();
    expect(a.closeCodes).toEqual([]);
    const afterwards = {
      ...expected,
      comments: [...expected.comments, { author: "ada", body: "Still here.", deleted: false }],
    };
    expect(threadIn(a.doc, "t1")).toMatchObject(afterwards);
    expect(threadIn(await storedDoc(server.schema, name), "t1")).toMatchObject(afterwards);
    expect(await refusals()).toEqual({ refused: before.refused + 2, closed: before.closed + 2 });
    expect([b.closeCodes, again.closeCodes]).toEqual([[forbidden], [forbidden]]);
  });

  it("refuses a thread written under someone else's id, and writes outside the comments layout", async () => {
    const name = "spec/impostor#comments";
    const a = open(name, ada);
    const impostor = open(name, bo);
    await Promise.all([synced(a), synced(impostor)]);
    // The author comes from B's token, whatever the update says.
    startThread(impostor.doc, ada, "fake", "Signed, Ada");
    await waitFor(() => impostor.closeCodes.includes(forbidden), "4403 for a thread as someone else");

    const scribbler = open(name, bo);
    await synced(scribbler);
    scribbler.text.insert(0, "not a comment");
    await waitFor(() => scribbler.closeCodes.includes(forbidden), "4403 for a write outside the layout");

    startThread(a.doc, ada, "real", "Signed, Ada");
    await a.acknowledged();
    const stored = await storedDoc(server.schema, name);
    expect([...threadsOf(stored).keys()]).toEqual(["real"]);
    expect(stored.getText("t").toString()).toBe("");
    expect(a.closeCodes).toEqual([]);
  });
});
