import { type DocumentListQuery, DocumentsClient } from "@tandem/client";
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

/** The list's query as the client kit's {@link DocumentsClient} sends it. */
function listQuery({ kind, q, status, owner, sort, view }: ListQuery): DocumentListQuery {
  return {
    ...(kind ? { kind } : {}),
    ...(q?.trim() ? { q: q.trim() } : {}),
    ...(status ? { status } : {}),
    ...(owner?.trim() ? { owner: owner.trim() } : {}),
    sort,
    order: sort === "title" ? "asc" : "desc",
    archived: view === "archived",
    shared: view === "shared",
  };
}

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
    const body = (await response.json().catch(() => undefined)) as T | ApiErrorBody | undefined;
    if (response.ok && body !== undefined) return body as T;
    const error = (body as ApiErrorBody | undefined)?.error;
    throw new ApiError(response.status, error?.code ?? "http", error?.message ?? `HTTP ${response.status}`);
  }

  // Calls go to the page's own origin, like every other call here.
  const documents = new DocumentsClient({ httpUrl: "", bearerToken: token ?? "" });
  return {
    session: () => request<SessionInfo>("/api/session"),
    list: async (query) => [...(await documents.list(listQuery(query))).documents],
    create: (kind, title) =>
      request<DocumentSummary>("/api/documents", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ kind, title }),
      }),
    get: (name) => request<DocumentSummary>(`/api/documents/${name.split("/").map(encodeURIComponent).join("/")}`),
    setArchived: (name, archived) => documents.setArchived(name, archived),
    duplicate: (name, title) => documents.duplicate(name, title),
    remove: (name) => documents.remove(name),
  };
}
