import { MAX_OWNER_LENGTH, type PresentUser, type SpecStatus, SpecStatuses } from "@tandem/protocol";
import { useId } from "react";
import type * as Y from "yjs";
import { CommitInput } from "../ui/CommitInput.js";
import { statusLabels } from "../ui/labels.js";
import { setMetaField, useMeta } from "./use-meta.js";

/**
 * A spec's status and owner, stored in the document's `meta` map so everyone
 * sees changes at once (and the list shows them). The owner is committed on
 * blur or Enter (see {@link CommitInput}).
 */
export function MetaFields({
  doc,
  name,
  readOnly,
  people,
}: {
  doc: Y.Doc;
  name: string;
  readOnly: boolean;
  /** Names to suggest for the owner. */
  people: readonly PresentUser[];
}) {
  const meta = useMeta(doc, name);
  const statusId = useId();
  const ownerId = useId();
  const peopleId = useId();

  if (meta.kind !== "spec") return null;
  const status = meta.status ?? "draft";

  return (
    <div className="meta-fields">
      <div className="meta-field">
        <label htmlFor={statusId}>Status</label>
        <select
          id={statusId}
          className={`status-select status-${status}`}
          data-testid="document-status"
          value={status}
          disabled={readOnly}
          onChange={(event) => setMetaField(doc, "status", event.target.value as SpecStatus)}
        >
          {SpecStatuses.map((value) => (
            <option key={value} value={value}>
              {statusLabels[value]}
            </option>
          ))}
        </select>
      </div>
      <div className="meta-field">
        <label htmlFor={ownerId}>Owner</label>
        <CommitInput
          id={ownerId}
          className="owner-input"
          data-testid="document-owner"
          value={meta.owner ?? ""}
          onCommit={(owner) => setMetaField(doc, "owner", owner)}
          placeholder="Nobody yet"
          maxLength={MAX_OWNER_LENGTH}
          list={peopleId}
          readOnly={readOnly}
        />
        <datalist id={peopleId}>
          {people.map((person) => (
            <option key={person.id} value={person.name} />
          ))}
        </datalist>
      </div>
    </div>
  );
}
