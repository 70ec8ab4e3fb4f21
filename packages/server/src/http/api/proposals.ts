import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { commentsDocumentName } from "@tandem/protocol";
import type { Context } from "hono";
import { accessTo } from "../../auth/identity.js";
import { scopeName } from "../../auth/tenant-names.js";
import type { ArchivedDocuments } from "../../documents/archived.js";
import type { DocumentProposals } from "../../proposals/service.js";
import { DOCUMENTS_PATH } from "./document-path.js";
import { refuseIfArchived } from "./documents.js";
import { type ApiEnv, jsonBody } from "./request.js";
import { refuse, unwrap } from "./respond.js";
import { errorResponses, json, proposalResult } from "./responses.js";
import { documentParams, proposeCommentBody, proposeSuggestionBody } from "./schemas.js";
import { fromStore } from "./store-result.js";

const tags = ["comments and suggestions"];
const security = [{ bearer: [] }];
const base = `${DOCUMENTS_PATH}/{name}`;
const jsonRequest = <T>(schema: T) => ({ content: { "application/json": { schema } }, required: true });
const writing = errorResponses("invalid-request", "forbidden", "not-found", "payload-too-large");

const commentRoute = createRoute({
  method: "post",
  path: `${base}/comments`,
  tags,
  security,
  summary: "Starts a comment thread on quoted text",
  middleware: [jsonBody()] as const,
  request: { params: documentParams, body: jsonRequest(proposeCommentBody) },
  responses: { 201: json(proposalResult, "The thread, once it is stored."), ...writing },
});

const suggestionRoute = createRoute({
  method: "post",
  path: `${base}/suggestions`,
  tags,
  security,
  summary: "Proposes a change to quoted text, as a suggestion a person accepts or rejects",
  middleware: [jsonBody()] as const,
  request: { params: documentParams, body: jsonRequest(proposeSuggestionBody) },
  responses: { 201: json(proposalResult, "The suggestion, once it is stored."), ...writing },
});

/**
 * Commenting needs write access to the document's comments, by the rule the
 * WebSocket applies to `<name>#comments` (commenter, editor, owner), decided
 * by the name alone so that a 403 says nothing about whether it exists.
 * Returns the server's name of the document.
 */
function requireCommenter(c: Context<ApiEnv>, name: string): string {
  const identity = c.get("identity");
  const document = scopeName(identity.tenant, name);
  const access = accessTo(identity, commentsDocumentName(document));
  if (access === undefined) refuse("forbidden", `no access to ${name}`);
  if (!access.canWrite) {
    refuse("forbidden", `commenting on ${name} needs the commenter, editor or owner role (yours: ${access.role})`);
  }
  return document;
}

/**
 * Comments and suggestions on quoted text, for programs that cannot hold a
 * socket (see docs/programs.md). Reading a document as Markdown is
 * `GET …/versions/current?format=markdown`.
 */
export function mountProposalRoutes(
  app: OpenAPIHono<ApiEnv>,
  proposals: DocumentProposals,
  archive: ArchivedDocuments,
): void {
  app.openapi(commentRoute, async (c) => {
    const { name } = c.req.valid("param");
    const document = requireCommenter(c, name);
    await refuseIfArchived(archive, document, name);
    const input = c.req.valid("json");
    return c.json(unwrap(await fromStore(() => proposals.comment(document, c.get("identity"), input))), 201);
  });

  app.openapi(suggestionRoute, async (c) => {
    const { name } = c.req.valid("param");
    const document = requireCommenter(c, name);
    await refuseIfArchived(archive, document, name);
    const input = c.req.valid("json");
    return c.json(unwrap(await fromStore(() => proposals.suggest(document, c.get("identity"), input))), 201);
  });
}
