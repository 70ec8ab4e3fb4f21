import { type AuditLog, DEFAULT_TENANT, type JsonValue } from "@tandem/persistence";
import type { Identity } from "../auth/identity.js";
import { tenantOfName } from "../auth/tenant-names.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { RefusalWindow } from "./refusal-window.js";

/**
 * What the audit log records (docs/audit.md). Those the server records today
 * are marked; the rest are here for the endpoints that will do them, so that
 * every part of the server names an action the same way.
 */
export const AuditActions = [
  "sign-in.refused", // recorded: a token refused, on the WebSocket or the REST API
  "document.created", // recorded: POST /api/documents, and …/duplicate
  "version.restored", // recorded: POST …/versions/<id>/restore
  "document.reverted", // recorded: POST …/revert (one person's changes undone)
  "document.archived", // recorded: POST …/archive
  "document.unarchived", // recorded: POST …/unarchive
  "document.deleted", // recorded: DELETE /api/documents/<name>
  "document.exported", // recorded: GET …/content
  "document.imported", // recorded: POST /api/documents/import
  "role.changed",
  "share-link.created", // recorded: POST /api/documents/<name>/share-links
  "share-link.revoked", // recorded: DELETE /api/documents/<name>/share-links/<id>
  "share-link.used", // recorded: POST /api/share-links/redeem
  "webhook.created", // recorded: POST /api/webhooks
  "webhook.updated",
  "webhook.deleted", // recorded: DELETE /api/webhooks/<id>
  "person.exported", // recorded: GET /api/people/<id>/export
  "person.erased", // recorded: POST /api/people/<id>/erase
] as const;

/** One of {@link AuditActions}. */
export type AuditAction = (typeof AuditActions)[number];

/**
 * Where a request came from: the peer's address or, behind a proxy that says
 * whom it forwarded (`X-Forwarded-For`, unverified), `<forwarded> via <peer>`.
 * One text, so that erasing a person blanks all of it.
 */
export type ClientAddress = string | null;

/**
 * The {@link ClientAddress} of a peer at `peer` that sent `forwardedFor`
 * (the `X-Forwarded-For` header, if any).
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined): ClientAddress {
  const forwarded = (Array.isArray(forwardedFor) ? forwardedFor.join(", ") : forwardedFor)?.trim().slice(0, 200);
  return forwarded ? `${forwarded} via ${peer ?? "?"}` : (peer ?? null);
}

/** Something someone did, for {@link AuditRecorder.record}. */
export interface AuditEvent {
  readonly action: AuditAction;
  /**
   * Who did it; `null` when nobody was identified (a refused sign-in). The
   * entry is their tenant's; one without an actor is the tenant of its
   * document (a refused sign-in on the WebSocket: the tenant the token
   * claimed, whose owners want to see attempts on their documents), or else
   * the default tenant's, the operator's.
   */
  readonly actor: Pick<Identity, "id" | "name" | "tenant"> | null;
  /** The document it was done to, if any: the server's name (see `scopeName`). */
  readonly document?: string;
  /** Where it came from (`callerAddress(c)` in a route, `session.address` on the WebSocket). */
  readonly from: ClientAddress;
  /** Anything else worth keeping (a version id, a reason). No personal data: erasure does not remove it. */
  readonly details?: { readonly [key: string]: JsonValue };
}

/** Records audit entries for the server's endpoints and extensions. */
export interface AuditRecorder {
  /**
   * Appends one entry. Resolves once it is stored, or once its failure is
   * logged and counted (metric code `audit-failed`): never rejects, since the
   * action it records has already happened and its caller must still answer.
   *
   * @example
   * ```ts
   * await audit.record({ action: "document.exported", actor: c.get("identity"), document: name, from: callerAddress(c) });
   * ```
   */
  record(event: AuditEvent): Promise<void>;
}

/** How often a refused sign-in from one address is recorded (see {@link RefusalWindow}). */
const REFUSAL_WINDOW_MS = 60_000;

/** An {@link AuditRecorder} writing to `log`. */
export function auditRecorder(log: AuditLog, metrics: Metrics, logger: Logger): AuditRecorder {
  const refusals = new RefusalWindow(REFUSAL_WINDOW_MS);
  return {
    async record({ action, actor, document, from, details = {} }) {
      if (action === "sign-in.refused" && !refusals.admit(from)) return;
      try {
        await log.record({
          action,
          actor: actor?.id ?? null,
          actorName: actor?.name ?? null,
          document: document ?? null,
          address: from,
          details,
          tenant: actor?.tenant ?? (document === undefined ? DEFAULT_TENANT : tenantOfName(document)),
        });
      } catch (error) {
        metrics.errors.inc({ code: "audit-failed" });
        logger.error({ err: error, action, actor: actor?.id, document }, "could not record an audit entry");
      }
    },
  };
}
