import type * as Y from "yjs";
import type { AuthoredRange } from "./attribution.js";
import type { AuditLog } from "./audit/store.js";
import type { NotificationStore } from "./notifications/store.js";
import type { ShareLinkStore } from "./sharing/store.js";
import type { WebhookStore } from "./webhooks/store.js";

/** A JSON value, as stored in a document's metadata. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Free-form, JSON-serialisable facts about a document kept beside it (title, kind, status, owner…). */
export type DocumentMetadata = { [key: string]: JsonValue };

/** What the store knows about one document without loading it. */
export interface DocumentInfo {
  readonly name: string;
  readonly createdAt: Date;
  /** When the last update was appended (or the metadata last changed). */
  readonly updatedAt: Date;
  /** The author (a user id) of the latest update that has one; null when none has. */
  readonly lastEditedBy: string | null;
  /** Rows in the update log not yet folded into the snapshot. */
  readonly pendingUpdates: number;
  /** Size of the snapshot plus the pending log, in bytes. */
  readonly sizeBytes: number;
  readonly metadata: DocumentMetadata;
}

/** The outcome of {@link DocumentStore.load}. */
export interface LoadResult {
  /** False when nothing was ever stored under this name (the target is untouched). */
  readonly found: boolean;
  /** Log rows applied on top of the snapshot; a hint for when to compact. */
  readonly logRows: number;
  /**
   * After a load in slices (a large document), the whole state it applied as
   * one V1 update, as `Y.encodeStateAsUpdate(target)` would give it right
   * after the load, but encoded off the event loop; absent otherwise. A
   * server can answer clients that join with an empty state vector with it
   * until the document next changes.
   */
  readonly state?: Uint8Array;
}

/** The outcome of {@link DocumentStore.compact}. */
export interface CompactionResult {
  /** Log rows folded into the snapshot and deleted. Zero when there was nothing to do. */
  readonly foldedRows: number;
  /** Size of the new snapshot in bytes. */
  readonly snapshotBytes: number;
}

/**
 * Why a version was made: a person `named` it, or it was made automatically
 * (`auto`: a burst of editing settled, or everyone left), or just before the
 * document was restored to another version or one person's changes were
 * reverted, so that either can be undone.
 */
export type VersionKind = "named" | "auto" | "before-restore" | "before-revert";

/** Every {@link VersionKind}. */
export const VersionKinds: readonly VersionKind[] = ["named", "auto", "before-restore", "before-revert"];

/** A named or automatic snapshot of a document kept beside its log. */
export interface VersionInfo {
  readonly id: string;
  readonly documentName: string;
  readonly kind: VersionKind;
  /** A label given by a person, or null. */
  readonly label: string | null;
  /** The user id of whoever asked for the version, when known. */
  readonly createdBy: string | null;
  readonly createdAt: Date;
  /** The user ids of everyone who changed the document since the version before this one (all of them for the first). */
  readonly authors: readonly string[];
  readonly sizeBytes: number;
}

/** What {@link DocumentStore.createVersion} answers: the version, and whether the call made it. */
export interface CreatedVersion extends VersionInfo {
  /** False when `skipIfUnchanged` found nothing changed and this is the latest version, made before. */
  readonly created: boolean;
}

/** Options of {@link DocumentStore.createVersion}. */
export interface CreateVersionOptions {
  /** A name for the version, up to 200 characters. */
  readonly label?: string;
  /** The user id of whoever asks for it. */
  readonly createdBy?: string;
  /** Default `named` when there is a label, else `auto`. */
  readonly kind?: VersionKind;
  /**
   * When nothing changed since the latest version, make none and return that
   * one instead: automatic versions use it, so that a document nobody
   * touched does not gather copies of itself.
   */
  readonly skipIfUnchanged?: boolean;
}

/** Options of {@link DocumentStore.compact}. */
export interface CompactOptions {
  /**
   * Drop the content of deleted items instead of keeping it for history: for
   * erasing (a person's deleted comments must not stay in the stored bytes).
   * The snapshot is rewritten even when the log is empty, and the compaction
   * does not wait to share one already queued. Later compactions keep what
   * is deleted after it again.
   */
  readonly discardDeleted?: boolean;
}

/** Options of {@link DocumentStore.append}. */
export interface AppendOptions {
  /**
   * Who sent the update: a user id, up to 512 characters, stored in the same
   * row, so that the edit and its attribution commit together.
   */
  readonly author?: string;
  /**
   * For an accepted suggestion that the server makes: the user id of whoever
   * accepted it, while `author` is the suggester. Stored in the same row and
   * kept through compaction (`AuthoredRange.acceptedBy`). Only with `author`.
   */
  readonly acceptedBy?: string;
  /**
   * The bytes were encoded by Yjs itself (a live document's `update` event,
   * which holds only what the document integrated), not received from anyone:
   * they are stored without being decoded and validated again, and without a
   * defensive copy (Yjs never reuses the array). Everything else is validated.
   */
  readonly encodedByYjs?: boolean;
}

/** How an author is shown: the name and colour their token gave when they last connected to write. */
export interface AuthorProfile {
  /** The user id, as stored with their updates. */
  readonly id: string;
  readonly name: string;
  /** `#rrggbb`. */
  readonly color: string;
}

/**
 * Who wrote what in a document, in Yjs item ids: from the compacted
 * authorship and the log still to be compacted, so that it survives
 * compaction and restarts. Look up an item's id in `insertions` for who
 * typed it, and in `deletions` for who deleted it.
 */
export interface Attribution {
  readonly insertions: readonly AuthoredRange[];
  readonly deletions: readonly AuthoredRange[];
  /** How the authors are shown, as far as the store knows. */
  readonly authors: readonly AuthorProfile[];
  /** The author of the latest update that has one. */
  readonly lastEditedBy: string | null;
}

/** How much of a document's text {@link DocumentStore.setSearchText} keeps: a long book, in characters. */
export const MAX_SEARCH_TEXT_LENGTH = 1_000_000;

/** What {@link DocumentStore.list} sorts by. */
export type ListSort = "updatedAt" | "createdAt" | "title";

/** A scalar metadata value a list can filter on. */
export type MetadataScalar = string | number | boolean | null;

/**
 * Options of {@link DocumentStore.list}. Every filter given must hold; the
 * order is `sort` then name, so pages (`offset`, `limit`) never overlap.
 */
export interface ListOptions {
  /** Only names starting with this string (taken literally). */
  readonly prefix?: string;
  /** Only names starting with one of these strings (taken literally). */
  readonly prefixes?: readonly string[];
  /**
   * Only names matching at least one of these patterns, where `*` matches
   * any run of characters and every other character only itself (the
   * patterns of a token's access claim). An empty list matches nothing.
   */
  readonly namePatterns?: readonly string[];
  /**
   * Names readable besides those `namePatterns` match (each taken
   * literally): with either given, a document is listed when its name
   * matches a pattern or is one of these. For grants of single documents,
   * such as share links; at most 10,000.
   */
  readonly names?: readonly string[];
  /** Leaves out names matching any of these patterns (as in `namePatterns`). */
  readonly excludePatterns?: readonly string[];
  /** Only documents whose `title` metadata contains this text, case-insensitively. */
  readonly titleContains?: string;
  /**
   * Only documents whose `title` metadata or search text (see
   * {@link DocumentStore.setSearchText}) contains this text, case-insensitively.
   */
  readonly textContains?: string;
  /** Only documents whose metadata has each of these values; `null` means absent or null. */
  readonly metadata?: Readonly<Record<string, MetadataScalar>>;
  /** Only documents whose metadata differs from each of these values; absent differs from anything but `null`. */
  readonly metadataNot?: Readonly<Record<string, MetadataScalar>>;
  /** Only documents whose metadata has each of these keys, not null. */
  readonly withMetadata?: readonly string[];
  /** Default `updatedAt`; `title` sorts by the `title` metadata, case-insensitively. */
  readonly sort?: ListSort;
  /** Default `desc` (newest first). */
  readonly order?: "asc" | "desc";
  /** How many to skip. Default 0. */
  readonly offset?: number;
  /** At most this many. Default 100, at most 1000. */
  readonly limit?: number;
}

/**
 * Where Tandem keeps Yjs documents. Every implementation passes the contract
 * suite in `@tandem/persistence/contract`, so the server can depend on this
 * interface alone.
 *
 * Updates are Yjs V1 updates, exactly as they travel over the wire. Appends are
 * idempotent and order-free (Yjs merges them), which is why several server
 * instances may append to one document without a lock; only compaction locks.
 *
 * Errors are {@link PersistenceError}s with a typed `code`.
 */
export interface DocumentStore {
  /** `"postgres"` or `"pglite"`; shown by the server at start and on `/readyz`. */
  readonly kind: string;

  /**
   * Applies the document's snapshot and all of its remaining log rows to
   * `target`, in one Yjs transaction. Compaction keeps the content of deleted
   * items, so a `target` made with `gc: false` gets it too (what history needs
   * to bring deleted text back); a default Y.Doc drops it. The Postgres and
   * PGlite stores apply a large document (256 KB or more stored) instead in
   * slices of a few thousand structs, one event-loop turn apart, cut on their
   * merge thread: the same document, without holding the thread for the
   * whole of it.
   */
  load(name: string, target: Y.Doc): Promise<LoadResult>;

  /**
   * Appends one update to the document's log, with its author. Resolves only
   * once the update is committed: a caller may acknowledge the edit as soon
   * as this resolves. Appends that arrive together share one transaction
   * (group commit).
   *
   * @throws PersistenceError `invalid-update` when the bytes do not decode as a
   * Yjs update; nothing is stored then.
   */
  append(name: string, update: Uint8Array, options?: AppendOptions): Promise<void>;

  /**
   * Folds the log into the snapshot under a per-document lock and deletes
   * exactly the rows it read. Safe to run while appends continue.
   */
  compact(name: string, options?: CompactOptions): Promise<CompactionResult>;

  /** Documents, most recently updated first. */
  list(options?: ListOptions): Promise<DocumentInfo[]>;

  /** One document's info, or null if it was never stored. */
  stat(name: string): Promise<DocumentInfo | null>;

  /**
   * One document's metadata, or null if it was never stored: what
   * {@link stat} reports as `metadata`, without counting the document's log,
   * for callers that ask often (every client that opens a document).
   */
  metadata(name: string): Promise<DocumentMetadata | null>;

  /** Merges `metadata` into the document's metadata (top-level keys replace), creating the document if needed. */
  setMetadata(name: string, metadata: DocumentMetadata): Promise<void>;

  /**
   * Keeps `text`, the document's body as plain text, for
   * {@link ListOptions.textContains}. Replaces what was kept; does not move
   * `updatedAt` (the text follows edits already counted); leaves a document
   * never stored alone. Characters Postgres cannot store (NUL, unpaired
   * surrogates) become spaces, and only the first
   * {@link MAX_SEARCH_TEXT_LENGTH} characters are kept.
   */
  setSearchText(name: string, text: string): Promise<void>;

  /** Deletes a document with its log, snapshot, versions, attribution and share links. Returns whether it existed. */
  delete(name: string): Promise<boolean>;

  /**
   * Saves the document's current state as a version, recording who changed
   * it since the version before.
   *
   * @throws PersistenceError `not-found` for a document never stored.
   */
  createVersion(name: string, options?: CreateVersionOptions): Promise<CreatedVersion>;

  /** The document's versions, newest first. */
  listVersions(name: string): Promise<VersionInfo[]>;

  /**
   * A version's state as a Yjs V1 update.
   *
   * @throws PersistenceError `not-found` for an unknown version.
   */
  readVersion(name: string, versionId: string): Promise<Uint8Array>;

  /** Records how `author` is shown in the document (upserted: the latest name and colour win). */
  recordAuthor(name: string, author: AuthorProfile): Promise<void>;

  /**
   * Forgets how `author` is shown in the document (their name and colour),
   * for erasing a person; what they wrote stays attributed to their id.
   * Returns whether there was a record.
   */
  forgetAuthor(name: string, author: string): Promise<boolean>;

  /** How the document's authors are shown, by id. */
  listAuthors(name: string): Promise<AuthorProfile[]>;

  /** Who inserted and who deleted what in the document, with how each author is shown. */
  readAttribution(name: string): Promise<Attribution>;

  /** Resolves when the storage answers a trivial query; for readiness checks. */
  ping(): Promise<void>;

  /**
   * Waits for calls in progress (pending appends included) and background
   * compactions, then releases connections. Further calls fail with `closed`;
   * closing again is harmless.
   */
  close(): Promise<void>;
}

/**
 * What `createPostgresStore` and `createPGliteStore` open: the documents and,
 * on the same database and connections, the webhook subscriptions with their
 * outbox, the audit log, the share links and the notification inboxes. Closing the store closes them all.
 */
export interface TandemStore extends DocumentStore {
  readonly webhooks: WebhookStore;
  readonly audit: AuditLog;
  readonly shareLinks: ShareLinkStore;
  readonly notifications: NotificationStore;
}
