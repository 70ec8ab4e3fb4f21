import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { fromMarkdown, TandemContentError, toHTML, toMarkdown } from "@tandem/content";
import { bodyLimit } from "hono/body-limit";
import type { AuditRecorder } from "../../audit/recorder.js";
import { scopeName } from "../../auth/tenant-names.js";
import type { DocumentService } from "../../documents/service.js";
import { threadsAsContent } from "../../documents/threads.js";
import { DOCUMENTS_PATH } from "./document-path.js";
import { access, checkCanCreate } from "./documents.js";
import { type ApiEnv, callerAddress } from "./request.js";
import { failureResponse, jsonHeaders, refuse, unwrap } from "./respond.js";
import { documentExport, documentSummary, errorResponses, json, threadList } from "./responses.js";
import { documentParams, exportQuery, importQuery } from "./schemas.js";
import { fromStore } from "./store-result.js";

/** Largest Markdown file an import reads. */
export const MAX_IMPORT_BYTES = 1024 * 1024;

const tags = ["content"];
const security = [{ bearer: [] }];
const one = `${DOCUMENTS_PATH}/{name}`;

const exportRoute = createRoute({
  method: "get",
  path: `${one}/content`,
  tags,
  security,
  summary: "Exports a document as ProseMirror JSON, Markdown or HTML, optionally with its comments",
  request: { params: documentParams, query: exportQuery },
  responses: {
    200: {
      description: "The document now (its live state when it is open).",
      content: {
        "application/json": { schema: documentExport },
        "text/markdown": { schema: { type: "string" } },
        "text/html": { schema: { type: "string" } },
      },
    },
    ...errorResponses("invalid-request", "forbidden", "not-found"),
  },
});

const importRoute = createRoute({
  method: "post",
  path: `${DOCUMENTS_PATH}/import`,
  tags,
  security,
  summary: "Creates a document from a Markdown file",
  description:
    "The body is the file, `text/markdown` (at most 1 MiB). A leading `# Title` is the title unless `title` is " +
    "given. Needs the editor or owner role on `<kind>/*`.",
  request: {
    query: importQuery,
    body: { content: { "text/markdown": { schema: { type: "string" } } }, required: true },
  },
  responses: {
    201: json(documentSummary, "The new document."),
    ...errorResponses("invalid-request", "forbidden", "payload-too-large", "unsupported-media-type"),
  },
});

const threadsRoute = createRoute({
  method: "get",
  path: `${one}/comments`,
  tags: ["comments and suggestions"],
  security,
  summary: "The comment threads of a document, oldest first, each open or resolved",
  request: { params: documentParams },
  responses: { 200: json(threadList, "The threads."), ...errorResponses("forbidden", "not-found") },
});

/** Reads a `text/markdown` body of at most {@link MAX_IMPORT_BYTES}. */
const markdownBody = bodyLimit({
  maxSize: MAX_IMPORT_BYTES,
  onError: () =>
    failureResponse({ code: "payload-too-large", message: `the file must be at most ${MAX_IMPORT_BYTES} bytes` }),
});

/**
 * Content in and out (see docs/api.md): exports in the formats of
 * `@tandem/content` (TipTap's own Markdown and HTML serializers), imports of
 * Markdown files as new documents, and the comment threads. Reading needs
 * any role on the document; importing, the right to create its kind. Exports
 * and imports are recorded in the audit log (data leaving or entering).
 */
export function mountContentRoutes(app: OpenAPIHono<ApiEnv>, documents: DocumentService, audit: AuditRecorder): void {
  app.openapi(exportRoute, async (c) => {
    const { document: name } = access(c, c.req.valid("param").name);
    const { format, comments } = c.req.valid("query");
    const document = unwrap(await fromStore(() => documents.readContent(name)));
    const threads = comments ? unwrap(await fromStore(() => documents.readThreads(name))) : undefined;
    await audit.record({
      action: "document.exported",
      actor: c.get("identity"),
      document: name,
      from: callerAddress(c),
      details: { format, comments },
    });
    if (format === "json") return c.json({ ...document, ...(threads ? { comments: threads } : {}) }, 200);
    const body = threads ? [...(document.content.content ?? []), ...threadsAsContent(threads)] : undefined;
    const withComments = body ? { ...document, content: { ...document.content, content: body } } : document;
    const [text, type] =
      format === "markdown" ? [toMarkdown(withComments), "text/markdown"] : [toHTML(withComments), "text/html"];
    return c.body(text, 200, { ...jsonHeaders, "content-type": `${type}; charset=utf-8` });
  });

  app.openapi({ ...importRoute, middleware: [markdownBody] as const }, async (c) => {
    const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (type !== "text/markdown" && type !== "text/plain") {
      refuse("unsupported-media-type", "send the file as text/markdown");
    }
    const identity = c.get("identity");
    const { kind, title } = c.req.valid("query");
    checkCanCreate(identity, kind);
    let parsed: ReturnType<typeof fromMarkdown>;
    try {
      parsed = fromMarkdown(await c.req.text());
    } catch (error) {
      if (error instanceof TandemContentError) refuse("invalid-request", error.message);
      throw error;
    }
    const content = { ...parsed, title: title ?? (parsed.title.trim() || "Untitled") };
    const created = unwrap(await fromStore(() => documents.createFrom(identity, kind, content)));
    await audit.record({
      action: "document.imported",
      actor: identity,
      document: scopeName(identity.tenant, created.name),
      from: callerAddress(c),
      details: { kind },
    });
    return c.json(created, 201);
  });

  app.openapi(threadsRoute, async (c) => {
    const { document } = access(c, c.req.valid("param").name);
    return c.json({ threads: unwrap(await fromStore(() => documents.readThreads(document))) }, 200);
  });
}
