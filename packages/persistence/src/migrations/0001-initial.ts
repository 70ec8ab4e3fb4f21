import type { Migration } from "./migration.js";

/**
 * The first schema.
 *
 * - Documents are keyed by name: every caller (server, HTTP API, CLI) addresses
 *   them by name, so a surrogate id would only add a lookup to every append.
 * - `tandem_updates` is the append-only log. Its primary key
 *   `(document_name, seq)` is the index that load and compaction read in
 *   order. There is deliberately no foreign key to `tandem_documents`: the
 *   group commit upserts the document row in the same transaction anyway, and
 *   a per-row foreign-key check would cost every keystroke a lookup.
 * - `snapshot_bytes` is kept beside the snapshot so that listing documents
 *   never reads snapshots.
 */
export const initial: Migration = {
  version: 1,
  statements: [
    `CREATE TABLE tandem_documents (
      name text PRIMARY KEY,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
      snapshot bytea,
      snapshot_bytes integer NOT NULL DEFAULT 0
    )`,
    "CREATE INDEX tandem_documents_updated_at ON tandem_documents (updated_at DESC)",
    `CREATE TABLE tandem_updates (
      document_name text NOT NULL,
      seq bigint GENERATED ALWAYS AS IDENTITY,
      data bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (document_name, seq)
    )`,
    `CREATE TABLE tandem_versions (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      document_name text NOT NULL REFERENCES tandem_documents (name) ON DELETE CASCADE,
      label text,
      created_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      state bytea NOT NULL
    )`,
    "CREATE INDEX tandem_versions_document ON tandem_versions (document_name, id DESC)",
  ],
};
