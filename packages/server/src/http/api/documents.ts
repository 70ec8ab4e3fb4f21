import type { IncomingMessage, ServerResponse } from "node:http";
import type { Hocuspocus } from "@hocuspocus/server";
import type { DocumentInfo, DocumentStore } from "@tandem/persistence";
import {
  type DocumentKind,
  DocumentKinds,
  type DocumentSummary,
  documentKindOf,
  documentMetaFrom,
  listTitle,
  parseDocumentName,
  type SessionInfo,
} from "@tandem/protocol";
import type { AuditRecorder } from "../../audit/recorder.js";
import { type Authenticator, accessTo, type Identity } from "../../auth/identity.js";
import { listedMetadataOf } from "../../documents/metadata.js";
import { newDocumentName } from "../../documents/names.js";
import { presentIn } from "../../documents/presence.js";
import { templateUpdate } from "../../documents/templates.js";
import type { DocumentHistory } from "../../history/service.js";
import type { Route } from "../routes.js";
import { type DocumentPath, parseDocumentPath } from "./document-path.js";
import { type HistoryReply, historyRequest, sendHistoryReply } from "./history.js";
import { authenticateRequest, readJsonBody } from "./request.js";
import { type ApiErrors, type ApiFailure, type ApiResult, fail, sendFailure } from "./respond.js";
import { createBody, describeIssues, listQuery } from "./schemas.js";
import { fromStore } from "./store-result.js";

/** What the documents API needs from the server. */
export interface DocumentApiContext {
  readonly store: DocumentStore;
  readonly hocuspocus: Hocuspocus;
  readonly authenticator: Authenticator;
  readonly history: DocumentHistory;
  readonly audit: AuditRecorder;
}

// How many of the most recently edited documents of a kind a list looks at
// before it drops those the caller may not read (the store's largest page).
const SCAN_LIMIT = 1000;

function canCreate(identity: Identity, name: string): boolean {
  const role = accessTo(identity, name)?.role;
  return role === "owner" || role === "editor";
}

/** A stored document as listed: live title and metadata when it is open here (fresher than the mirror). */
function summarize(context: DocumentApiContext, info: DocumentInfo): DocumentSummary {
  const live = context.hocuspocus.documents.get(info.name);
  const metadata = (live && listedMetadataOf(live)) ?? info.metadata;
  const kind = documentKindOf(info.name);
  // The name decides the kind: it cannot change, while `meta.kind` is whatever a client last wrote.
  const meta = documentMetaFrom({ ...metadata, kind });
  return {
    name: info.name,
    title: listTitle(typeof metadata.title === "string" ? metadata.title : ""),
    kind,
    status: meta.status,
    owner: meta.owner,
    updatedAt: info.updatedAt.toISOString(),
    present: presentIn(context.hocuspocus, info.name),
  };
}

async function listDocuments(context: DocumentApiContext, identity: Identity, url: URL): Promise<ApiResult<unknown>> {
  const query = listQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) return fail("invalid-request", describeIssues(query.error));
  const { kind, limit } = query.data;
  const kinds: readonly DocumentKind[] = kind ? [kind] : DocumentKinds;
  const scanned = await fromStore(() =>
    Promise.all(kinds.map((each) => context.store.list({ prefix: `${each}/`, limit: SCAN_LIMIT }))),
  );
  if (!scanned.ok) return scanned;
  const documents = scanned.value
    .flat()
    .filter((info) => !parseDocumentName(info.name).isComments && accessTo(identity, info.name) !== undefined)
    .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((info) => summarize(context, info));
  return { ok: true, value: { documents } };
}

async function createDocument(
  context: DocumentApiContext,
  identity: Identity,
  request: IncomingMessage,
): Promise<ApiResult<DocumentSummary>> {
  const body = await readJsonBody(request);
  if (!body.ok) return body;
  const input = createBody.safeParse(body.value);
  if (!input.success) return fail("invalid-request", describeIssues(input.error));
  const { kind, title } = input.data;
  const name = newDocumentName(kind);
  if (!canCreate(identity, name)) {
    return fail("forbidden", `creating a ${kind} needs the editor or owner role on ${kind}/*`);
  }
  const existing = await fromStore(() => context.store.stat(name));
  if (!existing.ok) return existing;
  // Practically unreachable (see newDocumentName); refusing beats merging two templates into one document.
  if (existing.value !== null) return fail("storage-unavailable", "the generated name is taken; retry");
  const owner = identity.name;
  const stored = await fromStore(async () => {
    // The template is stored before anyone can open the document, so nobody's editor ever sees it empty.
    // Its creator is its author: the template's text is theirs in the document's history.
    await context.store.append(name, templateUpdate({ kind, title, owner, now: new Date() }), { author: identity.id });
    await context.store.recordAuthor(name, { id: identity.id, name: identity.name, color: identity.color });
    await context.store.setMetadata(name, {
      title: listTitle(title),
      kind,
      status: kind === "spec" ? "draft" : null,
      owner: kind === "spec" ? owner : null,
    });
    return context.store.stat(name);
  });
  if (!stored.ok) return stored;
  if (stored.value === null) throw new Error(`${name} was stored but cannot be found`);
  await context.audit.record({
    action: "document.created",
    actor: identity,
    document: name,
    from: request,
    details: { kind },
  });
  return { ok: true, value: summarize(context, stored.value) };
}

async function getDocument(
  context: DocumentApiContext,
  identity: Identity,
  { name }: DocumentPath,
): Promise<ApiResult<unknown>> {
  // Access is decided by the name alone, before the lookup, so a 403 says nothing about whether it exists.
  if (accessTo(identity, name) === undefined) return fail("forbidden", `no access to ${name}`);
  const info = await fromStore(() => context.store.stat(name));
  if (!info.ok) return info;
  if (info.value === null) return fail("not-found", `no document named ${name}`);
  return { ok: true, value: summarize(context, info.value) };
}

function session(context: DocumentApiContext, identity: Identity): SessionInfo {
  return {
    user: { id: identity.id, name: identity.name, color: identity.color },
    devMode: context.authenticator.devMode,
    // A new document's name is random, so this asks about a name the API could pick.
    canCreate: DocumentKinds.filter((kind) => canCreate(identity, newDocumentName(kind))),
  };
}

type Handler = (identity: Identity, request: IncomingMessage, url: URL) => Promise<ApiResult<HistoryReply>>;

/** Wraps a handler with authentication and the answer, success or {@link ApiFailure}. */
function endpoint(context: DocumentApiContext, handler: Handler) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    // The router only routes origin-form targets (`/path?query`); appending keeps `//host/x` from naming a host.
    const url = new URL(`http://localhost${request.url ?? "/"}`);
    const identity = await authenticateRequest(request, context.authenticator, context.audit);
    const result = identity.ok ? await handler(identity.value, request, url) : identity;
    if (result.ok) sendHistoryReply(response, result.value);
    else sendFailure(response, result.failure);
  };
}

/** A JSON handler answering `status` on success. */
function jsonEndpoint(
  context: DocumentApiContext,
  status: number,
  handler: (identity: Identity, request: IncomingMessage, url: URL) => Promise<ApiResult<unknown>>,
) {
  return endpoint(context, async (identity, request, url) => {
    const result = await handler(identity, request, url);
    return result.ok ? { ok: true, value: { status, json: result.value } } : result;
  });
}

/** `/api/documents/<name>` and the history resources under it (see `parseDocumentPath`). */
async function documentRequest(
  context: DocumentApiContext,
  identity: Identity,
  request: IncomingMessage,
  url: URL,
): Promise<ApiResult<HistoryReply>> {
  const path = parseDocumentPath(url.pathname.slice(DOCUMENT_PREFIX.length));
  if (!path.ok) return path;
  if (path.value.resource !== null) return historyRequest(context, identity, request, url, path.value);
  if (request.method !== "GET")
    return fail("not-found", `no such endpoint: ${request.method} ${url.pathname.slice(0, 200)}`);
  const document = await getDocument(context, identity, path.value);
  return document.ok ? { ok: true, value: { status: 200, json: document.value } } : document;
}

const DOCUMENT_PREFIX = "/api/documents/";

/**
 * The REST API of the standalone page (see docs/standalone-page.md):
 *
 * - `GET /api/session`: who the caller is and what they may create;
 * - `GET /api/documents[?kind=spec|idea][&limit=N]`: the ideas and specs the caller may read, most recently
 *   edited first, with title, kind, status, owner, last edit and who is in each now;
 * - `POST /api/documents {kind, title}`: creates a document from its template (editor or owner on `<kind>/*`);
 * - `GET /api/documents/<name>`: one document;
 * - under `/api/documents/<name>/`: its history (versions, diffs, authorship, restore, revert; see `historyRequest`
 *   and docs/history.md).
 *
 * Every answer is JSON (but a version read as Markdown); errors are `{ error: { code, message } }` (codes in
 * {@link ApiErrors}).
 */
export function documentApiRoutes(context: DocumentApiContext): Route[] {
  const document = endpoint(context, (id, request, url) => documentRequest(context, id, request, url));
  return [
    {
      method: "GET",
      path: "/api/session",
      handler: jsonEndpoint(context, 200, async (id) => ({ ok: true, value: session(context, id) })),
    },
    {
      method: "GET",
      path: "/api/documents",
      handler: jsonEndpoint(context, 200, (id, _req, url) => listDocuments(context, id, url)),
    },
    {
      method: "POST",
      path: "/api/documents",
      handler: jsonEndpoint(context, 201, (id, req) => createDocument(context, id, req)),
    },
    { method: "GET", path: DOCUMENT_PREFIX, handler: document },
    { method: "POST", path: DOCUMENT_PREFIX, handler: document },
  ];
}
