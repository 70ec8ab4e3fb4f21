import type { IncomingMessage } from "node:http";
import type { AuditRecorder } from "../../audit/recorder.js";
import type { Authenticator, Identity } from "../../auth/identity.js";
import { TandemServerError } from "../../errors.js";
import { type ApiResult, fail } from "./respond.js";

/** Largest JSON body the API reads; its requests are a kind and a title. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Who is calling: `Authorization: Bearer <token>`, checked by the same
 * authenticator as the WebSocket (a JWT with `AUTH_SECRET`; in dev mode the
 * JSON identity, or none for "Anonymous"). A refusal is recorded in the audit
 * log (`sign-in.refused`) before it is answered.
 */
export async function authenticateRequest(
  request: IncomingMessage,
  authenticator: Authenticator,
  audit: AuditRecorder,
): Promise<ApiResult<Identity>> {
  const refuse = async (reason: string) => {
    await audit.record({
      action: "sign-in.refused",
      actor: null,
      from: request,
      details: { via: "http", reason: reason.slice(0, 200) },
    });
    return fail("unauthorized", reason);
  };
  const header = request.headers.authorization;
  const token = bearerToken(header);
  if (header !== undefined && token === undefined) return refuse("the Authorization header must be 'Bearer <token>'");
  if (token === undefined && !authenticator.devMode) return refuse("a bearer token is required");
  try {
    return { ok: true, value: await authenticator.authenticate(token ?? "") };
  } catch (error) {
    if (error instanceof TandemServerError && error.code === "invalid-token") return refuse(error.message);
    throw error;
  }
}

/** The token of an `Authorization: Bearer <token>` header; `undefined` when there is no such header. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? undefined : /^Bearer[ ]+(\S.*)$/i.exec(header);
  return match?.[1]?.trim();
}

/**
 * Reads a JSON body of at most {@link MAX_BODY_BYTES}. Only
 * `application/json` is accepted: besides saying what the API speaks, it keeps
 * a cross-site HTML form (which can only send form or text bodies) from
 * creating documents with a dev-mode server's implicit identity (CSRF).
 */
export async function readJsonBody(request: IncomingMessage): Promise<ApiResult<unknown>> {
  const type = request.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") return fail("unsupported-media-type", "send the body as application/json");
  const declared = Number(request.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES) return fail("payload-too-large", `the body must be at most ${MAX_BODY_BYTES} bytes`);
  const body = await new Promise<Buffer | undefined>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
      // Chunked bodies carry no length up front: stop buffering as soon as one is too big,
      // and let the rest drain unread (the answer closes the connection).
      if (size > MAX_BODY_BYTES) {
        request.off("data", onData);
        request.resume();
        resolve(undefined);
      }
    };
    request.on("data", onData);
    request.once("end", () => resolve(Buffer.concat(chunks)));
    request.once("error", reject);
  });
  if (body === undefined) return fail("payload-too-large", `the body must be at most ${MAX_BODY_BYTES} bytes`);
  try {
    return { ok: true, value: JSON.parse(body.toString("utf8")) };
  } catch {
    return fail("invalid-request", "the body is not valid JSON");
  }
}
