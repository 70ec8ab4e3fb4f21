import type { ApiErrorBody } from "@tandem/protocol";
import { TandemClientError, type TandemClientErrorCode } from "./errors.js";

/**
 * Where REST calls go and as whom: a `TandemConnection` is one; so is
 * `{ httpUrl: "", bearerToken }` in a page that calls its own origin.
 */
export interface RestServer {
  /** The server's HTTP base (`https://tandem.example.com`), or `""` for the page's own origin. */
  readonly httpUrl: string;
  /** The token to send; `""` sends none (dev mode's anonymous editor). */
  readonly bearerToken: string;
}

/** A header value is bytes: the dev-mode JSON token's non-ASCII characters go as JSON escapes. */
const asciiToken = (token: string) =>
  token.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** The `Authorization` header of `server`'s token; none for an empty token. */
export function authorization(server: RestServer): Record<string, string> {
  return server.bearerToken === "" ? {} : { authorization: `Bearer ${asciiToken(server.bearerToken)}` };
}

const codes: Partial<Record<number, TandemClientErrorCode>> = {
  400: "invalid-argument",
  403: "read-only",
  404: "not-found",
  410: "gone",
};

/**
 * Calls the REST API of a server (a connection's) with its token: GET, or
 * `method` with `body` as JSON. Resolves with the JSON answer (`undefined`
 * for a 204).
 *
 * @throws TandemClientError `invalid-argument` (400, the message names the
 * field), `read-only` (403), `not-found` (404), `gone` (410), or
 * `unavailable` (unreachable, or any other failure).
 */
export async function apiRequest<T>(
  server: RestServer,
  path: string,
  options: { readonly method?: string; readonly body?: unknown } = {},
): Promise<T> {
  const headers = authorization(server);
  if (options.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(`${server.httpUrl}${path}`, {
      method: options.method ?? (options.body === undefined ? "GET" : "POST"),
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  } catch (error) {
    throw new TandemClientError("unavailable", `the server cannot be reached: ${String(error)}`, { cause: error });
  }
  if (response.status === 204) return undefined as T;
  const answer = (await response.json().catch(() => undefined)) as T | ApiErrorBody | undefined;
  if (response.ok && answer !== undefined) return answer as T;
  const error = (answer as ApiErrorBody | undefined)?.error;
  throw new TandemClientError(
    codes[response.status] ?? "unavailable",
    error?.message ?? `the server answered ${response.status}`,
  );
}
