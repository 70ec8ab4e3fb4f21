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
  readonly authenticator: Authenticator;
  readonly audit: AuditRecorder;
}

/** Whether `identity` may create a document named `name`: editor or owner on it. */
export function canCreate(identity: Identity, name: string): boolean {
  const role = accessTo(identity, name)?.role;
  return role === "owner" || role === "editor";
}

/** Refuses a kind the caller may not create (decided on a name the API could pick). */
export function checkCanCreate(identity: Identity, kind: (typeof DocumentKinds)[number]): void {
  if (!canCreate(identity, newDocumentName(kind))) {
    refuse("forbidden", `creating a ${kind} needs the editor or owner role on ${kind}/*`);
  }
}

/**
 * The caller's access to `name`, at least `needs`: decided by the name alone,
 * before any lookup, so a 403 says nothing about whether the document exists.
 */
export function access(c: Context<ApiEnv>, name: string, needs: "read" | "write" | "owner" = "read"): DocumentAccess {
  const found = accessTo(c.get("identity"), name);
  if (found === undefined) refuse("forbidden", `no access to ${name}`);
  if (needs === "write" && !found.canWrite) {
    refuse("forbidden", `this needs the editor or owner role on ${name} (yours: ${found.role})`);
  }
  if (needs === "owner" && found.role !== "owner") {
    refuse("forbidden", `this needs the owner role on ${name} (yours: ${found.role})`);
  }
  return found;
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
  description: "Needs the editor or owner role. The change is an edit of the document that everyone sees live.",
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
    summary: archived ? "Archives a document: lists leave it out by default" : "Unarchives a document",
    description: "Needs the owner role. The body is `{}`.",
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
  { documents, authenticator, audit }: DocumentApiContext,
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
    await audited(c, "document.created", created.name, { kind });
    return c.json(created, 201);
  });

  app.openapi(getRoute, async (c) => {
    const { name } = c.req.valid("param");
    access(c, name);
    return c.json(unwrap(await fromStore(() => documents.get(name, c.get("identity")))), 200);
  });

  app.openapi(updateRoute, async (c) => {
    const { name } = c.req.valid("param");
    access(c, name, "write");
    const change = c.req.valid("json");
    const specOnly = (["status", "owner", "contributors", "targetDate", "priority"] as const).filter(
      (field) => change[field] !== undefined,
    );
    if (documentKindOf(name) !== "spec" && specOnly.length > 0) {
      refuse("invalid-request", `only specs have ${specOnly.join(", ")}`);
    }
    return c.json(unwrap(await fromStore(() => documents.updateMetadata(c.get("identity"), name, change))), 200);
  });

  app.openapi(deleteRoute, async (c) => {
    const { name } = c.req.valid("param");
    access(c, name, "owner");
    unwrap(await fromStore(() => documents.delete(name, c.get("identity").id)));
    await audited(c, "document.deleted", name);
    return c.body(null, 204);
  });

  for (const archived of [true, false]) {
    app.openapi(archiveRoute(archived), async (c) => {
      const { name } = c.req.valid("param");
      access(c, name, "owner");
      const changed = unwrap(await fromStore(() => documents.setArchived(name, archived, c.get("identity"))));
      await audited(c, archived ? "document.archived" : "document.unarchived", name);
      return c.json(changed, 200);
    });
  }

  app.openapi(duplicateRoute, async (c) => {
    const { name } = c.req.valid("param");
    access(c, name);
    const identity = c.get("identity");
    const kind = documentKindOf(name);
    if (kind === null) return refuse("invalid-request", `${name} is not an idea or a spec`);
    checkCanCreate(identity, kind);
    const { title } = c.req.valid("json");
    const copy = unwrap(await fromStore(() => documents.duplicate(identity, name, title)));
    await audited(c, "document.created", copy.name, { kind, duplicateOf: name });
    return c.json(copy, 201);
  });
}
