import { z } from "@hono/zod-openapi";
import {
  CommentLimits,
  DocumentKinds,
  isCalendarDate,
  isValidDocumentName,
  MAX_CONTRIBUTORS,
  MAX_OWNER_LENGTH,
  MAX_TITLE_LENGTH,
  parseDocumentName,
  SpecPriorities,
  SpecStatuses,
} from "@tandem/protocol";

/**
 * What the API accepts, as zod schemas: each route validates its input with
 * them, and the OpenAPI document is generated from them.
 */

/** One line of 1 to `max` characters after trimming, without control characters. */
const oneLine = (max: number) =>
  z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`)
    .refine((text) => !/\p{Cc}/u.test(text), "must be one line without control characters");

/** `{name}` in a path: a content document's name, its slashes as they are or as `%2F`. */
export const documentParams = z.object({
  name: z
    .string()
    .refine((name) => isValidDocumentName(name) && !parseDocumentName(name).isComments, "is not a document name")
    .openapi({
      param: { name: "name", in: "path" },
      description: "The document's name, e.g. `spec/k3x9q2ab0c` (sent as is, or with its slashes as `%2F`).",
      example: "spec/k3x9q2ab0c",
    }),
});

/** Query of `GET /api/documents`. Unknown parameters are ignored. */
export const listQuery = z.object({
  kind: z.enum(DocumentKinds).optional().openapi({ description: "Only documents of this kind." }),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: "Only documents whose title or text contains this (any case)." }),
  status: z.enum(SpecStatuses).optional().openapi({ description: "Only specs with this status." }),
  owner: z.string().trim().min(1).max(MAX_OWNER_LENGTH).optional().openapi({ description: "Only this owner's specs." }),
  archived: z
    .enum(["false", "true", "all"])
    .default("false")
    .transform((value) => (value === "all" ? "all" : value === "true"))
    .openapi({ description: "`false` (default): active documents; `true`: archived ones; `all`: both." }),
  shared: z
    .enum(["false", "true"])
    .default("false")
    .transform((value) => value === "true")
    .openapi({ description: "`true`: only documents the caller did not create (shared with them)." }),
  sort: z.enum(["updatedAt", "createdAt", "title"]).default("updatedAt").openapi({ description: "What to sort by." }),
  order: z.enum(["asc", "desc"]).default("desc").openapi({ description: "Default `desc`: newest (or Z) first." }),
  limit: z.coerce.number().int().min(1).max(200).default(100).openapi({ description: "At most this many (1–200)." }),
  offset: z.coerce.number().int().min(0).max(100_000).default(0).openapi({ description: "How many to skip." }),
});

/** Body of `POST /api/documents`. Unknown fields are refused, so a typo is not silently dropped. */
export const createBody = z
  .strictObject({
    kind: z.enum(DocumentKinds),
    title: oneLine(MAX_TITLE_LENGTH),
  })
  .openapi("CreateDocument");

/** Body of `PATCH /api/documents/{name}`: what to change; at least one field. */
export const updateBody = z
  .strictObject({
    title: oneLine(MAX_TITLE_LENGTH).optional(),
    status: z.enum(SpecStatuses).optional(),
    owner: oneLine(MAX_OWNER_LENGTH).nullable().optional(),
    contributors: z
      .array(oneLine(MAX_OWNER_LENGTH).refine((name) => !name.includes(","), "must not contain a comma"))
      .max(MAX_CONTRIBUTORS, `at most ${MAX_CONTRIBUTORS} contributors`)
      .refine((names) => new Set(names).size === names.length, "must not repeat a name")
      .optional()
      .openapi({ description: "Who works on the spec, by name; replaces the list, `[]` clears it." }),
    targetDate: z
      .string()
      .refine(isCalendarDate, "must be a calendar day, YYYY-MM-DD")
      .nullable()
      .optional()
      .openapi({ description: "`YYYY-MM-DD`; null clears it.", example: "2027-03-31" }),
    priority: z.enum(SpecPriorities).nullable().optional(),
  })
  .refine(
    (body) => Object.keys(body).length > 0,
    "say what to change: title, status, owner, contributors, targetDate or priority",
  )
  .openapi("UpdateDocument");

/** Query of `GET /api/documents/{name}/content`. */
export const exportQuery = z.object({
  format: z
    .enum(["json", "markdown", "html"])
    .default("json")
    .openapi({ description: "ProseMirror JSON, Markdown or HTML." }),
  comments: z
    .enum(["true", "false"])
    .default("false")
    .transform((value) => value === "true")
    .openapi({ description: "With the comment threads (JSON: `comments`; Markdown and HTML: a Comments section)." }),
});

/** Query of `POST /api/documents/import`: the new document's kind, and a title when the Markdown has no `# Title`. */
export const importQuery = z.object({
  kind: z.enum(DocumentKinds),
  title: oneLine(MAX_TITLE_LENGTH).optional().openapi({ description: "Overrides a leading `# Title` of the file." }),
});

/** Body of `POST /api/documents/{name}/duplicate`: the copy's title, by default the original's. */
export const duplicateBody = z.strictObject({ title: oneLine(MAX_TITLE_LENGTH).optional() }).openapi("Duplicate");

/** A version id (an identity value); with `current`, the document as it is now. */
const versionId = z.string().regex(/^[1-9]\d{0,17}$/, "must be a version id");
const versionRef = z.union([versionId, z.literal("current")], { error: "must be a version id or current" });

/** `{name}` and `{version}` in a path. */
export const versionParams = documentParams.extend({
  version: versionRef.openapi({
    param: { name: "version", in: "path" },
    description: "A version id, or `current` for the document as it is now.",
    example: "42",
  }),
});

/** `{name}` and `{version}` of a version to restore: an id, not `current`. */
export const restoreParams = documentParams.extend({
  version: versionId.openapi({ param: { name: "version", in: "path" }, example: "42" }),
});

/** Body of `POST /api/documents/{name}/versions`. */
export const createVersionBody = z.strictObject({ label: oneLine(200) }).openapi("CreateVersion");

/** Query of `GET /api/documents/{name}/versions/{version}`. */
export const readVersionQuery = z.object({
  format: z.enum(["json", "markdown"]).default("json").openapi({ description: "ProseMirror JSON, or Markdown." }),
});

/** Query of `GET /api/documents/{name}/diff`: `to` defaults to the current document. */
export const diffQuery = z.object({
  from: versionRef.openapi({ description: "A version id." }),
  to: versionRef.default("current").openapi({ description: "A later version id, or `current` (the default)." }),
});

/** Body of `POST /api/documents/{name}/revert`: whose changes, since which version or time. */
export const revertBody = z
  .strictObject({
    author: z.string().min(1).max(200),
    since: z.union([versionId, z.iso.datetime({ offset: true }).transform((time) => new Date(time))], {
      error: "must be a version id or an ISO 8601 time",
    }),
  })
  .openapi("Revert");

/** Text named by quoting it, as a program points at it (see docs/programs.md). */
const quoted = {
  quote: z
    .string()
    .min(1)
    .max(CommentLimits.quote)
    .refine((quote) => quote.trim() !== "", "must hold some text")
    .openapi({ description: "The text as it reads; runs of whitespace (block breaks too) match any whitespace." }),
  occurrence: z
    .number()
    .int()
    .min(0)
    .max(999)
    .default(0)
    .openapi({ description: "Which occurrence of the quote, from 0, when it occurs more than once." }),
};

// The rule for a comment's text is the proposals service's (`checkCommentBody`, shared with the
// client kit): the service is a library API too, so it cannot rely on this schema.
const commentBody = z.string().openapi({ description: `1 to ${CommentLimits.body} characters, once trimmed.` });
const suggestedText = z.string().min(1).max(CommentLimits.suggestionText);

/** Body of `POST /api/documents/{name}/comments`: a thread on the quoted text. */
export const proposeCommentBody = z.strictObject({ ...quoted, body: commentBody }).openapi("ProposeComment");

/** A proposed change, as `@tandem/protocol`'s `Proposal` (an insertion goes right after the quote). */
export const proposal = z
  .discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("replace"), text: suggestedText }),
    z.strictObject({ kind: z.literal("insert"), text: suggestedText }),
    z.strictObject({ kind: z.literal("delete") }),
    z.strictObject({
      kind: z.literal("format"),
      mark: z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9_-]*$/)
        .max(CommentLimits.markName),
      attributes: z.record(z.string(), z.unknown()).nullable().default(null),
      add: z.boolean(),
    }),
  ])
  .openapi("Proposal");

/** Body of `POST /api/documents/{name}/suggestions`: a change proposed on the quoted text. */
export const proposeSuggestionBody = z
  .strictObject({ ...quoted, proposal, comment: commentBody.optional() })
  .openapi("ProposeSuggestion");

/** An empty JSON body: a POST with nothing to say still says it as JSON, which a cross-site form cannot (CSRF). */
export const emptyBody = z.strictObject({}).openapi("Empty");

/** Every problem zod found, one line each, e.g. `title: must not be empty`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ");
}
