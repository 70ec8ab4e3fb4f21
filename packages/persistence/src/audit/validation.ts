import { checkText, invalid } from "../validation.js";
import type { AuditQuery, NewAuditEntry } from "./store.js";

const ACTION = /^[a-z][a-z-]*(\.[a-z][a-z-]*)+$/;
const MAX_TEXT = 512;
const MAX_DETAILS_BYTES = 8 * 1024;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** An optional field: absent (or null where `nullable`), else storable text of 1 to 512 characters. */
function checkField(what: string, value: unknown, nullable: boolean): void {
  if (value === undefined || (nullable && value === null)) return;
  checkText(value, what, MAX_TEXT);
}

export function checkNewEntry(entry: NewAuditEntry): void {
  if (typeof entry.action !== "string" || !ACTION.test(entry.action) || entry.action.length > 100) {
    invalid(`action must look like noun.verb (lower case): ${String(entry.action).slice(0, 100)}`);
  }
  if (entry.actor === undefined) invalid("actor is required (null when unknown)");
  checkField("actor", entry.actor, true);
  checkField("actorName", entry.actorName, true);
  checkField("document", entry.document, true);
  checkField("address", entry.address, true);
  checkField("tenant", entry.tenant, false);
  const details = entry.details ?? {};
  if (typeof details !== "object" || details === null || Array.isArray(details)) {
    invalid("details must be a JSON object");
  }
  const json = JSON.stringify(details);
  if (json.includes("\\u0000")) invalid("details has a NUL");
  if (Buffer.byteLength(json) > MAX_DETAILS_BYTES)
    invalid(`details must be at most ${MAX_DETAILS_BYTES} bytes of JSON`);
}

export function checkQuery(query: AuditQuery): { limit: number; order: "asc" | "desc" } {
  for (const key of ["tenant", "actor", "document", "action"] as const) checkField(key, query[key], false);
  for (const key of ["from", "to"] as const) {
    const value = query[key];
    if (value !== undefined && !(value instanceof Date && Number.isFinite(value.getTime()))) {
      invalid(`${key} must be a valid Date`);
    }
  }
  if (query.after !== undefined && !/^[1-9][0-9]{0,18}$/.test(query.after)) invalid("after must be an entry id");
  const order = query.order ?? "desc";
  if (order !== "asc" && order !== "desc") invalid("order must be asc or desc");
  const limit = query.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    invalid(`limit must be an integer from 1 to ${MAX_LIMIT}`);
  }
  return { limit, order };
}
