import type { DocumentSummary } from "@tandem/protocol";
import { useState } from "react";
import type { Api } from "../api.js";
import { Dialog } from "../ui/Dialog.js";

/**
 * Asks before deleting `document` (open while it is set), naming it and
 * saying what goes with it; deletes on confirmation, then `onDeleted`.
 */
export function DeleteDialog({
  api,
  document,
  onClose,
  onDeleted,
}: {
  api: Api;
  document: DocumentSummary | undefined;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const title = document?.title || "Untitled";

  async function remove(name: string) {
    setBusy(true);
    setError(undefined);
    try {
      await api.remove(name);
      onDeleted();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  }

  const close = () => {
    setError(undefined);
    onClose();
  };
  return (
    <Dialog open={document !== undefined} onClose={close} label="Delete document" testId="delete-dialog">
      <div className="stack">
        <h2>Delete “{title}”?</h2>
        <p className="muted">
          Its text, history, versions and comments are deleted for everyone, and whoever has it open is disconnected.
          This cannot be undone; archive it instead to keep it out of the list.
        </p>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" data-testid="delete-cancel" onClick={close}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-danger"
            data-testid="delete-confirm"
            disabled={busy}
            onClick={() => document && void remove(document.name)}
          >
            {busy ? "Deleting…" : "Delete"}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
