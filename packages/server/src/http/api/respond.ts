import type { ServerResponse } from "node:http";
import type { ApiErrorBody } from "@tandem/protocol";

/** Sends `body` as JSON, never cached. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  response.end(JSON.stringify(body));
}

/**
 * The REST API's error codes and their HTTP statuses. Every error answer is
 * `{ "error": { "code", "message" } }`.
 */
export const ApiErrors = {
  "invalid-request": 400,
  unauthorized: 401,
  forbidden: 403,
  "not-found": 404,
  "payload-too-large": 413,
  "unsupported-media-type": 415,
  "storage-unavailable": 503,
} as const;

/** One of {@link ApiErrors}. */
export type ApiErrorCode = keyof typeof ApiErrors;

/** An error answer not yet sent; handlers return these rather than throw, so every failure has a status. */
export interface ApiFailure {
  readonly code: ApiErrorCode;
  readonly message: string;
}

/** Either a value or the error answer to send instead. */
export type ApiResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly failure: ApiFailure };

export function fail(code: ApiErrorCode, message: string): { ok: false; failure: ApiFailure } {
  return { ok: false, failure: { code, message } };
}

/** Sends `failure` with its status; a 401 names the auth scheme (RFC 6750). */
export function sendFailure(response: ServerResponse, failure: ApiFailure): void {
  if (failure.code === "unauthorized") response.setHeader("www-authenticate", 'Bearer realm="tandem"');
  // The unread rest of an oversized body must not be parsed as the next request.
  if (failure.code === "payload-too-large") response.setHeader("connection", "close");
  const body: ApiErrorBody = { error: failure };
  sendJson(response, ApiErrors[failure.code], body);
}
