import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { CommentLimits } from "@tandem/protocol";
import type { Context } from "hono";
import type { AuditRecorder } from "../../audit/recorder.js";
import type { PeopleService } from "../../people/service.js";
import { auditEntry, shown } from "./audit.js";
import { type ApiEnv, callerAddress, jsonBody } from "./request.js";
import { refuse, unwrap } from "./respond.js";
import { errorResponses, json } from "./responses.js";
import { emptyBody } from "./schemas.js";
import { fromStore } from "./store-result.js";

/** Where the people endpoints live. */
export const PEOPLE_PATH = "/api/people";

const personParams = z.object({
  id: z
    .string()
    .min(1)
    .max(CommentLimits.userId)
    .openapi({
      param: { name: "id", in: "path" },
      description: "The person's user id (their token's `sub`), percent-encoded.",
      example: "ada",
    }),
});

const profile = z.object({ name: z.string(), color: z.string() });
const at = { thread: z.string(), comment: z.string() };

const documentAboutPerson = z.object({
  name: z.string(),
  title: z.string(),
  author: profile.nullable().openapi({ description: "How the document's history shows them." }),
  profile: profile
    .extend({ program: z.literal(true).optional() })
    .nullable()
    .openapi({ description: "How its comments show them." }),
  comments: z
    .array(
      z.object({
        thread: z.string(),
        id: z.string(),
        quote: z.string(),
        createdAt: z.string(),
        editedAt: z.string().nullable(),
        body: z.string(),
        mentions: z.array(z.string()).readonly(),
        deleted: z.boolean(),
      }),
    )
    .readonly(),
  reactions: z.array(z.object({ ...at, emojis: z.array(z.string()).readonly() })).readonly(),
  mentions: z
    .array(z.object({ ...at, author: z.string(), createdAt: z.string(), body: z.string() }))
    .readonly()
    .openapi({ description: "Other people's comments that mention them." }),
});

const personExport = z
  .object({
    person: z.string(),
    exportedAt: z.string(),
    documents: z.array(documentAboutPerson).readonly(),
    audit: z.array(auditEntry).readonly().openapi({ description: "What they did, oldest first." }),
  })
  .openapi("PersonExport");

const erasure = z
  .object({
    documents: z.number().int().openapi({ description: "Documents whose comments or authorship held them." }),
    comments: z.number().int().openapi({ description: "Their comments, now deleted-comment placeholders." }),
    auditEntries: z.number().int().openapi({ description: "Audit entries whose name and address were blanked." }),
  })
  .openapi("Erasure");

const tags = ["people"];
const security = [{ bearer: [] }];
const ownerOfAll = 'Needs the owner role on every document (`"*": "owner"`).';

const exportRoute = createRoute({
  method: "get",
  path: `${PEOPLE_PATH}/{id}/export`,
  tags,
  security,
  summary: "Everything the service holds about one person, as one JSON file",
  description: `${ownerOfAll} See docs/privacy.md.`,
  request: { params: personParams },
  responses: { 200: json(personExport, "The export."), ...errorResponses("invalid-request", "forbidden") },
});

const eraseRoute = createRoute({
  method: "post",
  path: `${PEOPLE_PATH}/{id}/erase`,
  tags,
  security,
  summary: "Erases a person: their comments, their name and colour, their presence",
  description:
    `${ownerOfAll} The body is \`{}\`. Their comments become deleted-comment placeholders, live; their name and ` +
    "colour leave every document's authorship and comments, and their name and address the audit log. The " +
    "erasure is recorded (`person.erased`) without naming them. See docs/privacy.md.",
  middleware: [jsonBody()] as const,
  request: { params: personParams, body: { content: { "application/json": { schema: emptyBody } }, required: true } },
  responses: { 200: json(erasure, "What was erased."), ...errorResponses("invalid-request", "forbidden") },
});

/** Export and erasure touch every document: only an owner of all of them may. */
function requireOwnerOfAll(c: Context<ApiEnv>): void {
  if (c.get("identity").access["*"] !== "owner") refuse("forbidden", "this needs the owner role on every document");
}

/** Export and erasure of a person (docs/privacy.md). */
export function mountPeopleRoutes(app: OpenAPIHono<ApiEnv>, people: PeopleService, audit: AuditRecorder): void {
  app.openapi(exportRoute, async (c) => {
    requireOwnerOfAll(c);
    const identity = c.get("identity");
    const found = unwrap(await fromStore(() => people.export(identity, c.req.valid("param").id)));
    // The person is not named: the log keeps no personal data of theirs that erasing them would have to find.
    await audit.record({
      action: "person.exported",
      actor: identity,
      from: callerAddress(c),
      details: { documents: found.documents.length },
    });
    return c.json({ ...found, audit: found.audit.map(shown) }, 200, {
      "content-disposition": 'attachment; filename="person.json"',
    });
  });

  app.openapi(eraseRoute, async (c) => {
    requireOwnerOfAll(c);
    const identity = c.get("identity");
    const erased = unwrap(await fromStore(() => people.erase(identity, c.req.valid("param").id)));
    await audit.record({ action: "person.erased", actor: identity, from: callerAddress(c), details: { ...erased } });
    return c.json(erased, 200);
  });
}
