import type { DocumentKind, DocumentPage, DocumentSummary, SpecPriority, SpecStatus } from "@tandem/protocol";
import { apiRequest, type RestServer } from "../rest.js";

/** `/api/documents/<name>`, the name's slashes encoded, which the server never misreads. */
const documentPath = (name: string) => `/api/documents/${encodeURIComponent(name)}`;

/** What {@link DocumentsClient.list} asks for: `GET /api/documents`'s query (docs/api.md); all optional. */
export interface DocumentListQuery {
  readonly kind?: DocumentKind;
  /** Words in the title or the text, in any case. */
  readonly q?: string;
  readonly status?: SpecStatus;
  readonly owner?: string;
  /** `false` (the server's default): active documents; `true`: archived ones; `all`: both. */
  readonly archived?: boolean | "all";
  /** Only documents the caller may read and did not create. */
  readonly shared?: boolean;
  readonly sort?: "updatedAt" | "createdAt" | "title";
  readonly order?: "asc" | "desc";
  readonly limit?: number;
  readonly offset?: number;
}

/** What {@link DocumentsClient.update} changes; what is left out stays, `null` clears. Spec fields only on specs. */
export interface DocumentChange {
  readonly title?: string;
  readonly status?: SpecStatus;
  readonly owner?: string | null;
  readonly contributors?: readonly string[];
  /** `YYYY-MM-DD`. */
  readonly targetDate?: string | null;
  readonly priority?: SpecPriority | null;
}

/**
 * The documents endpoints of a Tandem server (docs/api.md): list, search
 * and filter, change, archive, duplicate and delete, as the token allows
 * (the answers' `role` says what the caller may do to each document).
 *
 * @example
 * ```ts
 * const documents = new DocumentsClient(connection); // or { httpUrl: "https://tandem.example.com", bearerToken }
 * const { documents: found } = await documents.list({ q: "offline", kind: "spec", sort: "title", order: "asc" });
 * const mine = await documents.list({ shared: false });
 * await documents.setArchived(found[0].name, true);
 * ```
 */
export class DocumentsClient {
  constructor(private readonly server: RestServer) {}

  /** One page of the documents the caller may read; `nextOffset` asks for the next. */
  list(query: DocumentListQuery = {}): Promise<DocumentPage> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) params.set(key, String(value));
    }
    const search = params.size > 0 ? `?${params}` : "";
    return apiRequest(this.server, `/api/documents${search}`);
  }

  get(name: string): Promise<DocumentSummary> {
    return apiRequest(this.server, documentPath(name));
  }

  /** Changes the title or a spec's details, as a live edit everyone with it open sees (editors and owners). */
  update(name: string, change: DocumentChange): Promise<DocumentSummary> {
    return apiRequest(this.server, documentPath(name), { method: "PATCH", body: change });
  }

  /** Archives (`true`) or unarchives a document (owners). */
  setArchived(name: string, archived: boolean): Promise<DocumentSummary> {
    return apiRequest(this.server, `${documentPath(name)}/${archived ? "archive" : "unarchive"}`, { body: {} });
  }

  /** A new document of the same kind with the same body, titled `title` (by default the original's). */
  duplicate(name: string, title?: string): Promise<DocumentSummary> {
    return apiRequest(this.server, `${documentPath(name)}/duplicate`, { body: title === undefined ? {} : { title } });
  }

  /** Deletes a document with its history and comments (owners). */
  remove(name: string): Promise<void> {
    return apiRequest(this.server, documentPath(name), { method: "DELETE" });
  }
}
