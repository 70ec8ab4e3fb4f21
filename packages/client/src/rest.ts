import type { ApiErrorBody } from "@tandem/protocol";
import { TandemClientError, type TandemClientErrorCode } from "./errors.js";

/** Where REST calls go and as whom: a `TandemConnection` is one; so is `{ httpUrl: "", bearerToken }` in a page. */
export interface RestServer {
  /** The server's HTTP base (`https://tandem.example.com`), or `""` for the page's own origin. */
  readonly httpUrl: string;
  /** The token to send; `""` sends none (dev mode's anonymous editor). */
  readonly bearerToken: string;
}

/** A header value is bytes: the dev-mode JSON token's non-ASCII characters go as JSON escapes. */
const asciiToken = (token: string) =>
  token.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);

const codes: Record<number, TandemClientErrorCode> = { 400: "invalid-argument", 403: "read-only", 404: "not-found" };

/** `/api/documents/<name>`, the name's slashes encoded, which the server never misreads. */
export const documentPath = (name: string) => `/api/documents/${encodeURIComponent(name)}`;

/**
 * Calls the server's REST API: `body`, when given, as JSON. Resolves with the
 * JSON answer (nothing for a `204`).
 *
 * @throws TandemClientError `invalid-argument` (400), `read-only` (403),
 * `not-found` (404), else `unavailable`, with the server's message.
 */
export async function callRest<T>(
  server: RestServer,
  method: "GET" | "POST" | "PATCH" | "DELETE",
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = {};
  if (server.bearerToken !== "") headers.authorization = `Bearer ${asciiToken(server.bearerToken)}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(`${server.httpUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new TandemClientError("unavailable", `the server cannot be reached: ${String(error)}`, { cause: error });
  }
  if (response.status === 204) return undefined as T;
  const answer = (await response.json().catch(() => undefined)) as T | ApiErrorBody | undefined;
  if (response.ok && answer !== undefined) return answer as T;
  const error = (answer as ApiErrorBody | undefined)?.error;
  const code = codes[response.status] ?? "unavailable";
  throw new TandemClientError(code, error?.message ?? `the server answered ${response.status}`);
}
