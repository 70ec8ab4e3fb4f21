import type { JsonValue } from "../store.js";

import type { DEFAULT_TENANT } from "../tenant.js";

/** One thing someone did, as {@link AuditLog.record} takes it. */
export interface NewAuditEntry {
  /** What was done, as `noun.verb` in lower case: `document.created`, `sign-in.refused`… */
  readonly action: string;
  /** The user id of whoever did it; `null` when unknown (a sign-in refused before anyone was identified). */
  readonly actor: string | null;
  /** Their display name then; erasing a person blanks it. */
  readonly actorName?: string | null;
  /** The document it was done to, if any. */
  readonly document?: string | null;
  /** Where it came from: the client's IP address. Erasing a person blanks it. */
  readonly address?: string | null;
  /** Anything else worth keeping (a version id, a reason), as a JSON object. No personal data: erasure does not touch it. */
  readonly details?: { readonly [key: string]: JsonValue };
  /** Defaults to {@link DEFAULT_TENANT}. */
  readonly tenant?: string;
}

/** A recorded entry. */
export interface AuditEntry {
  /** Increases with every entry: the order of the log, and the cursor of its pages. A decimal string (a bigint). */
  readonly id: string;
  /** When it was recorded (the database's clock). */
  readonly at: Date;
  readonly tenant: string;
  readonly action: string;
  readonly actor: string | null;
  readonly actorName: string | null;
  readonly document: string | null;
  readonly address: string | null;
  readonly details: { readonly [key: string]: JsonValue };
}

/** Which entries {@link AuditLog.query} returns. Every filter given must hold. */
export interface AuditQuery {
  /** Defaults to {@link DEFAULT_TENANT}. */
  readonly tenant?: string;
  readonly actor?: string;
  readonly document?: string;
  readonly action?: string;
  /** Recorded at or after. */
  readonly from?: Date;
  /** Recorded before. */
  readonly to?: Date;
  /** `desc` (default): newest first, `after` means older than that id; `asc`: oldest first, newer than it. */
  readonly order?: "asc" | "desc";
  /** The id of the last entry of the previous page. */
  readonly after?: string;
  /** At most this many (default 100, at most 1000). */
  readonly limit?: number;
}

/**
 * An append-only record of who did what, when and from where, on the same
 * database as the documents. Entries cannot be changed or removed (the
 * database refuses it), except that {@link forget} blanks a person's name and
 * addresses.
 */
export interface AuditLog {
  /** Appends one entry and returns it as stored. @throws PersistenceError `invalid-argument`, `unavailable` */
  record(entry: NewAuditEntry): Promise<AuditEntry>;
  /** One page of entries; the next page starts `after` the last one's id. */
  query(query?: AuditQuery): Promise<AuditEntry[]>;
  /**
   * For erasing a person: blanks the actor name and address of every entry of
   * `actor` in `tenant` (in every tenant when not given), keeping what was
   * done and when. Returns how many entries it changed.
   */
  forget(actor: string, tenant?: string): Promise<number>;
}
