import type { Migration } from "./migration.js";

/**
 * Every stored Yjs payload says how it is encoded (1 = V1, 2 = V2; see
 * `encoding.ts`), so that the format of the log, of snapshots and of versions
 * can change later without guessing. Rows written before this migration keep
 * their formats: log rows V1, snapshots and versions V2.
 */
export const encodings: Migration = {
  version: 2,
  statements: [
    "ALTER TABLE tandem_updates ADD COLUMN encoding smallint NOT NULL DEFAULT 1 CHECK (encoding IN (1, 2))",
    "ALTER TABLE tandem_documents ADD COLUMN snapshot_encoding smallint CHECK (snapshot_encoding IN (1, 2))",
    "UPDATE tandem_documents SET snapshot_encoding = 2 WHERE snapshot IS NOT NULL",
    "ALTER TABLE tandem_versions ADD COLUMN encoding smallint NOT NULL DEFAULT 2 CHECK (encoding IN (1, 2))",
  ],
};
