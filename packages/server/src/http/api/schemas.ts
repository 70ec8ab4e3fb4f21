import { DocumentKinds, MAX_TITLE_LENGTH } from "@tandem/protocol";
import { z } from "zod";

/** Query of `GET /api/documents`. Unknown parameters are ignored. */
export const listQuery = z.object({
  kind: z.enum(DocumentKinds).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

/** Body of `POST /api/documents`. Unknown fields are refused, so a typo is not silently dropped. */
export const createBody = z.strictObject({
  kind: z.enum(DocumentKinds),
  title: z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(MAX_TITLE_LENGTH, `must be at most ${MAX_TITLE_LENGTH} characters`)
    .refine((title) => !/\p{Cc}/u.test(title), "must be one line without control characters"),
});

/** Every problem zod found, one line each, e.g. `title: must not be empty`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ");
}
