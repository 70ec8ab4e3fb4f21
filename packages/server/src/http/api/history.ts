import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { JsonValue } from "@tandem/persistence";
import type { Context } from "hono";
import type { AuditAction, AuditRecorder } from "../../audit/recorder.js";
import type { ArchivedDocuments } from "../../documents/archived.js";
import type { DocumentHistory } from "../../history/service.js";
import { DOCUMENTS_PATH } from "./document-path.js";
import { access, refuseIfArchived } from "./documents.js";
import { type ApiEnv, callerAddress, jsonBody } from "./request.js";
import { refuse, unwrap } from "./respond.js";
import {
  documentAuthorship,
  documentDiff,
  errorResponses,
  historyChange,
  json,
  versionContent,
  versionList,
  versionSummary,
} from "./responses.js";
import {
  createVersionBody,
  diffQuery,
  documentParams,
  emptyBody,
  readVersionQuery,
  restoreParams,
  revertBody,
  versionParams,
} from "./schemas.js";
import { fromStore } from "./store-result.js";

const tags = ["history"];
const security = [{ bearer: [] }];
const base = `${DOCUMENTS_PATH}/{name}`;
const jsonRequest = <T>(schema: T) => ({ content: { "application/json": { schema } }, required: true });
const reading = errorResponses("invalid-request", "forbidden", "not-found");
const writing = errorResponses("invalid-request", "forbidden", "not-found", "payload-too-large");

const listVersionsRoute = createRoute({
  method: "get",
  path: `${base}/versions`,
  tags,
  security,
  summary: "A document's versions, newest first",
  request: { params: documentParams },
  responses: { 200: json(versionList, "The versions."), ...reading },
});

const createVersionRoute = createRoute({
  method: "post",
  path: `${base}/versions`,
  tags,
  security,
  summary: "Names the current state as a version",
  middleware: [jsonBody()] as const,
  request: { params: documentParams, body: jsonRequest(createVersionBody) },
  responses: { 201: json(versionSummary, "The new version."), ...writing },
});

const readVersionRoute = createRoute({
  method: "get",
  path: `${base}/versions/{version}`,
  tags,
  security,
  summary: "A version's content (or the current document's), as JSON or Markdown",
  request: { params: versionParams, query: readVersionQuery },
  responses: {
    200: {
      description: "The content: ProseMirror JSON, or Markdown with `format=markdown`.",
      content: {
        "application/json": { schema: versionContent },
        "text/markdown": { schema: { type: "string" } },
      },
    },
    ...reading,
  },
});

const restoreRoute = createRoute({
  method: "post",
  path: `${base}/versions/{version}/restore`,
  tags,
  security,
  summary: "Turns the document back into a version (after keeping the current state as a version)",
  middleware: [jsonBody()] as const,
  request: { params: restoreParams, body: jsonRequest(emptyBody) },
  responses: { 200: json(historyChange, "Restored, once the edit is committed."), ...writing },
});

const diffRoute = createRoute({
  method: "get",
  path: `${base}/diff`,
  tags,
  security,
  summary: "What changed between two states, each change with its author",
  request: { params: documentParams, query: diffQuery },
  responses: { 200: json(documentDiff, "The diff."), ...reading },
});

const authorshipRoute = createRoute({
  method: "get",
  path: `${base}/authorship`,
  tags,
  security,
  summary: "The current document with who wrote each run of text",
  request: { params: documentParams },
  responses: { 200: json(documentAuthorship, "The document with authors."), ...reading },
});

const revertRoute = createRoute({
  method: "post",
  path: `${base}/revert`,
  tags,
  security,
  summary: "Reverts one person's changes since a version or a time",
  middleware: [jsonBody()] as const,
  request: { params: documentParams, body: jsonRequest(revertBody) },
  responses: { 200: json(historyChange, "Reverted, once the edit is committed."), ...writing },
});

/** The history endpoints under `/api/documents/{name}/` (see docs/history.md and docs/api.md). */
export function mountHistoryRoutes(
  app: OpenAPIHono<ApiEnv>,
  history: DocumentHistory,
  archive: ArchivedDocuments,
  audit: AuditRecorder,
): void {
  /** Records a change that succeeded in the audit log. */
  const audited = (c: Context<ApiEnv>, action: AuditAction, name: string, details: { [key: string]: JsonValue }) =>
    audit.record({ action, actor: c.get("identity"), document: name, from: callerAddress(c), details });

  app.openapi(listVersionsRoute, async (c) => {
    const { document: name, canWrite } = access(c, c.req.valid("param").name);
    const list = unwrap(await fromStore(() => history.listVersions(name)));
    return c.json({ ...list, canEdit: canWrite }, 200);
  });

  app.openapi(createVersionRoute, async (c) => {
    const { document: name } = access(c, c.req.valid("param").name, "write");
    const { label } = c.req.valid("json");
    return c.json(unwrap(await fromStore(() => history.createVersion(name, label, c.get("identity")))), 201);
  });

  app.openapi(readVersionRoute, async (c) => {
    const { name: asked, version } = c.req.valid("param");
    const { document: name } = access(c, asked);
    if (c.req.valid("query").format === "markdown") {
      const markdown = unwrap(await fromStore(() => history.readMarkdown(name, version)));
      return c.body(markdown, 200, { "content-type": "text/markdown; charset=utf-8", "cache-control": "no-store" });
    }
    return c.json(unwrap(await fromStore(() => history.readVersion(name, version))), 200);
  });

  app.openapi(restoreRoute, async (c) => {
    const { name: asked, version } = c.req.valid("param");
    const { document: name } = access(c, asked, "write");
    await refuseIfArchived(archive, name, asked);
    const restored = unwrap(await fromStore(() => history.restore(name, version, c.get("identity"))));
    await audited(c, "version.restored", name, { version });
    return c.json(restored, 200);
  });

  app.openapi(diffRoute, async (c) => {
    const { document: name } = access(c, c.req.valid("param").name);
    const { from, to } = c.req.valid("query");
    if (from === "current" && to === "current") {
      refuse("invalid-request", "compare a version with the current document or another version");
    }
    return c.json(unwrap(await fromStore(() => history.diff(name, from, to))), 200);
  });

  app.openapi(authorshipRoute, async (c) => {
    const { document: name } = access(c, c.req.valid("param").name);
    return c.json(unwrap(await fromStore(() => history.authorship(name))), 200);
  });

  app.openapi(revertRoute, async (c) => {
    const asked = c.req.valid("param").name;
    const { document: name } = access(c, asked, "write");
    await refuseIfArchived(archive, name, asked);
    const { author, since } = c.req.valid("json");
    const reverted = unwrap(await fromStore(() => history.revert(name, author, since, c.get("identity"))));
    await audited(c, "document.reverted", name, {
      author,
      since: since instanceof Date ? since.toISOString() : since,
    });
    return c.json(reverted, 200);
  });
}
