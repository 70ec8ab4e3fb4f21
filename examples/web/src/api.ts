import type { ApiErrorBody, DocumentKind, DocumentSummary, SessionInfo, SpecStatus } from "@tandem/protocol";

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

/** What the list shows: `GET /api/documents`'s filters, as the page offers them. */
export interface ListQuery {
  readonly kind?: DocumentKind | undefined;
  /** Words in the title or the text. */
  readonly q?: string | undefined;
  readonly status?: SpecStatus | undefined;
  readonly owner?: string | undefined;
  /** Last edited first, or by title from A. */
  readonly sort: "updatedAt" | "title";
  /** Active documents, active ones the person did not create, or archived ones. */
  readonly view: "active" | "shared" | "archived";
}

function listPath(query: ListQuery): string {
  const params = new URLSearchParams();
  for (const key of ["kind", "q", "status", "owner"] as const) {
    const value = query[key]?.trim();
    if (value) params.set(key, value);
  }
  params.set("sort", query.sort);
  params.set("order", query.sort === "title" ? "asc" : "desc");
  if (query.view === "archived") params.set("archived", "true");
  if (query.view === "shared") params.set("shared", "true");
  return `/api/documents?${params}`;
}

/** A document name in a path: its slashes as they are, each segment encoded. */
const documentPath = (name: string) => `/api/documents/${name.split("/").map(encodeURIComponent).join("/")}`;

/** The REST API of the Tandem server (docs/standalone-page.md), as one person calls it. */
export interface Api {
  session(): Promise<SessionInfo>;
  list(query: ListQuery): Promise<DocumentSummary[]>;
  create(kind: DocumentKind, title: string): Promise<DocumentSummary>;
  get(name: string): Promise<DocumentSummary>;
  /** Archives (`true`) or unarchives a document; owners only. */
  setArchived(name: string, archived: boolean): Promise<DocumentSummary>;
  duplicate(name: string, title: string): Promise<DocumentSummary>;
  /** Deletes a document for good; owners only. */
  remove(name: string): Promise<void>;
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
    if (response.status === 204) return undefined as T;
    const body = (await response.json().catch(() => undefined)) as T | ApiErrorBody | undefined;
    if (response.ok && body !== undefined) return body as T;
    const error = (body as ApiErrorBody | undefined)?.error;
    throw new ApiError(response.status, error?.code ?? "http", error?.message ?? `HTTP ${response.status}`);
  }

  const post = <T>(path: string, body: unknown) =>
    request<T>(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  return {
    session: () => request<SessionInfo>("/api/session"),
    list: async (query) => (await request<{ documents: DocumentSummary[] }>(listPath(query))).documents,
    create: (kind, title) => post<DocumentSummary>("/api/documents", { kind, title }),
    get: (name) => request<DocumentSummary>(documentPath(name)),
    setArchived: (name, archived) =>
      post<DocumentSummary>(`${documentPath(name)}/${archived ? "archive" : "unarchive"}`, {}),
    duplicate: (name, title) => post<DocumentSummary>(`${documentPath(name)}/duplicate`, { title }),
    remove: (name) => request<void>(documentPath(name), { method: "DELETE" }),
  };
}
