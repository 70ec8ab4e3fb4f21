import { type DocumentKind, MAX_OWNER_LENGTH, type SpecStatus, SpecStatuses } from "@tandem/protocol";
import { useEffect, useId, useState } from "react";
import type { ListQuery } from "../api.js";
import { statusLabels } from "../ui/labels.js";
import { Segmented } from "../ui/Segmented.js";

const kinds = [
  { value: undefined, label: "All", testId: "filter-all" },
  { value: "spec", label: "Specs", testId: "filter-spec" },
  { value: "idea", label: "Ideas", testId: "filter-idea" },
] as const satisfies readonly { value: DocumentKind | undefined; label: string; testId: string }[];

const views = [
  { value: "active", label: "Everything", testId: "view-active" },
  { value: "shared", label: "Shared with me", testId: "view-shared" },
  { value: "archived", label: "Archived", testId: "view-archived" },
] as const satisfies readonly { value: ListQuery["view"]; label: string; testId: string }[];

// Typing a word sends one search once the person pauses, not one per key.
const SEARCH_PAUSE_MS = 250;

/**
 * The list's search box, filters and sort. Text fields apply after a short
 * pause; choices at once. `owners` are suggested in the owner field.
 */
export function LibraryFilters({
  query,
  onChange,
  owners,
}: {
  query: ListQuery;
  onChange: (query: ListQuery) => void;
  owners: readonly string[];
}) {
  const [q, setQ] = useState(query.q ?? "");
  const [owner, setOwner] = useState(query.owner ?? "");
  const ownersId = useId();

  useEffect(() => {
    if (q.trim() === (query.q ?? "") && owner.trim() === (query.owner ?? "")) return;
    const timer = window.setTimeout(
      () => onChange({ ...query, q: q.trim() || undefined, owner: owner.trim() || undefined }),
      SEARCH_PAUSE_MS,
    );
    return () => window.clearTimeout(timer);
  }, [q, owner, query, onChange]);

  return (
    <div className="library-filters">
      <input
        type="search"
        className="input library-search"
        data-testid="library-search"
        aria-label="Search titles and text"
        placeholder="Search titles and text"
        maxLength={200}
        value={q}
        onChange={(event) => setQ(event.target.value)}
      />
      <div className="library-filter-row">
        <Segmented<DocumentKind | undefined>
          label="Kind"
          options={kinds}
          value={query.kind}
          onChange={(kind) => onChange({ ...query, kind })}
        />
        <Segmented<ListQuery["view"]>
          label="Show"
          options={views}
          value={query.view}
          onChange={(view) => onChange({ ...query, view })}
        />
      </div>
      <div className="library-filter-row">
        <select
          className="input library-select"
          aria-label="Status"
          data-testid="filter-status"
          value={query.status ?? ""}
          onChange={(event) => onChange({ ...query, status: (event.target.value || undefined) as SpecStatus })}
        >
          <option value="">Any status</option>
          {SpecStatuses.map((status) => (
            <option key={status} value={status}>
              {statusLabels[status]}
            </option>
          ))}
        </select>
        <input
          className="input library-select"
          aria-label="Owner"
          data-testid="filter-owner"
          placeholder="Any owner"
          maxLength={MAX_OWNER_LENGTH}
          list={ownersId}
          value={owner}
          onChange={(event) => setOwner(event.target.value)}
        />
        <datalist id={ownersId}>
          {owners.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <select
          className="input library-select"
          aria-label="Sort by"
          data-testid="sort"
          value={query.sort}
          onChange={(event) => onChange({ ...query, sort: event.target.value as ListQuery["sort"] })}
        >
          <option value="updatedAt">Last edited</option>
          <option value="title">Title</option>
        </select>
      </div>
    </div>
  );
}
