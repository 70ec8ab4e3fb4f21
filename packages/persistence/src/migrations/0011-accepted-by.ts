import type { Migration } from "./migration.js";

/**
 * Who accepted a suggestion (see docs/suggestions.md, "Attribution"). When the
 * server makes an accepted suggestion's change, it appends it with the
 * suggester as `author` and the acceptor as `accepted_by`, in the same row;
 * compaction keeps both in `tandem_authorship`. NULL everywhere else: every
 * other edit is only its author's.
 */
export const acceptedBy: Migration = {
  version: 11,
  statements: [
    "ALTER TABLE tandem_updates ADD COLUMN accepted_by text",
    "ALTER TABLE tandem_authorship ADD COLUMN accepted_by text",
  ],
};
