import type { DocumentMetadata } from "@tandem/persistence";
import { DocumentFields, type DocumentMeta, documentMetaFrom, listTitle, metaFieldsOf } from "@tandem/protocol";
import type * as Y from "yjs";

/** What the store keeps beside a document so that lists need not load it. */
export interface ListedMetadata extends DocumentMeta {
  readonly title: string;
}

/**
 * The title and `meta` of a live document, validated (any client may write
 * anything into them), or null for a document that does not carry them (one
 * not made by the documents API, such as a bare Y.Text document).
 */
export function listedMetadataOf(doc: Y.Doc): ListedMetadata | null {
  // Root types appear in `share` once an update mentions them; checking here
  // (instead of calling getText/getMap) avoids adding types to foreign documents.
  if (!doc.share.has(DocumentFields.title) && !doc.share.has(DocumentFields.meta)) return null;
  const meta = documentMetaFrom(metaFieldsOf(doc.getMap(DocumentFields.meta)));
  return { title: listTitle(doc.getText(DocumentFields.title).toString()), ...meta };
}

/** Listed metadata as the store keeps it (JSON; the contributors' array copied, as the store's type is mutable). */
export function storedMetadata(listed: ListedMetadata): DocumentMetadata {
  return { ...listed, contributors: [...listed.contributors] };
}
