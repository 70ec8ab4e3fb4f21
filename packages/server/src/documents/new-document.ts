import { writeDocumentContent } from "@tandem/content";
import { DocumentFields, type DocumentKind } from "@tandem/protocol";
import type { JSONContent } from "@tiptap/core";
import * as Y from "yjs";

/** What a new document starts with. */
export interface NewDocument {
  readonly kind: DocumentKind;
  readonly title: string;
  /** The spec's owner (usually whoever creates it); ignored for ideas. */
  readonly owner: string;
  /** The body, as ProseMirror JSON of the document schema (`@tandem/content`). */
  readonly content: JSONContent;
}

/**
 * A new document as one Yjs V1 update, laid out as {@link DocumentFields}
 * describes: the title, the `meta` map (kind; for specs status `draft` and
 * the owner) and the body, written through y-tiptap as an editor would.
 *
 * Building it here, once, and storing it before anyone opens the document is
 * what keeps two people who open a new document together from each
 * inserting its content (a client-side "if empty, insert" races and
 * duplicates it).
 *
 * @throws TandemContentError `invalid-content` when the body does not fit the schema.
 */
export function newDocumentUpdate({ kind, title, owner, content }: NewDocument): Uint8Array {
  const doc = new Y.Doc();
  try {
    writeDocumentContent(doc, { title, content });
    const meta = doc.getMap<string>(DocumentFields.meta);
    doc.transact(() => {
      meta.set("kind", kind);
      if (kind === "spec") {
        meta.set("status", "draft");
        meta.set("owner", owner);
      }
    });
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}
