import type { Migration } from "./migration.js";

/**
 * The audit log (see docs/audit.md): who did what, when and from where.
 *
 * Append-only by a trigger, not by convention: any UPDATE or DELETE is
 * refused, whoever sends it, except the one change an erasure needs, which
 * blanks an entry's actor name and address and nothing else. Pruning old
 * entries is an operator's act that disables the trigger in its own
 * transaction (docs/audit.md). `id` orders entries (and pages them): `at`
 * comes from each transaction's clock and may tie.
 */
export const audit: Migration = {
  version: 6,
  statements: [
    `CREATE TABLE tandem_audit (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      tenant text NOT NULL DEFAULT 'default',
      action text NOT NULL,
      actor text,
      actor_name text,
      document_name text,
      address text,
      details jsonb NOT NULL DEFAULT '{}'
    )`,
    "CREATE INDEX tandem_audit_tenant ON tandem_audit (tenant, id)",
    "CREATE INDEX tandem_audit_actor ON tandem_audit (tenant, actor, id)",
    "CREATE INDEX tandem_audit_document ON tandem_audit (tenant, document_name, id)",
    `CREATE FUNCTION tandem_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE'
        AND (NEW.id, NEW.at, NEW.tenant, NEW.action, NEW.actor, NEW.document_name, NEW.details)
          IS NOT DISTINCT FROM (OLD.id, OLD.at, OLD.tenant, OLD.action, OLD.actor, OLD.document_name, OLD.details)
        AND NEW.actor_name IS NULL AND NEW.address IS NULL THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'tandem_audit is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END
    $$`,
    `CREATE TRIGGER tandem_audit_append_only BEFORE UPDATE OR DELETE ON tandem_audit
      FOR EACH ROW EXECUTE FUNCTION tandem_audit_append_only()`,
    `CREATE TRIGGER tandem_audit_no_truncate BEFORE TRUNCATE ON tandem_audit
      FOR EACH STATEMENT EXECUTE FUNCTION tandem_audit_append_only()`,
  ],
};
