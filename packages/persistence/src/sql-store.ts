import * as Y from "yjs";
import { writeBatch } from "./append-batch.js";
import { authorsTouching, coalesce } from "./attribution.js";
import { SqlAuditLog } from "./audit/sql-store.js";
import type { AuditLog } from "./audit/store.js";
import { compactDocument, type LogRow, lockDocument, readAuthorship } from "./compaction.js";
import { CompactionScheduler } from "./compaction-scheduler.js";
import { applyStoredUpdates, Encoding, type StoredUpdate, type UnappliedRow } from "./encoding.js";
import { PersistenceError } from "./errors.js";
import { GroupCommit } from "./group-commit.js";
import { listQuery } from "./list-query.js";
import { MergeThread } from "./merge-thread.js";
import { SqlNotificationStore } from "./notifications/sql-store.js";
import type { NotificationStore } from "./notifications/store.js";
import { type ResolvedStoreOptions, resolveStoreOptions, type StoreOptions } from "./options.js";
import { SqlShareLinkStore } from "./sharing/sql-store.js";
import type { ShareLinkStore } from "./sharing/store.js";
import type { HeldConnection, SqlClient } from "./sql-client.js";
import { toPersistenceError } from "./sql-errors.js";
import type {
  AppendOptions,
  Attribution,
  AuthorProfile,
  CompactionResult,
  CompactOptions,
  CreatedVersion,
  CreateVersionOptions,
  DocumentInfo,
  DocumentMetadata,
  DocumentStore,
  ListOptions,
  LoadResult,
  TandemStore,
  VersionInfo,
  VersionKind,
} from "./store.js";
import { readStoredDocument, type StoredDocument } from "./stored-document.js";
import { validateUpdate } from "./validate-update.js";
import {
  checkAppendOptions,
  checkAuthorProfile,
  checkName,
  checkVersionOptions,
  metadataJson,
  searchableText,
} from "./validation.js";
import { SqlWebhookStore } from "./webhooks/sql-store.js";
import type { WebhookStore } from "./webhooks/store.js";

interface InfoRow {
  name: string;
  created_at: Date;
  updated_at: Date;
  metadata: DocumentMetadata;
  snapshot_bytes: number;
  pending: string | number;
  pending_bytes: string | number | null;
  last_edited_by: string | null;
}

interface VersionRow {
  id: string | number;
  document_name: string;
  kind: VersionKind;
  label: string | null;
  created_by: string | null;
  created_at: Date;
  authors: string[];
  size_bytes: number;
}

function toInfo(row: InfoRow): DocumentInfo {
  return {
    name: row.name,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    lastEditedBy: row.last_edited_by,
    pendingUpdates: Number(row.pending),
    sizeBytes: Number(row.snapshot_bytes) + Number(row.pending_bytes ?? 0),
    metadata: row.metadata,
  };
}

function toVersion(row: VersionRow): VersionInfo {
  return {
    id: String(row.id),
    documentName: row.document_name,
    kind: row.kind,
    label: row.label,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    authors: row.authors,
    sizeBytes: Number(row.size_bytes),
  };
}

// The last author is the newest log row's that has one, else the one
// compaction kept from the rows it folded.
const INFO_SELECT = `
  SELECT d.name, d.created_at, d.updated_at, d.metadata, d.snapshot_bytes,
         COALESCE(u.n, 0) AS pending, COALESCE(u.bytes, 0) AS pending_bytes,
         COALESCE((SELECT author FROM tandem_updates WHERE document_name = d.name AND author IS NOT NULL
                   ORDER BY seq DESC LIMIT 1), d.last_author) AS last_edited_by
  FROM tandem_documents d
  LEFT JOIN LATERAL (
    SELECT count(*) AS n, sum(octet_length(data)) AS bytes FROM tandem_updates WHERE document_name = d.name
  ) u ON true`;

const VERSION_COLUMNS =
  "id, document_name, kind, label, created_by, created_at, authors, octet_length(state) AS size_bytes";

/** A version's id: identity values only; anything else names no version. */
const isVersionId = (id: string) => /^[1-9]\d{0,17}$/.test(String(id));

/**
 * Stored documents at least this large (snapshot and log rows) load in slices
 * on the merge thread (see {@link SqlDocumentStore.load}); smaller ones apply at once,
 * which for them takes less than a slice.
 */
export const SLICED_LOAD_BYTES = 256 * 1024;

function storedBytes({ snapshot, rows }: StoredDocument): number {
  let bytes = snapshot?.data.byteLength ?? 0;
  for (const row of rows) bytes += row.data.byteLength;
  return bytes;
}

/**
 * The one {@link DocumentStore} implementation, over any {@link SqlClient}:
 * Postgres and PGlite share every statement. Its webhook store, audit log and
 * share links and notification inboxes share the client and the lifecycle.
 */
export class SqlDocumentStore implements TandemStore {
  readonly webhooks: WebhookStore;
  readonly audit: AuditLog;
  readonly shareLinks: ShareLinkStore;
  readonly notifications: NotificationStore;
  private readonly options: ResolvedStoreOptions;
  private readonly groupCommit: GroupCommit;
  private readonly compactions: CompactionScheduler;
  private readonly merging = new MergeThread();
  /** The group commit's own connection, when the client has a pool to take it from. */
  private readonly commitConnection: HeldConnection | undefined;
  /** Calls in progress; `close()` waits for them. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private closing: Promise<void> | undefined;

  constructor(
    readonly kind: string,
    private readonly sql: SqlClient,
    options: StoreOptions = {},
  ) {
    this.options = resolveStoreOptions(options);
    this.webhooks = new SqlWebhookStore(sql, (doing, work) => this.call(doing, work));
    this.audit = new SqlAuditLog(sql, (doing, work) => this.call(doing, work));
    this.shareLinks = new SqlShareLinkStore(sql, (doing, work) => this.call(doing, work));
    this.notifications = new SqlNotificationStore(sql, (doing, work) => this.call(doing, work));
    this.commitConnection = sql.holdConnection?.();
    const commitSql = this.commitConnection ?? sql;
    this.groupCommit = new GroupCommit({
      write: async (batch) => {
        const written = await writeBatch(commitSql, batch);
        for (const [name, rows] of written.rowsPerDocument) this.compactions.wrote(name, rows);
        return written;
      },
      maxBatchUpdates: this.options.maxBatchUpdates,
      maxQueuedBytes: this.options.maxQueuedBytes,
      minCommitIntervalMs: this.options.minCommitIntervalMs,
      onBatchCommitted: this.options.onBatchCommitted,
    });
    this.compactions = new CompactionScheduler(
      (name) => this.compactNow(name),
      this.options.compactAfterRows,
      (error, name) => this.options.onBackgroundError(toPersistenceError(error, `background compaction of ${name}`)),
    );
  }

  /**
   * Starts the store's merge thread and resolves once it runs: called when the
   * store opens, so that the thread's start-up (tens of milliseconds of CPU)
   * is paid before the store serves anything, not amid typing at the first
   * compaction.
   */
  startMergeThread(): Promise<void> {
    return this.merging.start();
  }

  load(name: string, target: Y.Doc): Promise<LoadResult> {
    return this.call("load", async () => {
      checkName(name);
      const stored = await readStoredDocument(this.sql, name);
      const { unapplied, state } =
        storedBytes(stored) < SLICED_LOAD_BYTES
          ? { unapplied: applyStoredUpdates(target, stored.snapshot, stored.rows), state: undefined }
          : await this.applyInSlices(target, stored);
      this.reportUnapplied(name, unapplied);
      this.compactions.loaded(name, stored.rows.length);
      return { found: stored.found, logRows: stored.rows.length, ...(state ? { state } : {}) };
    });
  }

  append(name: string, update: Uint8Array, options: AppendOptions = {}): Promise<void> {
    return this.call("append", async () => {
      checkName(name);
      checkAppendOptions(options);
      const author = options.author ?? null;
      const acceptedBy = options.acceptedBy ?? null;
      if (options.encodedByYjs) {
        await this.groupCommit.append(name, update, author, acceptedBy);
      } else {
        validateUpdate(update);
        // A copy: the caller may reuse its buffer, and the bytes stored must be the bytes validated.
        await this.groupCommit.append(name, update.slice(), author, acceptedBy);
      }
    });
  }

  compact(name: string, options: CompactOptions = {}): Promise<CompactionResult> {
    return this.call("compact", async () => {
      checkName(name);
      // Not shared with a queued compaction, which would keep what this one must drop; the lock orders the two.
      if (options.discardDeleted === true) return this.compactNow(name, { discardDeleted: true });
      return this.compactions.compact(name);
    });
  }

  list(options: ListOptions = {}): Promise<DocumentInfo[]> {
    return this.call("list", async () => {
      const { clauses, params } = listQuery(options);
      const rows = await this.sql.query<InfoRow>(`${INFO_SELECT} ${clauses}`, params);
      return rows.map(toInfo);
    });
  }

  stat(name: string): Promise<DocumentInfo | null> {
    return this.call("stat", async () => {
      checkName(name);
      const [row] = await this.sql.query<InfoRow>(`${INFO_SELECT} WHERE d.name = $1`, [name]);
      return row ? toInfo(row) : null;
    });
  }

  metadata(name: string): Promise<DocumentMetadata | null> {
    return this.call("metadata", async () => {
      checkName(name);
      const [row] = await this.sql.query<{ metadata: DocumentMetadata }>(
        "SELECT metadata FROM tandem_documents WHERE name = $1",
        [name],
      );
      return row?.metadata ?? null;
    });
  }

  setMetadata(name: string, metadata: DocumentMetadata): Promise<void> {
    return this.call("setMetadata", async () => {
      checkName(name);
      await this.sql.query(
        `INSERT INTO tandem_documents (name, metadata) VALUES ($1, $2::jsonb)
         ON CONFLICT (name) DO UPDATE SET metadata = tandem_documents.metadata || EXCLUDED.metadata, updated_at = now()`,
        [name, metadataJson(metadata)],
      );
    });
  }

  setSearchText(name: string, text: string): Promise<void> {
    return this.call("setSearchText", async () => {
      checkName(name);
      await this.sql.query("UPDATE tandem_documents SET search_text = $2 WHERE name = $1", [
        name,
        searchableText(text),
      ]);
    });
  }

  delete(name: string): Promise<boolean> {
    return this.call("delete", async () => {
      checkName(name);
      const deleted = await this.sql.transaction(async (tx) => {
        // The compaction lock, so that a compaction cannot write its snapshot
        // into a document re-created after this delete.
        await lockDocument(tx, name);
        // The document row first: that waits for appends in flight (they
        // upsert it before they insert), and the next statement's fresh
        // snapshot then sees and deletes their rows too. Versions cascade.
        const documents = await tx.query("DELETE FROM tandem_documents WHERE name = $1 RETURNING name", [name]);
        await tx.query("DELETE FROM tandem_updates WHERE document_name = $1", [name]);
        await tx.query("DELETE FROM tandem_authorship WHERE document_name = $1", [name]);
        await tx.query("DELETE FROM tandem_authors WHERE document_name = $1", [name]);
        // Its share links go too (their grants cascade): a document made later under the name is not theirs.
        await tx.query("DELETE FROM tandem_share_links WHERE document_name = $1", [name]);
        return documents.length > 0;
      });
      this.compactions.forget(name);
      return deleted;
    });
  }

  createVersion(name: string, options: CreateVersionOptions = {}): Promise<CreatedVersion> {
    return this.call("createVersion", async () => {
      checkName(name);
      checkVersionOptions(options);
      const stored = await readStoredDocument(this.sql, name);
      if (!stored.found) throw new PersistenceError("not-found", `document ${name} does not exist`);
      const [previous] = await this.sql.query<VersionRow & StoredUpdate>(
        `SELECT ${VERSION_COLUMNS}, state AS data, encoding FROM tandem_versions
         WHERE document_name = $1 ORDER BY id DESC LIMIT 1`,
        [name],
      );
      const { state, unapplied, attribution, changes } = await this.merging.merge(stored.snapshot, stored.rows, {
        attribute: true,
        since: previous ?? null,
      });
      this.reportUnapplied(name, unapplied);
      const unchanged = changes?.inserted.length === 0 && changes.deleted.length === 0;
      if (options.skipIfUnchanged && previous && unchanged) return { ...toVersion(previous), created: false };
      const folded = await readAuthorship(this.sql, name);
      const authors = new Set([
        ...authorsTouching(changes?.inserted ?? [], [...folded.insertions, ...(attribution?.insertions ?? [])]),
        ...authorsTouching(changes?.deleted ?? [], [...folded.deletions, ...(attribution?.deletions ?? [])]),
      ]);
      const kind = options.kind ?? (options.label === undefined ? "auto" : "named");
      const [row] = await this.sql.query<VersionRow>(
        `INSERT INTO tandem_versions (document_name, kind, label, created_by, authors, state, encoding)
         SELECT name, $2, $3, $4, $5::text[], $6, ${Encoding.V2} FROM tandem_documents WHERE name = $1
         RETURNING ${VERSION_COLUMNS}`,
        [name, kind, options.label ?? null, options.createdBy ?? null, [...authors].sort(), state],
      );
      if (row === undefined) throw new PersistenceError("not-found", `document ${name} was deleted meanwhile`);
      return { ...toVersion(row), created: true };
    });
  }

  listVersions(name: string): Promise<VersionInfo[]> {
    return this.call("listVersions", async () => {
      checkName(name);
      const rows = await this.sql.query<VersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM tandem_versions WHERE document_name = $1 ORDER BY id DESC`,
        [name],
      );
      return rows.map(toVersion);
    });
  }

  readVersion(name: string, versionId: string): Promise<Uint8Array> {
    return this.call("readVersion", async () => {
      checkName(name);
      const [row] = isVersionId(versionId)
        ? await this.sql.query<StoredUpdate>(
            "SELECT state AS data, encoding FROM tandem_versions WHERE document_name = $1 AND id = $2",
            [name, versionId],
          )
        : [];
      if (row === undefined) throw new PersistenceError("not-found", `no version ${versionId} of ${name}`);
      return row.encoding === Encoding.V2 ? Y.convertUpdateFormatV2ToV1(row.data) : new Uint8Array(row.data);
    });
  }

  recordAuthor(name: string, author: AuthorProfile): Promise<void> {
    return this.call("recordAuthor", async () => {
      checkName(name);
      checkAuthorProfile(author);
      // Only a change is written: a person reconnecting under the same name costs a lookup, not a row version.
      await this.sql.query(
        `INSERT INTO tandem_authors (document_name, author, name, color) VALUES ($1, $2, $3, $4)
         ON CONFLICT (document_name, author) DO UPDATE SET name = EXCLUDED.name, color = EXCLUDED.color, updated_at = now()
         WHERE (tandem_authors.name, tandem_authors.color) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.color)`,
        [name, author.id, author.name, author.color],
      );
    });
  }

  forgetAuthor(name: string, author: string): Promise<boolean> {
    return this.call("forgetAuthor", async () => {
      checkName(name);
      const deleted = await this.sql.query<{ author: string }>(
        "DELETE FROM tandem_authors WHERE document_name = $1 AND author = $2 RETURNING author",
        [name, author],
      );
      return deleted.length > 0;
    });
  }

  listAuthors(name: string): Promise<AuthorProfile[]> {
    return this.call("listAuthors", async () => {
      checkName(name);
      return this.authorsOf(name);
    });
  }

  readAttribution(name: string): Promise<Attribution> {
    return this.call("readAttribution", async () => {
      checkName(name);
      // The log first, then the folded authorship: a compaction committing in
      // between moves rows from the one to the other, so they are seen twice
      // (harmless: the same ranges, coalesced) rather than not at all.
      const stored = await readStoredDocument(this.sql, name);
      const [folded, authors] = await Promise.all([readAuthorship(this.sql, name), this.authorsOf(name)]);
      // Only authored rows add attribution; without any, the snapshot need not be applied at all.
      const authored = stored.rows.some((row) => row.author !== null);
      const { attribution, unapplied } = authored
        ? await this.merging.merge(stored.snapshot, stored.rows, { attribute: true, encode: false })
        : { attribution: undefined, unapplied: [] };
      this.reportUnapplied(name, unapplied);
      return {
        insertions: coalesce([...folded.insertions, ...(attribution?.insertions ?? [])]),
        deletions: coalesce([...folded.deletions, ...(attribution?.deletions ?? [])]),
        authors,
        lastEditedBy: stored.lastAuthor,
      };
    });
  }

  ping(): Promise<void> {
    return this.call("ping", async () => {
      await this.sql.query("SELECT 1");
    });
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled(this.inFlight);
    await this.compactions.stop();
    await this.groupCommit.idle();
    await this.merging.close();
    await this.commitConnection?.release();
    await this.sql.close();
  }

  /**
   * Runs one public call: refused once closing, tracked so that `close()`
   * waits for it, and failing only with a {@link PersistenceError}.
   */
  private call<T>(doing: string, work: () => Promise<T>): Promise<T> {
    if (this.closing !== undefined) return Promise.reject(new PersistenceError("closed", "the store is closed"));
    const running = work().catch((error: unknown) => {
      throw toPersistenceError(error, doing);
    });
    this.inFlight.add(running);
    const forget = () => this.inFlight.delete(running);
    running.then(forget, forget);
    return running;
  }

  private authorsOf(name: string): Promise<AuthorProfile[]> {
    return this.sql.query<AuthorProfile>(
      "SELECT author AS id, name, color FROM tandem_authors WHERE document_name = $1 ORDER BY author",
      [name],
    );
  }

  /**
   * Applies a large stored document to `target` in slices, one per
   * event-loop turn: the merge thread loads it and cuts it into slices (see
   * `stateInSlices`), so that the thread serving every other document is
   * never held for the whole of it (half a second for an 8 MB document). A
   * `target` made with `gc: false` gets the content of deleted items too.
   */
  private async applyInSlices(
    target: Y.Doc,
    stored: StoredDocument,
  ): Promise<{ unapplied: readonly UnappliedRow<LogRow>[]; state: Uint8Array | undefined }> {
    // The snapshot's bytes move to the merge thread (read for this load alone, they are not read again).
    const { slices, unapplied, state } = await this.merging.slices(stored.snapshot, stored.rows, !target.gc);
    for (const slice of slices) {
      Y.applyUpdate(target, slice);
      this.options.betweenLoadSlices();
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { unapplied, state };
  }

  private async compactNow(name: string, { discardDeleted = false }: CompactOptions = {}): Promise<CompactionResult> {
    // The thread must be up before the transaction takes the document's lock
    // (on PGlite, the whole database): (re)starting it takes a while.
    await this.merging.start();
    // Deleted content is kept, so that history can bring it back (docs/history.md), unless an erasure says not to.
    const { unapplied, ...result } = await compactDocument(
      this.sql,
      name,
      (snapshot, rows) => this.merging.merge(snapshot, rows, { keepDeleted: !discardDeleted, attribute: true }),
      { rewrite: discardDeleted },
    );
    this.reportUnapplied(name, unapplied);
    return result;
  }

  private reportUnapplied(name: string, unapplied: readonly UnappliedRow<LogRow>[]): void {
    for (const { row, error } of unapplied) {
      this.options.onBackgroundError(
        new PersistenceError("invalid-update", `log row ${row.seq} of ${name} does not apply; it is kept in the log`, {
          cause: error,
        }),
      );
    }
  }
}
