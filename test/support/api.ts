/** One answer of the REST API: JSON parsed, anything else as text, an empty body as null. */
export interface ApiAnswer<T> {
  readonly status: number;
  readonly body: T;
  readonly contentType: string | null;
  readonly headers: Headers;
}

/**
 * Calls the REST API of the server at `base` with a bearer token, sending
 * `json` (when given) as an `application/json` body.
 */
export async function apiCall<T = unknown>(
  base: string,
  method: string,
  path: string,
  token: string,
  json?: unknown,
): Promise<ApiAnswer<T>> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(json === undefined ? {} : { "content-type": "application/json" }),
    },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const contentType = response.headers.get("content-type");
  const text = await response.text();
  const body = (contentType?.startsWith("application/json") && text !== "" ? JSON.parse(text) : text || null) as T;
  return { status: response.status, body, contentType, headers: response.headers };
}
