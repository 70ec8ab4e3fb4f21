import { PersistenceError } from "./errors.js";
import {
  type AppendOptions,
  type AuthorProfile,
  type CreateVersionOptions,
  type DocumentMetadata,
  MAX_SEARCH_TEXT_LENGTH,
  VersionKinds,
} from "./store.js";

export const MAX_NAME_LENGTH = 512;
const MAX_LABEL_LENGTH = 200;
const MAX_USER_ID_LENGTH = 512;
const MAX_AUTHOR_NAME_LENGTH = 200;
const MAX_METADATA_BYTES = 64 * 1024;

export function invalid(message: string): never {
  throw new PersistenceError("invalid-argument", message);
}

// A NUL cannot be stored in a Postgres text column, and a lone surrogate would
// be stored as U+FFFD, so two different names would land on one document.
// Both would also fail a whole group-commit batch, so they are refused here.
export function isStorableText(text: string): boolean {
  return !text.includes("\u0000") && !/\p{Cs}/u.test(text);
}

/**
 * A document's text as `setSearchText` keeps it: cut to its first
 * {@link MAX_SEARCH_TEXT_LENGTH} characters, then NUL and unpaired surrogates
 * (a cut may make one) become spaces. Text is not refused like a name: it is
 * whatever people typed, and only ever searched.
 */
export function searchableText(text: string): string {
  if (typeof text !== "string") invalid("search text must be a string");
  return text
    .slice(0, MAX_SEARCH_TEXT_LENGTH)
    .replaceAll("\u0000", " ")
    .replace(/\p{Cs}/gu, " ");
}

/** A required string of 1 to `maxLength` characters, storable as Postgres text. */
export function checkText(value: unknown, what: string, maxLength: number): string {
  if (typeof value !== "string" || value === "" || value.length > maxLength || !isStorableText(value)) {
    invalid(`${what} must be a string of 1 to ${maxLength} characters without NUL or unpaired surrogates`);
  }
  return value;
}

/** A string of at most `maxLength` characters (empty allowed), storable as Postgres text. */
export function checkShortText(value: unknown, what: string, maxLength: number): string {
  if (typeof value !== "string" || value.length > maxLength || !isStorableText(value)) {
    invalid(`${what} must be a string of at most ${maxLength} characters without NUL or unpaired surrogates`);
  }
  return value;
}

/**
 * An id a caller gives (a tenant's, a user's, a link's, a subscription's, an
 * event's): 1 to 512 characters of storable text, as a user id is everywhere
 * the store keeps one.
 */
export function checkId(value: unknown, what: string): string {
  return checkText(value, what, MAX_USER_ID_LENGTH);
}

/** A document name: 1 to 512 characters, storable as Postgres text. */
export function checkName(name: string): void {
  if (typeof name !== "string" || name.length === 0 || name.length > MAX_NAME_LENGTH) {
    invalid(`a document name must be a string of 1 to ${MAX_NAME_LENGTH} characters`);
  }
  if (!isStorableText(name)) invalid("a document name must not contain NUL or unpaired surrogates");
}

function checkOptionalText(value: unknown, what: string, maxLength: number): void {
  if (value !== undefined) checkShortText(value, what, maxLength);
}

/** The options of `createVersion`. */
export function checkVersionOptions(options: CreateVersionOptions): void {
  if (typeof options !== "object" || options === null) invalid("version options must be an object");
  checkOptionalText(options.label, "a version label", MAX_LABEL_LENGTH);
  checkOptionalText(options.createdBy, "createdBy", MAX_USER_ID_LENGTH);
  if (options.kind !== undefined && !VersionKinds.includes(options.kind)) {
    invalid(`a version kind must be one of ${VersionKinds.join(", ")}`);
  }
  if (options.skipIfUnchanged !== undefined && typeof options.skipIfUnchanged !== "boolean") {
    invalid("skipIfUnchanged must be a boolean");
  }
}

/** The options of `append`: the author is stored with every row, so it must be storable. */
export function checkAppendOptions(options: AppendOptions): void {
  if (typeof options !== "object" || options === null) invalid("append options must be an object");
  checkOptionalText(options.author, "an author", MAX_USER_ID_LENGTH);
  checkOptionalText(options.acceptedBy, "an acceptor", MAX_USER_ID_LENGTH);
  if (options.acceptedBy !== undefined && options.author === undefined) invalid("an acceptor needs an author");
}

/** An author's profile, as `recordAuthor` stores it. */
export function checkAuthorProfile(author: AuthorProfile): void {
  if (typeof author !== "object" || author === null) invalid("an author must be an object");
  if (typeof author.id !== "string" || author.id === "") invalid("an author's id must not be empty");
  checkOptionalText(author.id, "an author's id", MAX_USER_ID_LENGTH);
  if (typeof author.name !== "string") invalid("an author's name must be a string");
  checkOptionalText(author.name, "an author's name", MAX_AUTHOR_NAME_LENGTH);
  if (typeof author.color !== "string" || !/^#[0-9a-fA-F]{6}$/.test(author.color)) {
    invalid("an author's color must be #rrggbb");
  }
}

/** Metadata as JSON text: a plain object of at most 64 KiB that Postgres' jsonb accepts. */
export function metadataJson(metadata: DocumentMetadata): string {
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    invalid("metadata must be a JSON object");
  }
  let json: string;
  try {
    json = JSON.stringify(metadata);
  } catch (error) {
    throw new PersistenceError("invalid-argument", "metadata must be JSON-serialisable", { cause: error });
  }
  if (Buffer.byteLength(json) > MAX_METADATA_BYTES) invalid(`metadata must be at most ${MAX_METADATA_BYTES} bytes`);
  // jsonb refuses \u0000 and unpaired surrogates, which JSON.stringify writes
  // as escapes (an escaped backslash before them is text, not an escape).
  if (/(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i.test(json)) {
    invalid("metadata must not contain NUL or unpaired surrogates");
  }
  return json;
}
