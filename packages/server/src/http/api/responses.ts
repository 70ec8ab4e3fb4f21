import { z } from "@hono/zod-openapi";
import {
  type ContentNode,
  type ContentText,
  DocumentKinds,
  Roles,
  SpecPriorities,
  SpecStatuses,
} from "@tandem/protocol";
import { type ApiErrorCode, ApiErrors } from "./respond.js";

/**
 * What the API answers, as zod schemas for the OpenAPI document. The types
 * of `@tandem/protocol` (DocumentSummary, VersionList…) are what handlers
 * build; the routes' typed responses check that they fit these schemas.
 */

/** An array, read-only like the protocol's types that handlers answer with. */
const list = <T extends z.ZodType>(item: T) => z.array(item).readonly();

export const apiError = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ApiErrors) as [ApiErrorCode, ...ApiErrorCode[]]),
      message: z.string(),
    }),
  })
  .openapi("Error");

const person = z
  .object({
    id: z.string(),
    name: z.string(),
    color: z.string(),
    program: z.literal(true).optional().openapi({
      description: "Present for a program (a bot, an assistant), as its token says; see docs/programs.md.",
    }),
  })
  .openapi("Person", { description: "Someone as their token names them." });

export const documentSummary = z
  .object({
    name: z.string().openapi({ example: "spec/k3x9q2ab0c" }),
    title: z.string(),
    kind: z.enum(DocumentKinds).nullable(),
    status: z.enum(SpecStatuses).nullable(),
    owner: z.string().nullable(),
    contributors: list(z.string()).openapi({ description: "Specs: who works on it, by name (empty for ideas)." }),
    targetDate: z.string().nullable().openapi({ description: "Specs: `YYYY-MM-DD`, or null." }),
    priority: z.enum(SpecPriorities).nullable(),
    updatedAt: z.string().openapi({ description: "ISO 8601 time of the last stored edit." }),
    present: list(person).openapi({ description: "People with the document open on this instance." }),
    archivedAt: z.string().nullable().openapi({ description: "When it was archived; null when it is not." }),
    role: z.enum(Roles).nullable().openapi({ description: "The caller's role on it: owners archive and delete." }),
    createdByYou: z
      .boolean()
      .openapi({ description: "Whether the caller created it (`shared=true` lists the others)." }),
  })
  .openapi("DocumentSummary");

export const documentPage = z
  .object({
    documents: list(documentSummary),
    nextOffset: z.number().int().nullable().openapi({ description: "The next page's `offset`; null on the last." }),
  })
  .openapi("DocumentPage");

export const sessionInfo = z
  .object({ user: person, devMode: z.boolean(), canCreate: list(z.enum(DocumentKinds)) })
  .openapi("Session");

const versionSummary = z
  .object({
    id: z.string(),
    kind: z.enum(["named", "auto", "before-restore", "before-revert"]),
    label: z.string().nullable(),
    createdAt: z.string(),
    createdBy: person.nullable(),
    authors: list(person),
  })
  .openapi("Version");

export const versionList = z
  .object({ versions: list(versionSummary), canEdit: z.boolean(), lastEditedBy: person.nullable() })
  .openapi("VersionList");

export { versionSummary };

export const proposalResult = z
  .object({ threadId: z.string().openapi({ description: "The new thread's id in the comments document." }) })
  .openapi("ProposalResult");

// Content trees are ProseMirror JSON (see docs/history.md), recursive and open-ended: described, not spelled out.
const contentNode = z.custom<ContentNode>().openapi("ContentNode", {
  type: "object",
  description:
    "A ProseMirror node as JSON (`type`, `attrs`, `content`); in diffs, with what changed and who changed it.",
});
const contentText = z.custom<ContentText>().openapi("ContentText", {
  type: "object",
  description: "A run of text (`type: text`, `text`, `marks`); in diffs and authorship, with who wrote it.",
});

const commentView = z
  .object({
    id: z.string(),
    author: person,
    createdAt: z.string(),
    editedAt: z.string().nullable(),
    body: z.string().openapi({ description: "Empty for a deleted comment." }),
    deleted: z.boolean(),
    mentions: list(z.string()),
    reactions: z.record(z.string(), list(z.string())).openapi({ description: "Emoji to who reacted with it." }),
  })
  .openapi("Comment");

export const threadView = z
  .object({
    id: z.string(),
    state: z.enum(["open", "resolved"]),
    quote: z.string(),
    createdBy: person,
    createdAt: z.string(),
    resolvedBy: person.nullable(),
    resolvedAt: z.string().nullable(),
    comments: list(commentView),
  })
  .openapi("Thread");

export const threadList = z.object({ threads: list(threadView) }).openapi("Threads");

export const documentExport = z
  .object({ title: z.string(), content: contentNode, comments: list(threadView).optional() })
  .openapi("DocumentExport");

export const versionContent = z
  .object({ version: versionSummary.nullable(), title: z.string(), content: contentNode })
  .openapi("VersionContent");

export const documentDiff = z
  .object({
    from: versionSummary,
    to: versionSummary.nullable(),
    title: list(contentText),
    content: contentNode,
    authors: list(person),
    summary: list(
      z.object({
        author: z.string().nullable(),
        paragraphsAdded: z.number(),
        paragraphsDeleted: z.number(),
        wordsAdded: z.number(),
        wordsDeleted: z.number(),
        formattingChanges: z.number(),
      }),
    ),
  })
  .openapi("Diff");

export const documentAuthorship = z
  .object({
    title: list(contentText),
    content: contentNode,
    authors: list(person),
    lastEditedBy: person.nullable(),
  })
  .openapi("Authorship");

export const historyChange = z.object({ before: versionSummary, unchanged: z.boolean() }).openapi("HistoryChange");

/** A JSON answer of `schema`, for a route's `responses`. */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { content: { "application/json": { schema } }, description };
}

const errorAnswer = (description: string) => json(apiError, description);

/** The error answers every authenticated route may give, plus `extra`. */
export function errorResponses(
  ...extra: ("invalid-request" | "forbidden" | "not-found" | "gone" | "payload-too-large" | "unsupported-media-type")[]
) {
  const answers = {
    401: errorAnswer("No valid bearer token."),
    503: errorAnswer("Storage is unavailable; retry."),
  } as Record<number, ReturnType<typeof errorAnswer>>;
  for (const code of extra) answers[ApiErrors[code]] = errorAnswer(descriptions[code]);
  return answers;
}

const descriptions = {
  "invalid-request": "The input is not valid; the message says what is wrong.",
  forbidden: "The token's roles do not allow this.",
  "not-found": "No such document (or version).",
  gone: "The share link was revoked or has expired.",
  "payload-too-large": "The body is too large.",
  "unsupported-media-type": "The body is not of a type this endpoint reads.",
} as const;
