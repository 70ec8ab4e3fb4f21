import { randomBytes } from "node:crypto";
import { signToken, type TandemServerConfig } from "@tandem/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCall } from "../support/api.js";
import { replyTo, startThread } from "../support/comments.js";
import { dropSchema, freshSchemaName } from "../support/postgres.js";
import { connect, type RunningServer, startServer, synced } from "../support/server-harness.js";
import { type SmtpReceiver, startSmtpReceiver } from "../support/smtp-receiver.js";
import { waitFor } from "../support/wait.js";

const secret = randomBytes(32).toString("hex");
const ada = { id: "ada", name: "Ada Lovelace", color: "#0090ff" };
const people = ["grace", "olive", "hedy", "mary"] as const;
type Someone = (typeof people)[number];
const address = (who: Someone) => `${who}@example.com`;

describe("email digests", () => {
  const schema = freshSchemaName("digest");
  let smtp: SmtpReceiver;
  let server: RunningServer;
  let config: TandemServerConfig;
  const tokens = {} as Record<"ada" | Someone, string>;

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    config = {
      authSecret: secret,
      databaseSchema: schema,
      smtpUrl: smtp.url,
      mailFrom: "Tandem <tandem@example.com>",
      publicUrl: "https://tandem.example.com",
      // Long enough to read three mentions within it on a busy machine; short enough for a test.
      digestDelayMs: 3000,
      digestPollMs: 50,
    };
    server = await startServer(config);
    tokens.ada = await signToken(secret, { sub: ada.id, name: ada.name, access: { "*": "editor" } });
    for (const who of people) {
      tokens[who] = await signToken(secret, { sub: who, name: who, email: address(who), access: { "*": "editor" } });
      // A visit tells the server their address.
      expect((await api(`/api/inbox/unread`, tokens[who])).status).toBe(200);
    }
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
    await dropSchema(schema);
  });

  // JSON as parsed (any): the tests read what they assert on.
  async function api(path: string, token: string, method = "GET", body?: unknown) {
    const answer = await apiCall<ReturnType<typeof JSON.parse>>(server.url, method, path, token, body);
    return { status: answer.status, json: answer.body };
  }

  const unread = async (who: Someone) => (await api("/api/inbox/unread", tokens[who])).json.unread as number;

  /** Ada mentions `mentioned` in `count` comments of a new spec's thread; resolves with the spec's name. */
  async function mention(mentioned: Someone[], count: number, label: string): Promise<string> {
    const created = await api("/api/documents", tokens.ada, "POST", { kind: "spec", title: label });
    const name = created.json.name as string;
    const comments = connect(server.wsUrl, `${name}#comments`, { token: tokens.ada });
    try {
      await synced(comments);
      startThread(comments.doc, ada, "t1", `${label}: start`);
      for (let i = 1; i <= count; i++) {
        replyTo(comments.doc, ada, "t1", `${label}-${i}`, `${label} ${i} for ${mentioned.join(", ")}`, mentioned);
      }
      await comments.acknowledged();
    } finally {
      comments.destroy();
    }
    return name;
  }

  it("sends exactly one digest for three mentions within the window, with links and a signed unsubscribe", async () => {
    const name = await mention(["grace"], 3, "Triple");
    await waitFor(() => smtp.to(address("grace")).length === 1, "grace's digest");
    const [digest] = smtp.to(address("grace"));
    expect(digest?.text).toContain("Subject: 3 unread notifications in Tandem");
    expect(digest?.text).toContain("From: Tandem <tandem@example.com>");
    expect(digest?.text).toMatch(/Content-Type: text\/plain/);
    expect(digest?.text).toMatch(/Content-Type: text\/html/);
    for (let i = 1; i <= 3; i++) expect(digest?.text).toContain(`Triple ${i} for grace`);
    expect(digest?.text).toContain(`https://tandem.example.com/#/d/${name}?thread=t1`);
    expect(digest?.text).toContain("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    expect(digest?.text).toMatch(/https:\/\/tandem\.example\.com\/api\/email\/unsubscribe\?token=[\w.-]+/);

    // Nothing more comes for those three: the next digest, after another mention, holds only that one.
    await mention(["grace"], 1, "Later");
    await waitFor(() => smtp.to(address("grace")).length === 2, "grace's second digest");
    const second = smtp.to(address("grace"))[1]?.text ?? "";
    expect(second).toContain("Subject: Ada Lovelace mentioned you in Later");
    expect(second).toContain("Later 1 for grace");
    expect(second).not.toContain("Triple");
  });

  it("sends none for notifications read before the digest was due", async () => {
    await mention(["olive"], 3, "Read");
    await waitFor(async () => (await unread("olive")) === 3, "olive's three mentions");
    expect((await api("/api/inbox/read-all", tokens.olive, "POST")).json.changed).toBe(3);
    // A mention after reading joins the digest already due: that digest must hold it alone.
    await mention(["olive"], 1, "Unread");
    await waitFor(() => smtp.to(address("olive")).length === 1, "olive's digest");
    const text = smtp.to(address("olive"))[0]?.text ?? "";
    expect(text).toContain("Unread 1 for olive");
    expect(text).not.toContain("Read 1");
  });

  it("sends none after the person unsubscribed with the link; a forged link does nothing", async () => {
    await mention(["hedy"], 1, "First");
    await waitFor(() => smtp.to(address("hedy")).length === 1, "hedy's digest");
    const link = /https:\/\/tandem\.example\.com(\/api\/email\/unsubscribe\?token=[\w.-]+)/.exec(
      smtp.to(address("hedy"))[0]?.text ?? "",
    )?.[1];
    if (!link) throw new Error("no unsubscribe link");
    const forged = link.replace(
      /token=[\w-]+/,
      `token=${Buffer.from('["unsubscribe","default","olive"]').toString("base64url")}`,
    );
    expect(await (await fetch(`${server.url}${forged}`, { method: "POST" })).text()).toContain("not valid");
    const page = await fetch(`${server.url}${link}`);
    expect(await page.text()).toContain('<form method="post"');
    expect((await api("/api/inbox/settings", tokens.hedy)).json.emailMode).toBe("all");
    const done = await fetch(`${server.url}${link}`, { method: "POST", body: "List-Unsubscribe=One-Click" });
    expect(await done.text()).toContain("no more notification emails");
    expect((await api("/api/inbox/settings", tokens.hedy)).json.emailMode).toBe("none");

    // Mary, mentioned in the same comments, gets her digest; Hedy, unsubscribed, does not.
    await mention(["hedy", "mary"], 1, "After");
    await waitFor(() => smtp.to(address("mary")).length === 1, "mary's digest");
    expect(smtp.to(address("hedy"))).toHaveLength(1);
    expect(await unread("hedy")).toBe(2);
  });

  it("a digest due when the server stopped is sent by the next one: the schedule is in Postgres", async () => {
    await api("/api/inbox/read-all", tokens.grace, "POST");
    await mention(["grace"], 2, "Restart");
    await waitFor(async () => (await unread("grace")) === 2, "grace's mentions stored");
    const before = smtp.to(address("grace")).length;
    await server.close();
    server = await startServer(config);
    await waitFor(() => smtp.to(address("grace")).length === before + 1, "the digest after the restart");
    expect(smtp.to(address("grace")).at(-1)?.text).toContain("Restart 2 for grace");
  });
});
