import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AuditEntry, AuditLog, AuditQuery } from "@tandem/persistence";
import { accessTo, type Identity } from "../../auth/identity.js";
import { clientName, scopeName } from "../../auth/tenant-names.js";
import type { ApiEnv } from "./request.js";
import { refuse, unwrap } from "./respond.js";
import { errorResponses, json } from "./responses.js";
import { fromStore } from "./store-result.js";

/** Where the audit log's endpoints live. */
export const AUDIT_PATH = "/api/audit";

/** What the audit API needs from the server. */
export interface AuditApiContext {
  readonly log: AuditLog;
}

const filters = z.object({
  actor: z.string().min(1).max(200).optional().openapi({ description: "Entries of this user id." }),
  document: z.string().min(1).max(512).optional().openapi({ description: "Entries about this document." }),
  action: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .openapi({ description: "Entries of this action, e.g. `document.created`." }),
  from: z.iso.datetime({ offset: true }).optional().openapi({ description: "Recorded at or after (ISO 8601)." }),
  to: z.iso.datetime({ offset: true }).optional().openapi({ description: "Recorded before (ISO 8601)." }),
});

const pageQuery = filters.extend({
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,17}$/, "must be the nextCursor of a previous page")
    .optional()
    .openapi({ description: "The `nextCursor` of the previous page." }),
  limit: z.coerce.number().int().min(1).max(1000).default(100).openapi({ description: "At most this many (1–1000)." }),
});

/** An audit entry as the API shows it (also in a person's export). */
export const auditEntry = z
  .object({
    id: z.string().openapi({ description: "Increases with every entry." }),
    at: z.string().openapi({ description: "ISO 8601 time it was recorded." }),
    action: z.string().openapi({ example: "document.created" }),
    actor: z.string().nullable().openapi({ description: "The user id; null when nobody was identified." }),
    actorName: z.string().nullable(),
    document: z.string().nullable(),
    address: z
      .string()
      .nullable()
      .openapi({ description: "The client's address (`<forwarded> via <peer>` behind a proxy)." }),
    details: z.record(z.string(), z.unknown()),
  })
  .openapi("AuditEntry");

const auditPage = z
  .object({
    entries: z.array(auditEntry).readonly(),
    nextCursor: z.string().nullable().openapi({ description: "Pass as `cursor` for the next page; null on the last." }),
  })
  .openapi("AuditPage");

const tags = ["audit"];
const security = [{ bearer: [] }];

const pageRoute = createRoute({
  method: "get",
  path: AUDIT_PATH,
  tags,
  security,
  summary: "Audit entries the caller owns, newest first, one page",
  description:
    "Owners read the entries of the documents they own; entries of no document, only an owner of every document. " +
    "A page may hold fewer entries than `limit` and still have a next one.",
  request: { query: pageQuery },
  responses: { 200: json(auditPage, "One page."), ...errorResponses("invalid-request", "forbidden") },
});

const exportRoute = createRoute({
  method: "get",
  path: `${AUDIT_PATH}/export`,
  tags,
  security,
  summary: "Every audit entry the caller owns that matches, oldest first, as JSON lines",
  request: { query: filters },
  responses: {
    200: {
      description: "One AuditEntry as JSON per line.",
      content: { "application/x-ndjson": { schema: { type: "string" } } },
    },
    ...errorResponses("invalid-request", "forbidden"),
  },
});

/** An entry as the API shows it: its document named as the caller's tenant knows it. */
export function shown(entry: AuditEntry): z.infer<typeof auditEntry> {
  const { tenant: _, at, document, ...rest } = entry;
  return { ...rest, document: document === null ? null : clientName(document), at: at.toISOString() };
}

/**
 * Which entries `identity` may read, of those of its tenant (the store is
 * asked for no others). Owners read the entries of the documents they own;
 * entries of no document (refused sign-ins) only an owner of every document
 * (`"*": "owner"`). Asking for one document (its server name) needs owning it.
 */
function readableBy(identity: Identity, document: string | undefined): (entry: AuditEntry) => boolean {
  const owns = (name: string) => accessTo(identity, name)?.role === "owner";
  if (document !== undefined) {
    if (!owns(document)) refuse("forbidden", `the audit log of ${clientName(document)} is for its owners`);
    return () => true;
  }
  if (!Object.values(identity.access).includes("owner")) refuse("forbidden", "the audit log is for owners");
  const ownsAll = identity.access["*"] === "owner";
  return (entry) => (entry.document === null ? ownsAll : owns(entry.document));
}

/** The store's query for `query`, in `identity`'s tenant, and the server name of the document it asks about. */
function storeQuery(identity: Identity, query: z.infer<typeof filters>): AuditQuery {
  const document = query.document === undefined ? undefined : scopeName(identity.tenant, query.document);
  return {
    tenant: identity.tenant,
    ...(query.actor ? { actor: query.actor } : {}),
    ...(document ? { document } : {}),
    ...(query.action ? { action: query.action } : {}),
    ...(query.from ? { from: new Date(query.from) } : {}),
    ...(query.to ? { to: new Date(query.to) } : {}),
  };
}

const EXPORT_PAGE = 1000;

/** The audit log's endpoints (see docs/audit.md), for owners. */
export function mountAuditRoutes(app: OpenAPIHono<ApiEnv>, context: AuditApiContext): void {
  app.openapi(pageRoute, async (c) => {
    const query = c.req.valid("query");
    const asked = storeQuery(c.get("identity"), query);
    const readable = readableBy(c.get("identity"), asked.document);
    const { cursor, limit } = query;
    const entries = unwrap(
      await fromStore(() =>
        context.log.query({ ...asked, order: "desc", limit, ...(cursor ? { after: cursor } : {}) }),
      ),
    );
    // A full page may have more after it, even when the caller may read none of this one.
    const nextCursor = entries.length === limit ? (entries.at(-1)?.id ?? null) : null;
    return c.json({ entries: entries.filter(readable).map(shown), nextCursor }, 200);
  });

  app.openapi(exportRoute, async (c) => {
    const asked = storeQuery(c.get("identity"), c.req.valid("query"));
    const readable = readableBy(c.get("identity"), asked.document);
    const pageAfter = (after: string | undefined) =>
      context.log.query({ ...asked, order: "asc", limit: EXPORT_PAGE, ...(after ? { after } : {}) });
    // The first page is read before answering, so that a store that is down is a 503, not a cut-off 200.
    let entries: AuditEntry[] | undefined = unwrap(await fromStore(() => pageAfter(undefined)));
    const encoder = new TextEncoder();
    // Pulled a page at a time as the client reads: a slow reader holds one page in memory, not the log.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (entries === undefined) {
          controller.close();
          return;
        }
        const page = entries;
        const last = page.at(-1)?.id;
        // A failure past the first page cannot change the status any more: the stream errors and the body ends short.
        entries = page.length === EXPORT_PAGE && last !== undefined ? await pageAfter(last) : undefined;
        const lines = page.filter(readable).map((entry) => `${JSON.stringify(shown(entry))}\n`);
        if (lines.length > 0) controller.enqueue(encoder.encode(lines.join("")));
      },
    });
    // zod-openapi types a route's answers by content type and knows only JSON and text/plain: JSON lines
    // (application/x-ndjson, as the OpenAPI document says) get no typed answer, so this plain Response is cast.
    return new Response(body, {
      status: 200,
      headers: {
        "content-type": "application/x-ndjson; charset=utf-8",
        "content-disposition": 'attachment; filename="audit.jsonl"',
        "cache-control": "no-store",
      },
    }) as never;
  });
}
