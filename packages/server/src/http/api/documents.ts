import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { DocumentKinds, documentKindOf, type SessionInfo } from "@tandem/protocol";
import type { Context } from "hono";
import type { AuditAction, AuditRecorder } from "../../audit/recorder.js";
import {
  type Authenticator,
  accessTo,
  type DocumentAccess,
  type Identity,
  presentUserOf,
} from "../../auth/identity.js";
import { scopeName } from "../../auth/tenant-names.js";
import type { ArchivedDocuments } from "../../documents/archived.js";
import { newDocumentName } from "../../documents/names.js";
import type { DocumentService } from "../../documents/service.js";
import { templateUpdate } from "../../documents/templates.js";
import { DOCUMENTS_PATH } from "./document-path.js";
import { type ApiEnv, callerAddress, jsonBody } from "./request.js";
import { refuse, unwrap } from "./respond.js";
import { documentPage, documentSummary, errorResponses, json, sessionInfo } from "./responses.js";
import { createBody, documentParams, duplicateBody, emptyBody, listQuery, updateBody } from "./schemas.js";
import { fromStore } from "./store-result.js";

/** What the documents API needs from the server. */
export interface DocumentApiContext {
  readonly documents: DocumentService;
  readonly archive: ArchivedDocuments;
  readonly authenticator: Authenticator;
  readonly audit: AuditRecorder;
}

/** Whether `identity` may create a document its tenant's clients know as `name`: editor or owner on it. */
export function canCreate(identity: Identity, name: string): boolean {
  const role = accessTo(identity, scopeName(identity.tenant, name))?.role;
  return role === "owner" || role === "editor";
}

/** Refuses a kind the caller may not create (decided on a name the API could pick). */
export function checkCanCreate(identity: Identity, kind: (typeof DocumentKinds)[number]): void {
  if (!canCreate(identity, newDocumentName(kind))) {
    refuse("forbidden", `creating a ${kind} needs the editor or owner role on ${kind}/*`);
  }
}

/** The caller's access to a document, and the document's name on the server. */
export interface CallerAccess extends DocumentAccess {
  /** The server's name of the document (see `scopeName`): what the services, the store and the audit log take. */
  readonly document: string;
}

/**
 * The caller's access to `name` (as the caller's tenant knows it), at least
 * `needs`: decided by the name alone, before any lookup, so a 403 says
 * nothing about whether the document exists. The name is scoped by the
 * caller's tenant, so no name reaches another tenant's documents.
 */
export function access(c: Context<ApiEnv>, name: string, needs: "read" | "write" | "owner" = "read"): CallerAccess {
  const identity = c.get("identity");
  const document = scopeName(identity.tenant, name);
  const found = accessTo(identity, document);
  if (found === undefined) refuse("forbidden", `no access to ${name}`);
  if (needs === "write" && !found.canWrite) {
    refuse("forbidden", `this needs the editor or owner role on ${name} (yours: ${found.role})`);
  }
  if (needs === "owner" && found.role !== "owner") {
    refuse("forbidden", `this needs the owner role on ${name} (yours: ${found.role})`);
  }
  return { ...found, document };
}

/**
 * Refuses a change to the content or comments of an archived document: every
 * role is a viewer's until an owner unarchives it, on the WebSocket too.
 * `document` is the name inside the server (tenant-scoped), `shown` the one the caller used.
 */
export async function refuseIfArchived(archive: ArchivedDocuments, document: string, shown: string): Promise<void> {
  if (unwrap(await fromStore(() => archive.isArchived(document)))) {
    refuse("forbidden", `${shown} is archived: it is read-only until an owner unarchives it`);
  }
}

const tags = ["documents"];
const security = [{ bearer: [] }];
const one = `${DOCUMENTS_PATH}/{name}`;
const jsonRequest = <T>(schema: T) => ({ content: { "application/json": { schema } }, required: true });
const changing = errorResponses("invalid-request", "forbidden", "not-found", "payload-too-large");

const sessionRoute = createRoute({
  method: "get",
  path: "/api/session",
  tags: ["session"],
  security,
  summary: "Who the caller is and what they may create",
  responses: { 200: json(sessionInfo, "The caller."), ...errorResponses() },
});

const listRoute = createRoute({
  method: "get",
  path: DOCUMENTS_PATH,
  tags,
  security,
  summary: "The ideas and specs the caller may read: searched, filtered, sorted, a page at a time",
  request: { query: listQuery },
  responses: { 200: json(documentPage, "One page of documents."), ...errorResponses("invalid-request") },
});

const createDocumentRoute = createRoute({
  method: "post",
  path: DOCUMENTS_PATH,
  tags,
  security,
  summary: "Creates a document from its kind's template",
  description: "Needs the editor or owner role on `<kind>/*`. The template is stored before anyone can open it.",
  middleware: [jsonBody()] as const,
  request: { body: jsonRequest(createBody) },
  responses: { 201: json(documentSummary, "The new document."), ...errorResponses("invalid-request", "forbidden") },
});

const getRoute = createRoute({
  method: "get",
  path: one,
  tags,
  security,
  summary: "One document",
  request: { params: documentParams },
  responses: { 200: json(documentSummary, "The document."), ...errorResponses("forbidden", "not-found") },
});

const updateRoute = createRoute({
  method: "patch",
  path: one,
  tags,
  security,
  summary: "Changes the title, or a spec's status, owner, contributors, target date or priority (null clears one)",
  description:
    "Needs the editor or owner role, and the document not archived. The change is an edit of the document that " +
    "everyone sees live.",
  middleware: [jsonBody()] as const,
  request: { params: documentParams, body: jsonRequest(updateBody) },
  responses: { 200: json(documentSummary, "The document as changed."), ...changing },
});

const deleteRoute = createRoute({
  method: "delete",
  path: one,
  tags,
  security,
  summary: "Deletes a document with its history, versions and comments",
  description:
    "Needs the owner role. Whoever has it open is disconnected from it with the close reason `document-deleted`.",
  request: { params: documentParams },
  responses: { 204: { description: "Deleted." }, ...errorResponses("forbidden", "not-found") },
});

const archiveRoute = (archived: boolean) =>
  createRoute({
    method: "post",
    path: `${one}/${archived ? "archive" : "unarchive"}`,
    tags,
    security,
    summary: archived
      ? "Archives a document: lists leave it out by default, and it is read-only for everyone"
      : "Unarchives a document",
    description:
      "Needs the owner role. The body is `{}`. While archived, every role is capped at viewer: the WebSocket " +
      "applies nobody's updates (open connections are told their new scope at once) and the API refuses changes " +
      "with 403.",
    middleware: [jsonBody()] as const,
    request: { params: documentParams, body: jsonRequest(emptyBody) },
    responses: { 200: json(documentSummary, "The document."), ...changing },
  });

const duplicateRoute = createRoute({
  method: "post",
  path: `${one}/duplicate`,
  tags,
  security,
  summary: "Copies a document's title and body into a new document of its kind (comments are not copied)",
  description: "Needs a role on the document and the editor or owner role on `<kind>/*`.",
  middleware: [jsonBody()] as const,
  request: { params: documentParams, body: jsonRequest(duplicateBody) },
  responses: { 201: json(documentSummary, "The copy."), ...changing },
});

/**
 * The documents endpoints (see docs/api.md). Every one needs a role that
 * allows it on the document's name, decided by `accessTo`, the rule the
 * WebSocket applies: any role reads, editor or owner writes, owner archives
 * and deletes.
 */
export function mountDocumentRoutes(
  app: OpenAPIHono<ApiEnv>,
  { documents, archive, authenticator, audit }: DocumentApiContext,
): void {
  /** Records a change that succeeded in the audit log. */
  const audited = (c: Context<ApiEnv>, action: AuditAction, name: string, details?: { [key: string]: string }) =>
    audit.record({
      action,
      actor: c.get("identity"),
      document: name,
      from: callerAddress(c),
      ...(details ? { details } : {}),
    });

  app.openapi(sessionRoute, (c) => {
    const identity = c.get("identity");
    const session: SessionInfo = {
      user: presentUserOf(identity),
      devMode: authenticator.devMode,
      // A new document's name is random, so this asks about a name the API could pick.
      canCreate: DocumentKinds.filter((kind) => canCreate(identity, newDocumentName(kind))),
    };
    return c.json(session, 200);
  });

  app.openapi(listRoute, async (c) => {
    const page = unwrap(await fromStore(() => documents.list(c.get("identity"), c.req.valid("query"))));
    return c.json(page, 200);
  });

  app.openapi(createDocumentRoute, async (c) => {
    const identity = c.get("identity");
    const { kind, title } = c.req.valid("json");
    checkCanCreate(identity, kind);
    // The template is its creator's text in the document's history; a spec is theirs to own.
    const update = templateUpdate({ kind, title, owner: identity.name, now: new Date() });
    const created = unwrap(await fromStore(() => documents.create(identity, kind, title, update)));
    await audited(c, "document.created", scopeName(identity.tenant, created.name), { kind });
    return c.json(created, 201);
  });

  app.openapi(getRoute, async (c) => {
    const { document } = access(c, c.req.valid("param").name);
    return c.json(unwrap(await fromStore(() => documents.get(document, c.get("identity")))), 200);
  });

  app.openapi(updateRoute, async (c) => {
    const { name } = c.req.valid("param");
    const { document } = access(c, name, "write");
    await refuseIfArchived(archive, document, name);
    const change = c.req.valid("json");
    const specOnly = (["status", "owner", "contributors", "targetDate", "priority"] as const).filter(
      (field) => change[field] !== undefined,
    );
    if (documentKindOf(name) !== "spec" && specOnly.length > 0) {
      refuse("invalid-request", `only specs have ${specOnly.join(", ")}`);
    }
    return c.json(unwrap(await fromStore(() => documents.updateMetadata(c.get("identity"), document, change))), 200);
  });

  app.openapi(deleteRoute, async (c) => {
    const { document } = access(c, c.req.valid("param").name, "owner");
    unwrap(await fromStore(() => documents.delete(document, c.get("identity").id)));
    await audited(c, "document.deleted", document);
    return c.body(null, 204);
  });

  for (const archived of [true, false]) {
    app.openapi(archiveRoute(archived), async (c) => {
      const { document } = access(c, c.req.valid("param").name, "owner");
      const changed = unwrap(await fromStore(() => documents.setArchived(document, archived, c.get("identity"))));
      await audited(c, archived ? "document.archived" : "document.unarchived", document);
      return c.json(changed, 200);
    });
  }

  app.openapi(duplicateRoute, async (c) => {
    const { name } = c.req.valid("param");
    const { document } = access(c, name);
    const identity = c.get("identity");
    const kind = documentKindOf(name);
    if (kind === null) return refuse("invalid-request", `${name} is not an idea or a spec`);
    checkCanCreate(identity, kind);
    const { title } = c.req.valid("json");
    const copy = unwrap(await fromStore(() => documents.duplicate(identity, document, title)));
    await audited(c, "document.created", scopeName(identity.tenant, copy.name), { kind, duplicateOf: name });
    return c.json(copy, 201);
  });
}
