import { contributorsText, documentMetaFrom, SpecPriorities, type SpecPriority } from "@tandem/protocol";
import { useId } from "react";
import type * as Y from "yjs";
import { CommitInput } from "../ui/CommitInput.js";
import { setMetaField, useMeta } from "./use-meta.js";

const priorityLabels: Record<SpecPriority, string> = { low: "Low", medium: "Medium", high: "High", urgent: "Urgent" };

/**
 * A spec's contributors, target date and priority, in the header beside its
 * status and owner, stored in the document's `meta` map like them (the
 * server validates them where it reads them, and on `PATCH`). Contributors
 * are names separated by commas, committed on blur or Enter.
 */
export function SpecDetails({ doc, name, readOnly }: { doc: Y.Doc; name: string; readOnly: boolean }) {
  const meta = useMeta(doc, name);
  const contributorsId = useId();
  const dateId = useId();
  const priorityId = useId();
  if (meta.kind !== "spec") return null;

  return (
    <div className="meta-fields spec-details" data-testid="spec-details">
      <div className="meta-field">
        <label htmlFor={contributorsId}>Contributors</label>
        <CommitInput
          id={contributorsId}
          className="owner-input contributors-input"
          data-testid="document-contributors"
          value={contributorsText(meta.contributors)}
          onCommit={(text) => {
            // Kept as the rule that reads it keeps it (no blanks or repeats), so what shows is what is stored.
            const kept = documentMetaFrom({ kind: "spec", contributors: text }).contributors;
            setMetaField(doc, "contributors", contributorsText(kept));
          }}
          placeholder="Names, separated by commas"
          readOnly={readOnly}
        />
      </div>
      <div className="meta-field">
        <label htmlFor={dateId}>Target</label>
        <input
          id={dateId}
          type="date"
          className="owner-input date-input"
          data-testid="document-target-date"
          value={meta.targetDate ?? ""}
          readOnly={readOnly}
          onChange={(event) => setMetaField(doc, "targetDate", event.target.value || null)}
        />
      </div>
      <div className="meta-field">
        <label htmlFor={priorityId}>Priority</label>
        <select
          id={priorityId}
          className="status-select"
          data-testid="document-priority"
          value={meta.priority ?? ""}
          disabled={readOnly}
          onChange={(event) => setMetaField(doc, "priority", event.target.value || null)}
        >
          <option value="">None</option>
          {SpecPriorities.map((priority) => (
            <option key={priority} value={priority}>
              {priorityLabels[priority]}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
