import { type DocumentSummary, MAX_TITLE_LENGTH } from "@tandem/protocol";
import { useEffect, useRef, useState } from "react";
import type { Api } from "../api.js";

/**
 * A listed document's menu: duplicate, archive or unarchive, and delete
 * (`onDelete` asks for a confirmation first). Shows nothing when the person
 * may do none of these (a viewer). `onDone` refreshes the list.
 */
export function DocumentActions({
  api,
  document,
  canCreateKind,
  onDone,
  onDelete,
}: {
  api: Api;
  document: DocumentSummary;
  canCreateKind: boolean;
  onDone: () => void;
  onDelete: (document: DocumentSummary) => void;
}) {
  // Owners archive and delete (the server's rule); whoever may create the kind may copy it.
  const owner = document.role === "owner";
  const allowed = { duplicate: canCreateKind, archive: owner, delete: owner };
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const menu = useRef<HTMLDetailsElement>(null);
  // A native disclosure, closed like a menu: by Escape, or a press anywhere else (not on blur, which Safari
  // sends before a click on a button inside lands).
  useEffect(() => {
    const close = (event: PointerEvent) => {
      const details = menu.current;
      if (details?.open && !details.contains(event.target as Node)) details.open = false;
    };
    window.document.addEventListener("pointerdown", close);
    return () => window.document.removeEventListener("pointerdown", close);
  }, []);
  if (!allowed.duplicate && !allowed.archive && !allowed.delete) return null;
  const title = document.title || "Untitled";

  async function run(action: () => Promise<unknown>) {
    if (menu.current) menu.current.open = false;
    setBusy(true);
    setError(undefined);
    try {
      await action();
      onDone();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  }

  const archived = document.archivedAt !== null;
  return (
    <div className="doc-row-actions">
      <details
        className="row-menu"
        ref={menu}
        onKeyDown={(event) => {
          if (event.key === "Escape") event.currentTarget.open = false;
        }}
      >
        <summary
          className="button button-ghost button-icon"
          aria-label={`Actions for ${title}`}
          data-testid="document-actions"
        >
          ⋯
        </summary>
        <div className="row-menu-items" role="menu">
          {allowed.duplicate && (
            <button
              type="button"
              role="menuitem"
              data-testid="document-duplicate"
              disabled={busy}
              onClick={() =>
                void run(() => api.duplicate(document.name, `Copy of ${title}`.slice(0, MAX_TITLE_LENGTH)))
              }
            >
              Duplicate
            </button>
          )}
          {allowed.archive && (
            <button
              type="button"
              role="menuitem"
              data-testid={archived ? "document-unarchive" : "document-archive"}
              disabled={busy}
              onClick={() => void run(() => api.setArchived(document.name, !archived))}
            >
              {archived ? "Unarchive" : "Archive"}
            </button>
          )}
          {allowed.delete && (
            <button
              type="button"
              role="menuitem"
              className="danger"
              data-testid="document-delete"
              disabled={busy}
              onClick={() => {
                if (menu.current) menu.current.open = false;
                onDelete(document);
              }}
            >
              Delete…
            </button>
          )}
        </div>
      </details>
      {error && (
        <span className="form-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
