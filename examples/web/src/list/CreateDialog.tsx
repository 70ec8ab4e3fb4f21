import type { DocumentKind, DocumentSummary } from "@tandem/protocol";
import { MAX_TITLE_LENGTH } from "@tandem/protocol";
import { type FormEvent, useId, useState } from "react";
import type { Api } from "../api.js";
import { Dialog } from "../ui/Dialog.js";

const copy: Record<DocumentKind, { heading: string; hint: string; placeholder: string }> = {
  spec: {
    heading: "New roadmap spec",
    hint: "Starts with Summary, Problem, Goals and non-goals, Milestones, Open questions, a Decision log and Success metrics.",
    placeholder: "e.g. Offline mode for the mobile app",
  },
  idea: {
    heading: "New idea",
    hint: "Starts with Pitch, Why now, Sketch and Risks.",
    placeholder: "e.g. Voice notes in comments",
  },
};

/** Asks for a title and creates the document from its template on the server. */
export function CreateDialog({
  kind,
  api,
  onCreated,
  onClose,
}: {
  kind: DocumentKind | undefined;
  api: Api;
  onCreated: (document: DocumentSummary) => void;
  onClose: () => void;
}) {
  const [title, setTitle] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const titleId = useId();
  const text = copy[kind ?? "spec"];

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!kind || title.trim() === "") return;
    setBusy(true);
    setError(undefined);
    try {
      onCreated(await api.create(kind, title.trim()));
      setTitle("");
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={kind !== undefined} onClose={onClose} label={text.heading} testId="create-dialog">
      <form onSubmit={(event) => void submit(event)} className="stack">
        <h2>{text.heading}</h2>
        <p className="muted">{text.hint}</p>
        <label htmlFor={titleId} className="field-label">
          Title
        </label>
        <input
          id={titleId}
          className="input"
          data-testid="create-title"
          value={title}
          maxLength={MAX_TITLE_LENGTH}
          placeholder={text.placeholder}
          autoFocus
          onChange={(event) => setTitle(event.target.value)}
        />
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="button button-primary"
            data-testid="create-submit"
            disabled={busy || title.trim() === ""}
          >
            {busy ? "Creating…" : `Create ${kind ?? "spec"}`}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
