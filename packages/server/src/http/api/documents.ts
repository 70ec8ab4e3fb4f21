import type { Hocuspocus } from "@hocuspocus/server";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
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
import { type Authenticator, accessTo, type Identity, presentUserOf } from "../../auth/identity.js";
import { listedMetadataOf } from "../../documents/metadata.js";
import { newDocumentName } from "../../documents/names.js";
import { presentIn } from "../../documents/presence.js";
import { templateUpdate } from "../../documents/templates.js";
import { DOCUMENTS_PATH } from "./document-path.js";
import { type ApiEnv, jsonBody } from "./request.js";
import { refuse, unwrap } from "./respond.js";
import { documentList, documentSummary, errorResponses, json, sessionInfo } from "./responses.js";
import { createBody, documentParams, listQuery } from "./schemas.js";
import { fromStore } from "./store-result.js";

/** What the documents API needs from the server. */
export interface DocumentApiContext {
  readonly store: DocumentStore;
  readonly hocuspocus: Hocuspocus;
  readonly authenticator: Authenticator;
  /** Told of each document the API creates (`document.created`), when webhooks are on. */
  readonly webhooks?: { documentCreated(name: string, createdBy: string, title: string): void } | undefined;
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

const tags = ["documents"];
const security = [{ bearer: [] }];

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
  summary: "The documents the caller may read, most recently edited first",
  request: { query: listQuery },
  responses: { 200: json(documentList, "The documents."), ...errorResponses("invalid-request") },
});

const createDocumentRoute = createRoute({
  method: "post",
  path: DOCUMENTS_PATH,
  tags,
  security,
  summary: "Creates a document from its kind's template",
  description: "Needs the editor or owner role on `<kind>/*`. The template is stored before anyone can open it.",
  middleware: [jsonBody()] as const,
  request: { body: { content: { "application/json": { schema: createBody } }, required: true } },
  responses: {
    201: json(documentSummary, "The new document."),
    ...errorResponses("invalid-request", "forbidden", "payload-too-large"),
  },
});

const getRoute = createRoute({
  method: "get",
  path: `${DOCUMENTS_PATH}/{name}`,
  tags,
  security,
  summary: "One document",
  request: { params: documentParams },
  responses: { 200: json(documentSummary, "The document."), ...errorResponses("forbidden", "not-found") },
});

/**
 * The documents endpoints (see docs/api.md): the caller's session, listing,
 * creating from a template, and reading one document. Every one needs a
 * role that allows it on the document's name, decided by `accessTo`, the
 * same rule the WebSocket applies.
 */
export function mountDocumentRoutes(app: OpenAPIHono<ApiEnv>, context: DocumentApiContext): void {
  app.openapi(sessionRoute, (c) => {
    const identity = c.get("identity");
    const session: SessionInfo = {
      user: presentUserOf(identity),
      devMode: context.authenticator.devMode,
      // A new document's name is random, so this asks about a name the API could pick.
      canCreate: DocumentKinds.filter((kind) => canCreate(identity, newDocumentName(kind))),
    };
    return c.json(session, 200);
  });

  app.openapi(listRoute, async (c) => {
    const identity = c.get("identity");
    const { kind, limit } = c.req.valid("query");
    const kinds: readonly DocumentKind[] = kind ? [kind] : DocumentKinds;
    const scanned = unwrap(
      await fromStore(() =>
        Promise.all(kinds.map((each) => context.store.list({ prefix: `${each}/`, limit: SCAN_LIMIT }))),
      ),
    );
    const documents = scanned
      .flat()
      .filter((info) => !parseDocumentName(info.name).isComments && accessTo(identity, info.name) !== undefined)
      .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || a.name.localeCompare(b.name))
      .slice(0, limit)
      .map((info) => summarize(context, info));
    return c.json({ documents }, 200);
  });

  app.openapi(createDocumentRoute, async (c) => {
    const identity = c.get("identity");
    const { kind, title } = c.req.valid("json");
    const name = newDocumentName(kind);
    if (!canCreate(identity, name)) {
      refuse("forbidden", `creating a ${kind} needs the editor or owner role on ${kind}/*`);
    }
    const existing = unwrap(await fromStore(() => context.store.stat(name)));
    // Practically unreachable (see newDocumentName); refusing beats merging two templates into one document.
    if (existing !== null) refuse("storage-unavailable", "the generated name is taken; retry");
    const owner = identity.name;
    const stored = unwrap(
      await fromStore(async () => {
        // The template is stored before anyone can open the document, so nobody's editor ever sees it empty.
        // Its creator is its author: the template's text is theirs in the document's history.
        const update = templateUpdate({ kind, title, owner, now: new Date() });
        await context.store.append(name, update, { author: identity.id });
        await context.store.recordAuthor(name, { id: identity.id, name: identity.name, color: identity.color });
        await context.store.setMetadata(name, {
          title: listTitle(title),
          kind,
          status: kind === "spec" ? "draft" : null,
          owner: kind === "spec" ? owner : null,
        });
        return context.store.stat(name);
      }),
    );
    if (stored === null) throw new Error(`${name} was stored but cannot be found`);
    context.webhooks?.documentCreated(name, identity.id, title);
    return c.json(summarize(context, stored), 201);
  });

  app.openapi(getRoute, async (c) => {
    const { name } = c.req.valid("param");
    // Access is decided by the name alone, before the lookup, so a 403 says nothing about whether it exists.
    if (accessTo(c.get("identity"), name) === undefined) refuse("forbidden", `no access to ${name}`);
    const info = unwrap(await fromStore(() => context.store.stat(name)));
    if (info === null) refuse("not-found", `no document named ${name}`);
    return c.json(summarize(context, info), 200);
  });
}
