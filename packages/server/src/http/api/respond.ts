import type { ApiErrorBody } from "@tandem/protocol";
import { HTTPException } from "hono/http-exception";

/**
 * The REST API's error codes and their HTTP statuses. Every error answer is
 * `{ "error": { "code", "message" } }`.
 */
export const ApiErrors = {
  "invalid-request": 400,
  unauthorized: 401,
  forbidden: 403,
  "not-found": 404,
  "method-not-allowed": 405,
  gone: 410,
  "payload-too-large": 413,
  "unsupported-media-type": 415,
  internal: 500,
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

/** Headers of every JSON answer: never cached (answers depend on the caller's token). */
export const jsonHeaders = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };

/** The answer for `failure`, with its status; a 401 names the auth scheme (RFC 6750). */
export function failureResponse(failure: ApiFailure): Response {
  const headers = new Headers(jsonHeaders);
  if (failure.code === "unauthorized") headers.set("www-authenticate", 'Bearer realm="tandem"');
  // The unread rest of an oversized body must not be parsed as the next request.
  if (failure.code === "payload-too-large") headers.set("connection", "close");
  const body: ApiErrorBody = { error: failure };
  return new Response(JSON.stringify(body), { status: ApiErrors[failure.code], headers });
}

/**
 * The value of a result, or, for a failure, a throw that the app's error
 * handler answers with {@link failureResponse}: handlers then only return
 * their success, typed by their route.
 */
export function unwrap<T>(result: ApiResult<T>): T {
  if (result.ok) return result.value;
  throw new HTTPException(ApiErrors[result.failure.code], { res: failureResponse(result.failure) });
}

/** Answers with the error `code` (see {@link unwrap}). */
export function refuse(code: ApiErrorCode, message: string): never {
  return unwrap(fail(code, message));
}
