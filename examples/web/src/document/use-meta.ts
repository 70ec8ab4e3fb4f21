import { DocumentFields, type DocumentMeta, documentKindOf, documentMetaFrom, metaFieldsOf } from "@tandem/protocol";
import { useCallback, useSyncExternalStore } from "react";
import type * as Y from "yjs";

/**
 * The document's `meta` map (kind, status, owner, a spec's details), validated, re-rendering
 * when anyone changes it. The kind comes from the name, like the list's.
 */
export function useMeta(doc: Y.Doc, name: string): DocumentMeta {
  const meta = doc.getMap(DocumentFields.meta);
  const subscribe = useCallback(
    (onChange: () => void) => {
      meta.observe(onChange);
      return () => meta.unobserve(onChange);
    },
    [meta],
  );
  // A string snapshot, because useSyncExternalStore compares snapshots by identity.
  const snapshot = useSyncExternalStore(subscribe, () => JSON.stringify(metaFieldsOf(meta)));
  return documentMetaFrom({ ...(JSON.parse(snapshot) as object), kind: documentKindOf(name) });
}

/** Sets one field of the document's `meta` map. */
export function setMetaField(
  doc: Y.Doc,
  field: "status" | "owner" | "contributors" | "targetDate" | "priority",
  value: string | null,
): void {
  const meta = doc.getMap(DocumentFields.meta);
  if (value === null || value === "") meta.delete(field);
  else if (meta.get(field) !== value) meta.set(field, value);
}
