import { createHash } from "node:crypto";
import { DocumentFields, TextIndex } from "@tandem/protocol";
import type * as Y from "yjs";

/**
 * A document's body as plain text, one line per block, as lists search it
 * (`DocumentStore.setSearchText`); null for a document without a body. The
 * text is the comments core's {@link TextIndex}, so what a search finds is
 * what a quote would name.
 */
export function searchTextOf(doc: Y.Doc): string | null {
  // `share` instead of getXmlFragment, which would add a type to a foreign document.
  if (!doc.share.has(DocumentFields.content)) return null;
  return new TextIndex(doc.getXmlFragment(DocumentFields.content)).text;
}

/** A short digest of a text, to tell whether it changed without keeping a copy of it. */
export function textDigest(text: string): string {
  return createHash("sha1").update(text).digest("base64");
}
