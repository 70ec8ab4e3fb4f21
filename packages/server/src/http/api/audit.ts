import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuditEntry, AuditLog, AuditQuery } from "@tandem/persistence";
import { z } from "zod";
import type { AuditRecorder } from "../../audit/recorder.js";
import { roleFor } from "../../auth/access.js";
import type { Authenticator, Identity } from "../../auth/identity.js";
import type { Route } from "../routes.js";
import { authenticateRequest } from "./request.js";
import { type ApiResult, fail, sendFailure, sendJson } from "./respond.js";
import { describeIssues } from "./schemas.js";
import { fromStore } from "./store-result.js";

/** What the audit API needs from the server. */
export interface AuditApiContext {
  readonly log: AuditLog;
  readonly authenticator: Authenticator;
  readonly audit: AuditRecorder;
}

const filters = z.object({
  actor: z.string().min(1).max(200).optional(),
  document: z.string().min(1).max(512).optional(),
  action: z.string().min(1).max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

/** Query of `GET /api/audit`. Unknown parameters are ignored. */
const pageQuery = filters.extend({
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,17}$/, "must be the nextCursor of a previous page")
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** An entry as the API shows it. */
function shown(entry: AuditEntry) {
  return {
    id: entry.id,
    at: entry.at.toISOString(),
    action: entry.action,
    actor: entry.actor,
    actorName: entry.actorName,
    document: entry.document,
    address: entry.address,
    details: entry.details,
  };
}

/**
 * Which entries `identity` may read, or why it may read none. Owners read the
 * entries of the documents they own; entries of no document (refused
 * sign-ins) only an owner of every document (`"*": "owner"`). Asking for one
 * document needs owning it.
 */
function readableBy(identity: Identity, document: string | undefined): ApiResult<(entry: AuditEntry) => boolean> {
  const owns = (name: string) => roleFor(identity.access, name) === "owner";
  if (document !== undefined) {
    return owns(document)
      ? { ok: true, value: () => true }
      : fail("forbidden", `the audit log of ${document} is for its owners`);
  }
  if (!Object.values(identity.access).includes("owner")) return fail("forbidden", "the audit log is for owners");
  const ownsAll = identity.access["*"] === "owner";
  return { ok: true, value: (entry) => (entry.document === null ? ownsAll : owns(entry.document)) };
}

function storeQuery(query: z.infer<typeof filters>): AuditQuery {
  return {
    ...(query.actor ? { actor: query.actor } : {}),
    ...(query.document ? { document: query.document } : {}),
    ...(query.action ? { action: query.action } : {}),
    ...(query.from ? { from: new Date(query.from) } : {}),
    ...(query.to ? { to: new Date(query.to) } : {}),
  };
}

type Answer = (response: ServerResponse) => Promise<void> | void;

async function page(context: AuditApiContext, identity: Identity, url: URL): Promise<ApiResult<Answer>> {
  const query = pageQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) return fail("invalid-request", describeIssues(query.error));
  const readable = readableBy(identity, query.data.document);
  if (!readable.ok) return readable;
  const { cursor, limit } = query.data;
  const entries = await fromStore(() =>
    context.log.query({ ...storeQuery(query.data), order: "desc", limit, ...(cursor ? { after: cursor } : {}) }),
  );
  if (!entries.ok) return entries;
  // A full page may have more after it, even when the caller may read none of this one.
  const nextCursor = entries.value.length === limit ? (entries.value.at(-1)?.id ?? null) : null;
  const body = { entries: entries.value.filter(readable.value).map(shown), nextCursor };
  return { ok: true, value: (response) => sendJson(response, 200, body) };
}

const EXPORT_PAGE = 1000;

async function exported(context: AuditApiContext, identity: Identity, url: URL): Promise<ApiResult<Answer>> {
  const query = filters.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) return fail("invalid-request", describeIssues(query.error));
  const readable = readableBy(identity, query.data.document);
  if (!readable.ok) return readable;
  // The first page is read before answering, so that a store that is down is a 503, not a cut-off 200.
  const first = await fromStore(() =>
    context.log.query({ ...storeQuery(query.data), order: "asc", limit: EXPORT_PAGE }),
  );
  if (!first.ok) return first;
  return {
    ok: true,
    value: async (response) => {
      response.writeHead(200, {
        "content-type": "application/x-ndjson; charset=utf-8",
        "content-disposition": 'attachment; filename="audit.jsonl"',
        "cache-control": "no-store",
      });
      let entries = first.value;
      for (;;) {
        const lines = entries.filter(readable.value).map((entry) => `${JSON.stringify(shown(entry))}\n`);
        // Waits for the client to take each page, so a slow reader holds one page in memory, not the log.
        if (lines.length > 0 && !response.write(lines.join(""))) {
          await new Promise((resolve) => response.once("drain", resolve));
        }
        const last = entries.at(-1)?.id;
        if (entries.length < EXPORT_PAGE || last === undefined || response.destroyed) break;
        // A failure past the first page cannot change the status any more: the router logs it and the body ends short.
        entries = await context.log.query({ ...storeQuery(query.data), order: "asc", limit: EXPORT_PAGE, after: last });
      }
      response.end();
    },
  };
}

function endpoint(
  context: AuditApiContext,
  handler: (context: AuditApiContext, identity: Identity, url: URL) => Promise<ApiResult<Answer>>,
) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(`http://localhost${request.url ?? "/"}`);
    const identity = await authenticateRequest(request, context.authenticator, context.audit);
    const result = identity.ok ? await handler(context, identity.value, url) : identity;
    if (result.ok) await result.value(response);
    else sendFailure(response, result.failure);
  };
}

/**
 * The audit log's API (see docs/audit.md), for owners:
 *
 * - `GET /api/audit[?actor&document&action&from&to][&cursor][&limit]`: newest first, one page
 *   (`{ entries, nextCursor }`; pass `nextCursor` back as `cursor` for the next);
 * - `GET /api/audit/export[?actor&document&action&from&to]`: every matching entry, oldest first, as JSON lines.
 */
export function auditApiRoutes(context: AuditApiContext): Route[] {
  return [
    { method: "GET", path: "/api/audit", handler: endpoint(context, page) },
    { method: "GET", path: "/api/audit/export", handler: endpoint(context, exported) },
  ];
}
