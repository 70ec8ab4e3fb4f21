import type { ApiErrorBody, DocumentKind, DocumentSummary, SessionInfo } from "@tandem/protocol";

/** An error answer of the server's REST API, or a network failure (`code` "network"). */
export class ApiError extends Error {
  override readonly name = "ApiError";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The REST API of the Tandem server (docs/standalone-page.md), as one person calls it. */
export interface Api {
  session(): Promise<SessionInfo>;
  list(kind?: DocumentKind): Promise<DocumentSummary[]>;
  create(kind: DocumentKind, title: string): Promise<DocumentSummary>;
  get(name: string): Promise<DocumentSummary>;
}

/** An {@link Api} that sends `token` (a JWT, or the dev-mode JSON) as its bearer token, if there is one. */
export function createApi(token: string | undefined): Api {
  async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
    const headers = new Headers(init.headers);
    if (token !== undefined) headers.set("authorization", `Bearer ${token}`);
    let response: Response;
    try {
      response = await fetch(path, { ...init, headers });
    } catch (error) {
      throw new ApiError(0, "network", `The server cannot be reached (${String(error)}).`);
    }
    const body = (await response.json().catch(() => undefined)) as T | ApiErrorBody | undefined;
    if (response.ok && body !== undefined) return body as T;
    const error = (body as ApiErrorBody | undefined)?.error;
    throw new ApiError(response.status, error?.code ?? "http", error?.message ?? `HTTP ${response.status}`);
  }

  return {
    session: () => request<SessionInfo>("/api/session"),
    list: async (kind) =>
      (await request<{ documents: DocumentSummary[] }>(`/api/documents${kind ? `?kind=${kind}` : ""}`)).documents,
    create: (kind, title) =>
      request<DocumentSummary>("/api/documents", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ kind, title }),
      }),
    get: (name) => request<DocumentSummary>(`/api/documents/${name.split("/").map(encodeURIComponent).join("/")}`),
  };
}
