import type { DocumentKind, DocumentSummary, SessionInfo } from "@tandem/protocol";
import { type ReactNode, useMemo, useState } from "react";
import type { Api, ListQuery } from "../api.js";
import { documentHash, navigate } from "../route.js";
import { AvatarStack } from "../ui/Avatar.js";
import { kindLabels, statusLabels } from "../ui/labels.js";
import { fullTime, timeAgo } from "../ui/time.js";
import { CreateDialog } from "./CreateDialog.js";
import { DeleteDialog } from "./DeleteDialog.js";
import { DocumentActions } from "./DocumentActions.js";
import { LibraryFilters } from "./LibraryFilters.js";
import { useDocuments } from "./use-documents.js";

const emptyTitles: Record<ListQuery["view"], string> = {
  active: "Nothing here yet",
  shared: "Nothing shared with you yet",
  archived: "Nothing archived",
};

function DocumentRow({ document, actions }: { document: DocumentSummary; actions: ReactNode }) {
  const title = document.title || `Untitled ${document.kind ?? "document"}`;
  return (
    <li className="doc-row" data-testid="document-item" data-document-name={document.name}>
      <a className="doc-row-link" href={documentHash(document.name)} data-testid="document-link">
        <span className={`kind-badge kind-${document.kind ?? "other"}`}>
          {document.kind ? kindLabels[document.kind] : "Doc"}
        </span>
        <span className="doc-row-main">
          <span className={document.title ? "doc-row-title" : "doc-row-title untitled"}>{title}</span>
          <span className="doc-row-meta">
            {document.status && (
              <span className={`status-pill status-${document.status}`} data-testid="document-status">
                {statusLabels[document.status]}
              </span>
            )}
            {document.owner && (
              <span className="doc-row-owner" data-testid="document-owner">
                {document.owner}
              </span>
            )}
            <time dateTime={document.updatedAt} title={`Last edited ${fullTime(document.updatedAt)}`}>
              Edited {timeAgo(document.updatedAt)}
            </time>
          </span>
        </span>
        <span className="doc-row-present" data-testid="document-present">
          <AvatarStack users={document.present} />
        </span>
      </a>
      {actions}
    </li>
  );
}

/** The home page: every idea and spec the person may read, and buttons to start new ones. */
export function DocumentList({ api, session }: { api: Api; session: SessionInfo }) {
  const [query, setQuery] = useState<ListQuery>({ sort: "updatedAt", view: "active" });
  const [creating, setCreating] = useState<DocumentKind>();
  const [deleting, setDeleting] = useState<DocumentSummary>();
  const { documents, error, refresh } = useDocuments(api, query);
  const can = (which: DocumentKind) => session.canCreate.includes(which);
  const filtered = query.q !== undefined || query.status !== undefined || query.owner !== undefined;
  // Owners seen in any list so far, to suggest in the owner filter (a filtered list shows only one).
  const [owners, setOwners] = useState<readonly string[]>([]);
  const seen = useMemo(() => documents?.flatMap((document) => (document.owner ? [document.owner] : [])), [documents]);
  if (seen?.some((owner) => !owners.includes(owner))) setOwners([...new Set([...owners, ...seen])].sort());

  return (
    <main className="list-page">
      <div className="list-header">
        <div>
          <h1>Documents</h1>
          <p className="muted">Ideas and roadmap specs, written together.</p>
        </div>
        {session.canCreate.length > 0 && (
          <div className="list-actions">
            {can("idea") && (
              <button type="button" className="button" data-testid="create-idea" onClick={() => setCreating("idea")}>
                New idea
              </button>
            )}
            {can("spec") && (
              <button
                type="button"
                className="button button-primary"
                data-testid="create-spec"
                onClick={() => setCreating("spec")}
              >
                New spec
              </button>
            )}
          </div>
        )}
      </div>

      <LibraryFilters query={query} onChange={setQuery} owners={owners} />

      {error && (
        <p className="banner banner-error" role="alert">
          Could not load the documents: {error}
        </p>
      )}
      {documents === undefined && !error && <p className="muted list-empty">Loading…</p>}
      {documents?.length === 0 && (
        <div className="list-empty" data-testid="document-list-empty">
          <p className="list-empty-title">
            {filtered
              ? "Nothing matches"
              : query.kind && query.view === "active"
                ? `No ${query.kind}s yet`
                : emptyTitles[query.view]}
          </p>
          <p className="muted">
            {filtered
              ? "Try other words or fewer filters."
              : session.canCreate.length > 0 && query.view === "active"
                ? "Start a spec for something on the roadmap, or jot down an idea. Share the link and write it together."
                : "Documents shared with you will show up here."}
          </p>
        </div>
      )}
      {documents !== undefined && documents.length > 0 && (
        <ul className="doc-list" data-testid="document-list" aria-label="Documents">
          {documents.map((document) => (
            <DocumentRow
              key={document.name}
              document={document}
              actions={
                <DocumentActions
                  api={api}
                  document={document}
                  canCreateKind={document.kind !== null && can(document.kind)}
                  onDone={() => void refresh()}
                  onDelete={setDeleting}
                />
              }
            />
          ))}
        </ul>
      )}

      <DeleteDialog
        api={api}
        document={deleting}
        onClose={() => setDeleting(undefined)}
        onDeleted={() => {
          setDeleting(undefined);
          void refresh();
        }}
      />
      <CreateDialog
        kind={creating}
        api={api}
        onClose={() => setCreating(undefined)}
        onCreated={(document) => {
          setCreating(undefined);
          navigate({ page: "document", name: document.name });
        }}
      />
    </main>
  );
}
