import type { Migration } from "./migration.js";

/**
 * A document's body as plain text, kept by the server beside the document
 * (`DocumentStore.setSearchText`) so that lists find documents by a word in
 * their text without loading any. Searched with ILIKE, which PGlite and
 * Postgres answer alike; it is not part of `DocumentInfo`, so listing never
 * reads it back.
 */
export const searchText: Migration = {
  version: 10,
  statements: ["ALTER TABLE tandem_documents ADD COLUMN search_text text NOT NULL DEFAULT ''"],
};
