import { DocumentKinds, MAX_TITLE_LENGTH } from "@tandem/protocol";
import { z } from "zod";

/** One line of 1 to `max` characters after trimming, without control characters. */
const oneLine = (max: number) =>
  z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`)
    .refine((text) => !/\p{Cc}/u.test(text), "must be one line without control characters");

/** Query of `GET /api/documents`. Unknown parameters are ignored. */
export const listQuery = z.object({
  kind: z.enum(DocumentKinds).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

/** Body of `POST /api/documents`. Unknown fields are refused, so a typo is not silently dropped. */
export const createBody = z.strictObject({
  kind: z.enum(DocumentKinds),
  title: oneLine(MAX_TITLE_LENGTH),
});

/** A version id (an identity value); with `current`, the document as it is now. */
const versionId = z.string().regex(/^[1-9]\d{0,17}$/, "must be a version id");
const versionRef = z.union([versionId, z.literal("current")], { error: "must be a version id or current" });

/** Body of `POST /api/documents/<name>/versions`. */
export const createVersionBody = z.strictObject({ label: oneLine(200) });

/** Query of `GET /api/documents/<name>/versions/<id>`. */
export const readVersionQuery = z.object({ format: z.enum(["json", "markdown"]).default("json") });

/** A version in a path: an id or `current`. */
export const versionPath = versionRef;

/** Query of `GET /api/documents/<name>/diff`: `to` defaults to the current document. */
export const diffQuery = z.object({ from: versionRef, to: versionRef.default("current") });

/** Body of `POST /api/documents/<name>/revert`: whose changes, since which version or time. */
export const revertBody = z.strictObject({
  author: z.string().min(1).max(200),
  since: z.union([versionId, z.iso.datetime({ offset: true }).transform((time) => new Date(time))], {
    error: "must be a version id or an ISO 8601 time",
  }),
});

/** Every problem zod found, one line each, e.g. `title: must not be empty`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ");
}
