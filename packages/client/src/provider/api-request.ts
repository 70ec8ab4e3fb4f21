import type { ApiErrorBody } from "@tandem/protocol";
import { TandemClientError } from "../errors.js";
import type { TandemConnection } from "./connection.js";

/** A header value is bytes: the dev-mode JSON token's non-ASCII characters go as JSON escapes. */
const asciiToken = (token: string) =>
  token.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** The `Authorization` header of the connection's token. */
export function authorization(connection: TandemConnection): Record<string, string> {
  return { authorization: `Bearer ${asciiToken(connection.bearerToken)}` };
}

/**
 * Calls the REST API of the connection's server with its token: GET, or
 * `method` (POST by default) with `body` as JSON. A 403 is `read-only`, a 404
 * `not-found`, anything else that failed `unavailable`.
 */
export async function apiRequest<T>(
  connection: TandemConnection,
  path: string,
  body?: unknown,
  method = body === undefined ? "GET" : "POST",
): Promise<T> {
  const headers = authorization(connection);
  if (body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(`${connection.httpUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new TandemClientError("unavailable", `the server cannot be reached: ${String(error)}`, { cause: error });
  }
  const answer = (await response.json().catch(() => undefined)) as T | ApiErrorBody | undefined;
  if (response.ok && answer !== undefined) return answer as T;
  const error = (answer as ApiErrorBody | undefined)?.error;
  const code = response.status === 403 ? "read-only" : response.status === 404 ? "not-found" : "unavailable";
  throw new TandemClientError(code, error?.message ?? `the server answered ${response.status}`);
}
