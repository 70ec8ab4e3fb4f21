/**
 * The layout of a Tandem document, shared by the server (which builds new
 * documents from templates and mirrors their metadata into the store) and by
 * the pages that edit them. Everything that describes a document lives in its
 * own Y.Doc, so it is collaborative like the text:
 *
 * - `title` (Y.Text): the title, edited live by everyone;
 * - `meta` (Y.Map): `kind`, and for specs `status`, `owner`, `contributors`,
 *   `targetDate` and `priority`;
 * - `default` (Y.XmlFragment): the rich-text body, TipTap's Collaboration field.
 *
 * See docs/standalone-page.md.
 */

import type { Role } from "./roles.js";

/** Names of the shared types in a document's Y.Doc. */
export const DocumentFields = {
  /** Y.Text with the collaborative title. */
  title: "title",
  /** Y.Map with {@link DocumentMeta}. */
  meta: "meta",
  /** Y.XmlFragment with the body; the `field` of TipTap's Collaboration extension. */
  content: "default",
} as const;

/**
 * The attribute of a paragraph in the body that holds its placeholder: what
 * to write there, shown greyed by the editor while the paragraph is empty
 * and never part of its text. Templates put one on each empty section.
 */
export const PLACEHOLDER_ATTRIBUTE = "placeholder";

/** Kinds of document the standalone page creates; a document's name starts with `<kind>/`. */
export const DocumentKinds = ["idea", "spec"] as const;

/** One of {@link DocumentKinds}. */
export type DocumentKind = (typeof DocumentKinds)[number];

/** Where a spec stands, in the order it usually moves. */
export const SpecStatuses = ["draft", "in-review", "approved", "shipped", "archived"] as const;

/** One of {@link SpecStatuses}. */
export type SpecStatus = (typeof SpecStatuses)[number];

/** How urgent a spec is, least first. */
export const SpecPriorities = ["low", "medium", "high", "urgent"] as const;

/** One of {@link SpecPriorities}. */
export type SpecPriority = (typeof SpecPriorities)[number];

/** Most contributors a spec lists. */
export const MAX_CONTRIBUTORS = 20;

/** Longest title kept in the list (the Y.Text itself is not cut). */
export const MAX_TITLE_LENGTH = 200;

/** Longest owner kept in the list. */
export const MAX_OWNER_LENGTH = 100;

/** What the `meta` map holds, after validation: anything else in it is ignored. */
export interface DocumentMeta {
  readonly kind: DocumentKind | null;
  /** Specs only; null for ideas and when unset or unknown. */
  readonly status: SpecStatus | null;
  /** A person's name, free text; null when unset. */
  readonly owner: string | null;
  /**
   * Specs only: who works on it, by name, in the order written. The map
   * holds them as one string, names separated by commas (a string is all
   * `metaFieldsOf` reads; see {@link contributorsText}).
   */
  readonly contributors: readonly string[];
  /** Specs only: `YYYY-MM-DD`, a real calendar day; null when unset or invalid. */
  readonly targetDate: string | null;
  /** Specs only; null when unset or unknown. */
  readonly priority: SpecPriority | null;
}

/** Whether `value` is one of {@link DocumentKinds}; for untrusted input. */
export function isDocumentKind(value: unknown): value is DocumentKind {
  return typeof value === "string" && (DocumentKinds as readonly string[]).includes(value);
}

/** Whether `value` is one of {@link SpecStatuses}; for untrusted input. */
export function isSpecStatus(value: unknown): value is SpecStatus {
  return typeof value === "string" && (SpecStatuses as readonly string[]).includes(value);
}

/** Whether `value` is one of {@link SpecPriorities}; for untrusted input. */
export function isSpecPriority(value: unknown): value is SpecPriority {
  return typeof value === "string" && (SpecPriorities as readonly string[]).includes(value);
}

/** Whether `value` is a calendar day written `YYYY-MM-DD` (2026-02-30 is not). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const day = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(value);
}

/** Contributors as the `meta` map holds them: one string, names separated by commas. */
export function contributorsText(names: readonly string[]): string {
  return names.join(", ");
}

/**
 * Names from {@link contributorsText} (or an array of names, as list metadata
 * keeps them): one line each, cut like owners, no duplicates, at most
 * {@link MAX_CONTRIBUTORS}.
 */
function contributorsFrom(value: unknown): string[] {
  const given = typeof value === "string" ? value.split(",") : Array.isArray(value) ? value.slice(0, 100) : [];
  const names = given.flatMap((name) => (typeof name === "string" ? [oneLine(name, MAX_OWNER_LENGTH)] : []));
  return [...new Set(names.filter((name) => name !== ""))].slice(0, MAX_CONTRIBUTORS);
}

/** The kind a document name says it is (`spec/abc` is a spec), or null. */
export function documentKindOf(name: string): DocumentKind | null {
  const prefix = name.slice(0, name.indexOf("/"));
  return isDocumentKind(prefix) ? prefix : null;
}

/**
 * Validates what a document's `meta` map holds (as plain values, e.g. from
 * `Y.Map#toJSON()`): any client can write anything there, so unknown kinds,
 * statuses, priorities and dates become null, and the owner and contributors
 * are cut to {@link MAX_OWNER_LENGTH}. Only specs have the fields after `owner`.
 */
export function documentMetaFrom(raw: unknown): DocumentMeta {
  const record = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  const kind = isDocumentKind(record.kind) ? record.kind : null;
  const owner = typeof record.owner === "string" ? oneLine(record.owner, MAX_OWNER_LENGTH) : "";
  const spec = kind === "spec";
  return {
    kind,
    status: spec && isSpecStatus(record.status) ? record.status : null,
    owner: owner === "" ? null : owner,
    contributors: spec ? contributorsFrom(record.contributors) : [],
    targetDate: spec && isCalendarDate(record.targetDate) ? record.targetDate : null,
    priority: spec && isSpecPriority(record.priority) ? record.priority : null,
  };
}

/** The keys of a document's `meta` map that {@link documentMetaFrom} reads. */
const metaKeys = ["kind", "status", "owner", "contributors", "targetDate", "priority"] as const;

/**
 * The string fields of a document's `meta` map (a `Y.Map`, or anything with
 * `get`), read key by key, for {@link documentMetaFrom}. Never `toJSON()`:
 * any client can write anything into the map, and `toJSON` recurses into
 * every type nested there (a map nested 5,000 deep overflows the stack).
 *
 * @example
 * ```ts
 * const meta = documentMetaFrom(metaFieldsOf(doc.getMap(DocumentFields.meta)));
 * ```
 */
export function metaFieldsOf(map: { get(key: string): unknown }): Partial<Record<(typeof metaKeys)[number], string>> {
  const fields: Partial<Record<(typeof metaKeys)[number], string>> = {};
  for (const key of metaKeys) {
    const value = map.get(key);
    if (typeof value === "string") fields[key] = value;
  }
  return fields;
}

/** A title as lists show it: one line, trimmed, at most {@link MAX_TITLE_LENGTH} characters. */
export function listTitle(title: string): string {
  return oneLine(title, MAX_TITLE_LENGTH);
}

function oneLine(text: string, max: number): string {
  // Array.from counts code points, so a cut never splits a surrogate pair.
  return Array.from(text.replace(/\s+/g, " ").trim()).slice(0, max).join("").trimEnd();
}

/** Someone who has a document open right now. */
export interface PresentUser {
  readonly id: string;
  readonly name: string;
  readonly color: string;
  /** Present, and `true`, when this is a program (an assistant, an importer, a bot), as its token says. */
  readonly program?: true;
}

/** One document as `GET /api/documents` lists it. */
export interface DocumentSummary {
  /** The document's name, e.g. `spec/k3x9q2`; also its address on the page (`/#/d/spec/k3x9q2`). */
  readonly name: string;
  readonly title: string;
  readonly kind: DocumentKind | null;
  readonly status: SpecStatus | null;
  readonly owner: string | null;
  /** Specs only (empty for ideas): who works on it. */
  readonly contributors: readonly string[];
  /** Specs only: `YYYY-MM-DD`, or null. */
  readonly targetDate: string | null;
  /** Specs only, or null. */
  readonly priority: SpecPriority | null;
  /** ISO 8601 time of the last stored edit. */
  readonly updatedAt: string;
  /** People with the document open on this server instance, one entry per person. */
  readonly present: readonly PresentUser[];
  /** ISO 8601 time it was archived (archived documents are left out of lists by default), or null. */
  readonly archivedAt: string | null;
  /**
   * The caller's role on it, which decides what a page offers (owners
   * archive and delete); null only for a document the caller cannot reach,
   * which no answer lists.
   */
  readonly role: Role | null;
  /** Whether the caller created it; "shared with me" lists the others. */
  readonly createdByYou: boolean;
}

/** `GET /api/documents`: one page of documents. */
export interface DocumentPage {
  readonly documents: readonly DocumentSummary[];
  /** The `offset` of the next page, or null when this is the last. */
  readonly nextOffset: number | null;
}

/** What `GET /api/session` says about the caller. */
export interface SessionInfo {
  /** The caller as the server sees them (from the token, or the dev-mode identity). */
  readonly user: PresentUser;
  /** True when the server has no `AUTH_SECRET`: anyone may pick a name and edit. */
  readonly devMode: boolean;
  /** The kinds of document the caller may create (editor or owner on `<kind>/*`). */
  readonly canCreate: readonly DocumentKind[];
}

/** The body of every error answer of the REST API. */
export interface ApiErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}
