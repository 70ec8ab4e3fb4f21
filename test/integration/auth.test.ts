import { CloseCodes, readThread, threadsOf } from "@tandem/protocol";
import { signToken } from "@tandem/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startThread } from "../support/comments.js";
import {
  type Client,
  connect,
  type RunningServer,
  startServer,
  storedDoc,
  storedText,
  synced,
} from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

const secret = "a-test-secret-that-is-long-enough-for-hs256";

describe("authentication and roles", () => {
  let server: RunningServer;
  const clients: Client[] = [];
  const open = (name: string, token: string) => {
    const client = connect(server.wsUrl, name, { token });
    clients.push(client);
    return client;
  };
  const token = (
    sub: string,
    access: Record<string, "owner" | "editor" | "commenter" | "viewer">,
    expiresIn: string | number = "1h",
  ) => signToken(secret, { sub, name: sub, access }, expiresIn);

  beforeAll(async () => {
    server = await startServer({ authSecret: secret });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await server.closeAndDropSchema();
  });

  it("a token signed with another secret is refused with 4401", async () => {
    const forged = await signToken("another-secret-that-is-also-long-enough!!", {
      sub: "eve",
      name: "Eve",
      access: { "*": "owner" },
    });
    const eve = open("spec/auth", forged);
    await waitFor(() => eve.closeCodes.includes(4401), "close with 4401");
    expect(eve.provider.isSynced).toBe(false);
  });

  it("an expired token is refused with 4401", async () => {
    const expired = await token("old", { "*": "editor" }, Math.floor(Date.now() / 1000) - 60);
    const old = open("spec/auth", expired);
    await waitFor(() => old.closeCodes.includes(4401), "close with 4401");
  });

  it("a socket is closed with 4401 when the first of its documents' tokens expires, idle, and takes no write after", async () => {
    const unauthorized = CloseCodes.Unauthorized.code;
    // Expires 2 to 3 s from now (exp is in whole seconds); the other token lives for an hour.
    const exp = Math.floor(Date.now() / 1000) + 3;
    const expiresSoon = await token("soon", { "spec/*": "editor" }, exp);
    const lasting = open("spec/expiry-lasting", await token("soon", { "spec/*": "editor" }, "1h"));
    const expiring = connect(server.wsUrl, "spec/expiry", { token: expiresSoon, socket: lasting.socket });
    clients.push(expiring);
    await Promise.all([synced(lasting), synced(expiring)]);
    expiring.text.insert(0, "before expiry");
    await expiring.acknowledged();

    // Nothing is sent meanwhile: the idle socket is closed by the clock, not by a message.
    await waitFor(() => lasting.closeCodes.includes(unauthorized), "the shared socket is closed with 4401");
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000); // not before the token expired
    expect(lasting.closeCodes).toEqual([unauthorized]);

    // The provider reconnects with the same, expired token and sends its edit: refused, socket and all.
    expiring.text.insert(expiring.text.length, " and after");
    await waitFor(() => lasting.closeCodes.filter((code) => code === unauthorized).length >= 2, "a refused reconnect");
    expect(expiring.provider.hasUnsyncedChanges).toBe(true);
    expect(await storedText(server.schema, "spec/expiry")).toBe("before expiry");
  });

  it("garbage instead of a token is refused with 4401", async () => {
    const junk = open("spec/auth", "not.a.jwt");
    await waitFor(() => junk.closeCodes.includes(4401), "close with 4401");
  });

  it("a viewer syncs but its writes are refused and not stored", async () => {
    const editor = open("spec/roles", await token("ed", { "spec/*": "editor" }));
    const viewer = open("spec/roles", await token("vi", { "spec/*": "viewer" }));
    await Promise.all([synced(editor), synced(viewer)]);
    editor.text.insert(0, "by the editor");
    await editor.acknowledged();
    await waitFor(() => viewer.text.toString() === "by the editor", "the viewer reads");
    viewer.text.insert(0, "VIEWER WAS HERE ");
    // The server answers with a negative sync status: refused, and the change stays unsynced.
    await waitFor(() => viewer.refusedWrites() === 1, "the server refuses the viewer's write");
    expect(viewer.provider.hasUnsyncedChanges).toBe(true);
    editor.text.insert(editor.text.length, ".");
    await editor.acknowledged();
    expect(editor.text.toString()).toBe("by the editor.");
    expect(await storedText(server.schema, "spec/roles")).toBe("by the editor.");
    // Still connected and reading.
    await waitFor(() => viewer.text.toString().endsWith("by the editor."), "the viewer keeps reading");
    expect(viewer.closeCodes).toEqual([]);
  });

  it("a commenter writes to #comments but not to the content", async () => {
    const commenterToken = await token("co", { "spec/*": "commenter" });
    const content = open("spec/review", commenterToken);
    const comments = open("spec/review#comments", commenterToken);
    await Promise.all([synced(content), synced(comments)]);
    startThread(comments.doc, { id: "co", name: "co", color: "#0090ff" }, "t1", "a comment");
    await comments.acknowledged();
    content.text.insert(0, "sneaky edit");
    await waitFor(() => content.refusedWrites() === 1, "the server refuses the commenter's content write");
    expect(comments.refusedWrites()).toBe(0);
    const stored = threadsOf(await storedDoc(server.schema, "spec/review#comments")).get("t1");
    expect(stored && readThread(stored)?.comments.map((comment) => comment.body)).toEqual(["a comment"]);
    expect(await storedText(server.schema, "spec/review")).toBe("");
  });

  it("a document outside the token's access is refused, and other documents on the socket keep working", async () => {
    const limited = await token("li", { "idea/*": "editor" });
    const allowed = open("idea/ok", limited);
    const denied = open("spec/secret", limited);
    let failed = false;
    denied.provider.on("authenticationFailed", () => {
      failed = true;
    });
    await synced(allowed);
    await waitFor(() => failed, "permission denied for spec/secret");
    allowed.text.insert(0, "fine");
    await allowed.acknowledged();
  });
});
