import type * as Y from "yjs";

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
}

/** The outcome of {@link DocumentStore.compact}. */
export interface CompactionResult {
  /** Log rows folded into the snapshot and deleted. Zero when there was nothing to do. */
  readonly foldedRows: number;
  /** Size of the new snapshot in bytes. */
  readonly snapshotBytes: number;
}

/** A named or automatic snapshot of a document kept beside its log. */
export interface VersionInfo {
  readonly id: string;
  readonly documentName: string;
  /** A label given by a person, or null for an automatic version. */
  readonly label: string | null;
  /** The user id of whoever asked for the version, when known. */
  readonly createdBy: string | null;
  readonly createdAt: Date;
  readonly sizeBytes: number;
}

/** Options of {@link DocumentStore.append}. */
export interface AppendOptions {
  /**
   * The bytes were encoded by Yjs itself (a live document's `update` event,
   * which holds only what the document integrated), not received from anyone:
   * they are stored without being decoded and validated again, and without a
   * defensive copy (Yjs never reuses the array). Everything else is validated.
   */
  readonly encodedByYjs?: boolean;
}

/** Options of {@link DocumentStore.list}. */
export interface ListOptions {
  /** Only names starting with this string. */
  readonly prefix?: string;
  /** At most this many, newest `updatedAt` first. Default 100, at most 1000. */
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
   * `target`, in one Yjs transaction. The Postgres and PGlite stores apply a
   * large document (256 KB or more stored) instead in slices of a few
   * thousand structs, one event-loop turn apart, cut on their merge thread:
   * the same document, without holding the thread for the whole of it.
   */
  load(name: string, target: Y.Doc): Promise<LoadResult>;

  /**
   * Appends one update to the document's log. Resolves only once the update is
   * committed: a caller may acknowledge the edit as soon as this resolves.
   * Appends that arrive together share one transaction (group commit).
   *
   * @throws PersistenceError `invalid-update` when the bytes do not decode as a
   * Yjs update; nothing is stored then.
   */
  append(name: string, update: Uint8Array, options?: AppendOptions): Promise<void>;

  /**
   * Folds the log into the snapshot under a per-document lock and deletes
   * exactly the rows it read. Safe to run while appends continue.
   */
  compact(name: string): Promise<CompactionResult>;

  /** Documents, most recently updated first. */
  list(options?: ListOptions): Promise<DocumentInfo[]>;

  /** One document's info, or null if it was never stored. */
  stat(name: string): Promise<DocumentInfo | null>;

  /** Merges `metadata` into the document's metadata (top-level keys replace), creating the document if needed. */
  setMetadata(name: string, metadata: DocumentMetadata): Promise<void>;

  /** Deletes a document with its log, snapshot and versions. Returns whether it existed. */
  delete(name: string): Promise<boolean>;

  /** Saves the document's current state as a version. */
  createVersion(name: string, options?: { label?: string; createdBy?: string }): Promise<VersionInfo>;

  /** The document's versions, newest first. */
  listVersions(name: string): Promise<VersionInfo[]>;

  /**
   * A version's state as a Yjs V1 update.
   *
   * @throws PersistenceError `not-found` for an unknown version.
   */
  readVersion(name: string, versionId: string): Promise<Uint8Array>;

  /** Resolves when the storage answers a trivial query; for readiness checks. */
  ping(): Promise<void>;

  /**
   * Waits for calls in progress (pending appends included) and background
   * compactions, then releases connections. Further calls fail with `closed`;
   * closing again is harmless.
   */
  close(): Promise<void>;
}
