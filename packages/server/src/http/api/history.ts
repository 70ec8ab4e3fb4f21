import type { IncomingMessage, ServerResponse } from "node:http";
import type { JsonValue } from "@tandem/persistence";
import { z } from "zod";
import type { AuditAction, AuditRecorder } from "../../audit/recorder.js";
import { accessTo, type Identity } from "../../auth/identity.js";
import type { DocumentHistory } from "../../history/service.js";
import type { DocumentPath } from "./document-path.js";
import { readJsonBody } from "./request.js";
import { type ApiResult, fail, sendJson } from "./respond.js";
import { createVersionBody, describeIssues, diffQuery, readVersionQuery, revertBody, versionPath } from "./schemas.js";
import { fromStore } from "./store-result.js";

/** A history answer: JSON with a status, or Markdown. */
export type HistoryReply =
  | { readonly status: number; readonly json: unknown }
  | { readonly status: number; readonly markdown: string };

/** Sends a {@link HistoryReply}. */
export function sendHistoryReply(response: ServerResponse, reply: HistoryReply): void {
  if ("json" in reply) {
    sendJson(response, reply.status, reply.json);
    return;
  }
  response.writeHead(reply.status, { "content-type": "text/markdown; charset=utf-8", "cache-control": "no-store" });
  response.end(reply.markdown);
}

function parse<T>(schema: z.ZodType<T>, input: unknown): ApiResult<T> {
  const parsed = schema.safeParse(input);
  return parsed.success ? { ok: true, value: parsed.data } : fail("invalid-request", describeIssues(parsed.error));
}

const json = (status: number) => (value: unknown) => ({ status, json: value });

async function answer<T>(work: () => Promise<T>, reply: (value: T) => HistoryReply): Promise<ApiResult<HistoryReply>> {
  const result = await fromStore(work);
  return result.ok ? { ok: true, value: reply(result.value) } : result;
}

/** An empty JSON body: a POST with nothing to say still says it as JSON, which a cross-site form cannot (CSRF). */
const emptyBody = z.strictObject({});

/**
 * The history endpoints under `/api/documents/<name>/` (see docs/history.md):
 * reading needs any role on the document, changing it (naming a version,
 * restoring, reverting) editor or owner.
 */
export async function historyRequest(
  { history, audit }: { readonly history: DocumentHistory; readonly audit: AuditRecorder },
  identity: Identity,
  request: IncomingMessage,
  url: URL,
  path: DocumentPath,
): Promise<ApiResult<HistoryReply>> {
  const { name } = path;
  // Decided by the name alone, before any lookup, so a 403 says nothing about whether the document exists.
  const access = accessTo(identity, name);
  if (access === undefined) return fail("forbidden", `no access to ${name}`);
  const query = Object.fromEntries(url.searchParams);
  const writes = request.method === "POST";
  /** `result`, once a change that succeeded is in the audit log. */
  const audited = async (
    result: ApiResult<HistoryReply>,
    action: AuditAction,
    details: { [key: string]: JsonValue },
  ) => {
    if (result.ok) await audit.record({ action, actor: identity, document: name, from: request, details });
    return result;
  };
  if (writes && !access.canWrite) {
    return fail("forbidden", `changing the history of ${name} needs the editor or owner role (yours: ${access.role})`);
  }

  if (path.resource === "versions" && path.version === undefined) {
    if (!writes)
      return answer(
        () => history.listVersions(name),
        (list) => ({ status: 200, json: { ...list, canEdit: access.canWrite } }),
      );
    const body = await readJsonBody(request);
    if (!body.ok) return body;
    const input = parse(createVersionBody, body.value);
    if (!input.ok) return input;
    return answer(() => history.createVersion(name, input.value.label, identity), json(201));
  }

  if (path.resource === "versions" && path.version !== undefined) {
    const version = parse(versionPath, path.version);
    if (!version.ok) return version;
    if (path.action === "restore") {
      if (!writes) return fail("not-found", "restore with POST");
      if (version.value === "current") return fail("invalid-request", "restore a version, not the current document");
      const body = await readJsonBody(request);
      if (!body.ok) return body;
      const input = parse(emptyBody, body.value);
      if (!input.ok) return input;
      const restored = await answer(() => history.restore(name, version.value, identity), json(200));
      return audited(restored, "version.restored", { version: version.value });
    }
    if (writes) return fail("not-found", "POST …/versions/<id>/restore to restore a version");
    const read = parse(readVersionQuery, query);
    if (!read.ok) return read;
    if (read.value.format === "markdown") {
      return answer(
        () => history.readMarkdown(name, version.value),
        (markdown) => ({ status: 200, markdown }),
      );
    }
    return answer(() => history.readVersion(name, version.value), json(200));
  }

  if (path.resource === "diff" && !writes) {
    const range = parse(diffQuery, query);
    if (!range.ok) return range;
    if (range.value.from === "current" && range.value.to === "current") {
      return fail("invalid-request", "compare a version with the current document or another version");
    }
    return answer(() => history.diff(name, range.value.from, range.value.to), json(200));
  }

  if (path.resource === "authorship" && !writes) return answer(() => history.authorship(name), json(200));

  if (path.resource === "revert" && writes) {
    const body = await readJsonBody(request);
    if (!body.ok) return body;
    const input = parse(revertBody, body.value);
    if (!input.ok) return input;
    const { author, since } = input.value;
    const reverted = await answer(() => history.revert(name, author, since, identity), json(200));
    return audited(reverted, "document.reverted", {
      author,
      since: since instanceof Date ? since.toISOString() : since,
    });
  }

  return fail("not-found", `no such endpoint: ${request.method} ${url.pathname.slice(0, 200)}`);
}
