import { MAX_OWNER_LENGTH, type PresentUser, type SpecStatus, SpecStatuses } from "@tandem/protocol";
import { useEffect, useId, useRef, useState } from "react";
import type * as Y from "yjs";
import { statusLabels } from "../ui/labels.js";
import { setMetaField, useMeta } from "./use-meta.js";

/**
 * A spec's status and owner, stored in the document's `meta` map so everyone
 * sees changes at once (and the list shows them). The owner is committed on
 * blur or Enter rather than per keystroke: it is one value, and a half-typed
 * name should not flash on everyone's screen or in the list.
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
  const [owner, setOwner] = useState(meta.owner ?? "");
  const [editingOwner, setEditingOwner] = useState(false);
  const cancelled = useRef(false);
  const statusId = useId();
  const ownerId = useId();
  const peopleId = useId();

  useEffect(() => {
    if (!editingOwner) setOwner(meta.owner ?? "");
  }, [meta.owner, editingOwner]);

  if (meta.kind !== "spec") return null;
  const status = meta.status ?? "draft";
  const commitOwner = () => {
    setEditingOwner(false);
    if (cancelled.current) {
      cancelled.current = false;
      setOwner(meta.owner ?? "");
      return;
    }
    setMetaField(doc, "owner", owner.trim());
  };

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
        <input
          id={ownerId}
          className="owner-input"
          data-testid="document-owner"
          value={owner}
          placeholder="Nobody yet"
          maxLength={MAX_OWNER_LENGTH}
          list={peopleId}
          readOnly={readOnly}
          onFocus={() => setEditingOwner(true)}
          onChange={(event) => setOwner(event.target.value)}
          onBlur={commitOwner}
          onKeyDown={(event) => {
            if (event.key === "Enter") event.currentTarget.blur();
            if (event.key === "Escape") {
              cancelled.current = true;
              event.currentTarget.blur();
            }
          }}
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
