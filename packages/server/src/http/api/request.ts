import type { IncomingMessage } from "node:http";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { type AuditRecorder, type ClientAddress, clientAddress } from "../../audit/recorder.js";
import type { Authenticator, Identity } from "../../auth/identity.js";
import { TandemServerError } from "../../errors.js";
import { type ApiResult, fail, failureResponse } from "./respond.js";
import { fromStore } from "./store-result.js";

/** What the API's middleware leaves for its handlers: the caller, authenticated. */
export interface ApiEnv {
  Variables: { identity: Identity };
}

/** Largest JSON body the API reads by default; its requests are a kind, a title, a label. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Who is calling: `Authorization: Bearer <token>`, checked by the same
 * authenticator as the WebSocket (a JWT with `AUTH_SECRET`; in dev mode the
 * JSON identity, or none for "Anonymous").
 */
export async function authenticateHeader(
  header: string | undefined,
  authenticator: Authenticator,
): Promise<ApiResult<Identity>> {
  const token = bearerToken(header);
  if (header !== undefined && token === undefined)
    return fail("unauthorized", "the Authorization header must be 'Bearer <token>'");
  if (token === undefined && !authenticator.devMode) return fail("unauthorized", "a bearer token is required");
  try {
    // The authenticator reads the caller's share-link grants: a store that is down is a 503, not a 500.
    return await fromStore(() => authenticator.authenticate(token ?? ""));
  } catch (error) {
    if (error instanceof TandemServerError && error.code === "invalid-token")
      return fail("unauthorized", error.message);
    throw error;
  }
}

/** The token of an `Authorization: Bearer <token>` header; `undefined` when there is no such header. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? undefined : /^Bearer[ ]+(\S.*)$/i.exec(header);
  return match?.[1]?.trim();
}

/**
 * Where a request came from, for the audit log: the peer's address as Hono's
 * Node adapter hands it over (none through `app.request()`), with what a proxy
 * says it forwarded.
 */
export function callerAddress(c: Context): ClientAddress {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return clientAddress(incoming?.socket.remoteAddress, c.req.header("x-forwarded-for"));
}

/**
 * Authenticates every request it sees (see {@link authenticateHeader}); a
 * refused token is a 401, recorded in the audit log (`sign-in.refused`)
 * first; a store that cannot be read is a 503.
 */
export function authenticated(authenticator: Authenticator, audit: AuditRecorder) {
  return createMiddleware<ApiEnv>(async (c, next) => {
    const identity = await authenticateHeader(c.req.header("authorization"), authenticator);
    if (!identity.ok) {
      // A refused token, not a store that could not be read.
      if (identity.failure.code === "unauthorized") {
        await audit.record({
          action: "sign-in.refused",
          actor: null,
          from: callerAddress(c),
          details: { via: "http", reason: identity.failure.message.slice(0, 200) },
        });
      }
      return failureResponse(identity.failure);
    }
    c.set("identity", identity.value);
    await next();
  });
}

/**
 * Reads a JSON body of at most `maxBytes` before the route's validator sees
 * it. Only `application/json` is accepted: besides saying what the API
 * speaks, it keeps a cross-site HTML form (which can only send form or text
 * bodies) from acting with a dev-mode server's implicit identity (CSRF).
 */
export function jsonBody(maxBytes = MAX_BODY_BYTES) {
  const tooLarge = () =>
    failureResponse({ code: "payload-too-large", message: `the body must be at most ${maxBytes} bytes` });
  const limit = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return createMiddleware(async (c, next) => {
    const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json")
      return failureResponse({ code: "unsupported-media-type", message: "send the body as application/json" });
    return limit(c, async () => {
      try {
        // Parsed here, and cached by the request for the route's validator.
        await c.req.json();
      } catch {
        c.res = failureResponse({ code: "invalid-request", message: "the body is not valid JSON" });
        return;
      }
      await next();
    });
  });
}
