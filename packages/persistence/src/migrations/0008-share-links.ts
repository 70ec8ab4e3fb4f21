import type { Migration } from "./migration.js";

/**
 * Share links (see docs/sharing.md).
 *
 * - `tandem_share_links`: one row per link, keyed by the tenant and the
 *   document name the store sees. Only the SHA-256 of the link's secret is
 *   kept (`secret_hash`, unique): a copy of the database does not open any
 *   document. A revoked link keeps its row (`revoked_at`), so that the owner
 *   still sees it listed and an audit entry still points at something.
 * - `tandem_share_grants`: who used which link, one row per link and user,
 *   with the name they had then. The role comes from the link, so revoking
 *   or expiring the link ends every grant made from it at once.
 */
export const shareLinks: Migration = {
  version: 8,
  statements: [
    `CREATE TABLE tandem_share_links (
      id text PRIMARY KEY,
      tenant text NOT NULL,
      document_name text NOT NULL,
      role text NOT NULL CHECK (role IN ('viewer', 'commenter', 'editor')),
      secret_hash text NOT NULL UNIQUE,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz,
      revoked_at timestamptz,
      revoked_by text
    )`,
    "CREATE INDEX tandem_share_links_document ON tandem_share_links (tenant, document_name, created_at)",
    `CREATE TABLE tandem_share_grants (
      link_id text NOT NULL REFERENCES tandem_share_links (id) ON DELETE CASCADE,
      user_id text NOT NULL,
      user_name text NOT NULL,
      first_used_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (link_id, user_id)
    )`,
    "CREATE INDEX tandem_share_grants_user ON tandem_share_grants (user_id)",
  ],
};
