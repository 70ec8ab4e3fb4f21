import { runReviewer } from "@tandem/example-reviewer";
import { commentsDocumentName, type DocumentSummary, readSuggestion, readThread, threadsOf } from "@tandem/protocol";
import { signToken } from "@tandem/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as Y from "yjs";
import { rewrite, textAfter } from "../support/content.js";
import { connect, type RunningServer, startServer, storedDoc, synced } from "../support/server-harness.js";

const secret = "a-test-secret-that-is-long-enough-for-hs256";

describe("the example reviewer against a real server", () => {
  let server: RunningServer;
  let ada = "";
  let reviewer = "";

  /** A new spec from the template, with only its Problem written (by Ada, who then leaves). */
  async function spec(problem: string): Promise<string> {
    const response = await fetch(`${server.url}/api/documents`, {
      method: "POST",
      headers: { authorization: `Bearer ${ada}`, "content-type": "application/json" },
      body: JSON.stringify({ kind: "spec", title: "Offline mode" }),
    });
    const { name } = (await response.json()) as DocumentSummary;
    const client = connect(server.wsUrl, name, { token: ada });
    await synced(client);
    rewrite(client.doc, "Problem", problem);
    await client.acknowledged();
    client.destroy();
    return name;
  }

  /** The threads of `name` as stored: each one's author, quote, suggestion (if any) and comments. */
  async function threads(name: string) {
    const stored = threadsOf(await storedDoc(server.schema, commentsDocumentName(name)));
    return [...stored.values()].map((map) => {
      const thread = readThread(map as Y.Map<unknown>);
      return {
        createdBy: thread?.createdBy,
        quote: thread?.quote,
        suggestion: readSuggestion(map as Y.Map<unknown>)?.proposal ?? null,
        comments: thread?.comments.map((comment) => comment.body),
      };
    });
  }

  beforeAll(async () => {
    server = await startServer({ authSecret: secret });
    ada = await signToken(secret, { sub: "ada", name: "Ada Lovelace", access: { "*": "editor" } });
    reviewer = await signToken(secret, {
      sub: "reviewer",
      name: "Spec reviewer",
      program: true,
      access: { "spec/*": "commenter" },
    });
  });
  afterAll(async () => {
    await server.closeAndDropSchema();
  });

  it("proposes a summary and questions for the empty sections, and flags each TBD, as a commenter", async () => {
    const name = await spec("Field teams lose edits on trains. Budget: TBD.");
    const { findings, threadIds } = await runReviewer({ url: server.wsUrl, token: reviewer, document: name });
    expect(threadIds).toHaveLength(findings.length);

    const stored = await threads(name);
    expect(stored.every((thread) => thread.createdBy === "reviewer")).toBe(true);
    const insertions = stored.flatMap((thread) =>
      thread.suggestion?.kind === "insert" ? [thread.suggestion.text] : [],
    );
    expect(insertions.sort()).toEqual(
      [
        "This spec covers problem, goals and non-goals, milestones, open questions, decision log and success metrics.",
        "What outcome tells us we are done?",
        "What might people expect that we will not do now?",
        "What do we not know yet, and who can answer it?",
        "Which metric moves, from what baseline to what target, by when?",
      ].sort(),
    );
    expect(stored.filter((thread) => thread.suggestion === null)).toEqual([
      {
        createdBy: "reviewer",
        quote: "TBD",
        suggestion: null,
        comments: ["Still TBD: who decides this, and by when?"],
      },
    ]);
    // Nothing changed in the text: every finding waits for a person.
    const content = await storedDoc(server.schema, name);
    expect(textAfter(content, "Summary")).toBe("");
    expect(textAfter(content, "Problem")).toBe("Field teams lose edits on trains. Budget: TBD.");
  });

  it("runs a host's own review in place of the plain rules (where a language model would answer)", async () => {
    const name = await spec("Field teams lose edits on trains.");
    const { threadIds } = await runReviewer({
      url: server.wsUrl,
      token: reviewer,
      document: name,
      review: async (read) => {
        expect(read.markdown).toContain("## Problem\n\nField teams lose edits on trains.");
        return [
          {
            kind: "suggest",
            quote: "on trains",
            proposal: { kind: "replace", text: "when offline" },
            comment: "Trains are one case of many.",
          },
        ];
      },
    });
    expect(threadIds).toHaveLength(1);
    expect(await threads(name)).toEqual([
      {
        createdBy: "reviewer",
        quote: "on trains",
        suggestion: { kind: "replace", text: "when offline" },
        comments: ["Trains are one case of many."],
      },
    ]);
  });

  it("cannot review a document its token does not reach", async () => {
    const name = await spec("Anything.");
    const ideasOnly = await signToken(secret, {
      sub: "r",
      name: "R",
      program: true,
      access: { "idea/*": "commenter" },
    });
    await expect(runReviewer({ url: server.wsUrl, token: ideasOnly, document: name })).rejects.toMatchObject({
      code: "forbidden",
    });
  });
});
