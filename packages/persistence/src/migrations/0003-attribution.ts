import type { Migration } from "./migration.js";

/**
 * Who wrote what (see docs/history.md).
 *
 * - `tandem_updates.author`: the user id of whoever sent the update, written
 *   in the same insert as the update, so attribution is atomic with the edit.
 *   NULL means unknown (rows from before this migration, or appended without
 *   an author).
 * - `tandem_authorship`: what compaction keeps of the log's authors once it
 *   folds the rows away. Each row says who inserted (`action` 1) or deleted
 *   (`action` 2) the Yjs items `clock … clock + length - 1` of `client`.
 *   Yjs items keep their ids through merging, so the ranges stay true for every
 *   later state of the document; a delete set names the ids it deletes, which
 *   is how deletions, which Yjs does not attribute, get an author.
 * - `tandem_authors`: how each author is shown in a document (name, colour),
 *   as their token said when they last connected to write.
 * - `tandem_documents.last_author`: the author of the last row compaction
 *   folded, for "last edited by" once the log is empty.
 * - `tandem_versions.kind` and `authors`: why a version was made, and who
 *   changed the document since the version before it.
 */
export const attribution: Migration = {
  version: 3,
  statements: [
    "ALTER TABLE tandem_updates ADD COLUMN author text",
    "ALTER TABLE tandem_documents ADD COLUMN last_author text",
    `CREATE TABLE tandem_authorship (
      document_name text NOT NULL,
      action smallint NOT NULL CHECK (action IN (1, 2)),
      client bigint NOT NULL,
      clock bigint NOT NULL,
      length bigint NOT NULL CHECK (length > 0),
      author text NOT NULL
    )`,
    "CREATE INDEX tandem_authorship_document ON tandem_authorship (document_name)",
    `CREATE TABLE tandem_authors (
      document_name text NOT NULL,
      author text NOT NULL,
      name text NOT NULL,
      color text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (document_name, author)
    )`,
    `ALTER TABLE tandem_versions ADD COLUMN kind text NOT NULL DEFAULT 'named'
      CHECK (kind IN ('named', 'auto', 'before-restore', 'before-revert'))`,
    "UPDATE tandem_versions SET kind = 'auto' WHERE label IS NULL",
    "ALTER TABLE tandem_versions ADD COLUMN authors text[] NOT NULL DEFAULT '{}'",
  ],
};
