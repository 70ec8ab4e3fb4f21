import * as Y from "yjs";
import { compact } from "./compaction.js";
import { PersistenceError } from "./errors.js";
import { GroupCommit, type PendingAppend } from "./group-commit.js";
import type { SqlClient } from "./sql-client.js";
import type {
  CompactionResult,
  DocumentInfo,
  DocumentMetadata,
  DocumentStore,
  ListOptions,
  LoadResult,
  VersionInfo,
} from "./store.js";

/** Options shared by every store. */
export interface StoreOptions {
  /**
   * Compact a document in the background once this many log rows were
   * appended to it since it was last loaded or compacted. Default 1000; 0 turns
   * automatic compaction off.
   */
  readonly compactAfterRows?: number;
  /** Called after each group-commit transaction; the server turns it into metrics. */
  readonly onBatchCommitted?: (batch: CommitBatch) => void;
  /** Background failures (automatic compaction) are reported here, never swallowed. */
  readonly onBackgroundError?: (error: PersistenceError) => void;
  /** The most appends one transaction commits. Default 500. */
  readonly maxBatchUpdates?: number;
}

/** What one group-commit transaction wrote. */
export interface CommitBatch {
  /** Appends acknowledged by this commit. */
  readonly updates: number;
  /** Log rows written (appends to one document in one batch share a row). */
  readonly rows: number;
  readonly bytes: number;
  readonly seconds: number;
}

const MAX_NAME_LENGTH = 512;
const COMMIT_ATTEMPTS = 4;
const COMMIT_BACKOFF_MS = [50, 200, 800] as const;

interface LoadRow {
  kind: number;
  data: Uint8Array | null;
}

interface InfoRow {
  name: string;
  created_at: Date;
  updated_at: Date;
  metadata: DocumentMetadata;
  snapshot_bytes: number;
  pending: string | number;
  pending_bytes: string | number | null;
}

interface VersionRow {
  id: string | number;
  document_name: string;
  label: string | null;
  created_by: string | null;
  created_at: Date;
  size_bytes: number;
}

function checkName(name: string): void {
  if (typeof name !== "string" || name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw new PersistenceError("invalid-argument", `document name must be 1 to ${MAX_NAME_LENGTH} characters`);
  }
}

/**
 * Refuses bytes that are not a Yjs update. Yjs can apply part of a truncated
 * update before it throws, so nothing undecoded may reach storage (and from
 * there, every future load).
 */
function checkUpdate(update: Uint8Array): void {
  if (!(update instanceof Uint8Array) || update.length === 0) {
    throw new PersistenceError("invalid-update", "an update must be a non-empty Uint8Array");
  }
  try {
    Y.decodeUpdate(update);
  } catch (error) {
    throw new PersistenceError("invalid-update", "the bytes do not decode as a Yjs update", { cause: error });
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function toInfo(row: InfoRow): DocumentInfo {
  return {
    name: row.name,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    pendingUpdates: Number(row.pending),
    sizeBytes: Number(row.snapshot_bytes) + Number(row.pending_bytes ?? 0),
    metadata: row.metadata,
  };
}

function toVersion(row: VersionRow): VersionInfo {
  return {
    id: String(row.id),
    documentName: row.document_name,
    label: row.label,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    sizeBytes: Number(row.size_bytes),
  };
}

const INFO_SELECT = `
  SELECT d.name, d.created_at, d.updated_at, d.metadata, d.snapshot_bytes,
         COALESCE(u.n, 0) AS pending, COALESCE(u.bytes, 0) AS pending_bytes
  FROM tandem_documents d
  LEFT JOIN LATERAL (
    SELECT count(*) AS n, sum(octet_length(data)) AS bytes FROM tandem_updates WHERE document_name = d.name
  ) u ON true`;

/**
 * The one {@link DocumentStore} implementation, over any {@link SqlClient}:
 * Postgres and PGlite share every statement.
 */
export class SqlDocumentStore implements DocumentStore {
  private readonly groupCommit: GroupCommit;
  private readonly compactAfterRows: number;
  /** Rows appended per document since it was last loaded or compacted; drives automatic compaction. */
  private readonly rowsSinceCompaction = new Map<string, number>();
  /** Running compactions, one per document, so a second request waits for the first. */
  private readonly compactions = new Map<string, Promise<CompactionResult>>();
  private closed = false;

  constructor(
    readonly kind: string,
    private readonly sql: SqlClient,
    private readonly options: StoreOptions = {},
  ) {
    this.compactAfterRows = options.compactAfterRows ?? 1000;
    this.groupCommit = new GroupCommit((batch) => this.commitWithRetry(batch), options.maxBatchUpdates ?? 500);
  }

  async load(name: string, target: Y.Doc): Promise<LoadResult> {
    this.checkOpen();
    checkName(name);
    // One statement, so the snapshot and the log come from one database
    // snapshot: a compaction committing in between cannot hide rows. All rows
    // are read (not "seq above x"): identity values become visible at commit,
    // out of order.
    const rows = await this.sql.query<LoadRow>(
      `SELECT 0 AS kind, snapshot AS data, 0::bigint AS seq FROM tandem_documents WHERE name = $1
       UNION ALL
       SELECT 1 AS kind, data, seq FROM tandem_updates WHERE document_name = $1
       ORDER BY kind, seq`,
      [name],
    );
    const found = rows.some((row) => row.kind === 0);
    let logRows = 0;
    Y.transact(target, () => {
      for (const row of rows) {
        if (row.data === null) continue;
        if (row.kind === 0) {
          Y.applyUpdateV2(target, row.data);
        } else {
          Y.applyUpdate(target, row.data);
          logRows++;
        }
      }
    });
    this.rowsSinceCompaction.set(name, logRows);
    return { found, logRows };
  }

  async append(name: string, update: Uint8Array): Promise<void> {
    this.checkOpen();
    checkName(name);
    checkUpdate(update);
    await this.groupCommit.append(name, update);
    this.countAppend(name);
  }

  compact(name: string): Promise<CompactionResult> {
    this.checkOpen();
    checkName(name);
    const running = this.compactions.get(name);
    if (running !== undefined) return running;
    const compaction = compact(this.sql, name).finally(() => this.compactions.delete(name));
    this.compactions.set(name, compaction);
    this.rowsSinceCompaction.set(name, 0);
    return compaction;
  }

  async list(options: ListOptions = {}): Promise<DocumentInfo[]> {
    this.checkOpen();
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? 100), 1), 1000);
    const prefix = (options.prefix ?? "").replace(/[\\%_]/g, (char) => `\\${char}`);
    const rows = await this.sql.query<InfoRow>(
      `${INFO_SELECT} WHERE d.name LIKE $1 ORDER BY d.updated_at DESC, d.name LIMIT $2`,
      [`${prefix}%`, limit],
    );
    return rows.map(toInfo);
  }

  async stat(name: string): Promise<DocumentInfo | null> {
    this.checkOpen();
    checkName(name);
    const [row] = await this.sql.query<InfoRow>(`${INFO_SELECT} WHERE d.name = $1`, [name]);
    return row ? toInfo(row) : null;
  }

  async setMetadata(name: string, metadata: DocumentMetadata): Promise<void> {
    this.checkOpen();
    checkName(name);
    if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
      throw new PersistenceError("invalid-argument", "metadata must be a JSON object");
    }
    await this.sql.query(
      `INSERT INTO tandem_documents (name, metadata) VALUES ($1, $2::jsonb)
       ON CONFLICT (name) DO UPDATE SET metadata = tandem_documents.metadata || EXCLUDED.metadata, updated_at = now()`,
      [name, JSON.stringify(metadata)],
    );
  }

  async delete(name: string): Promise<boolean> {
    this.checkOpen();
    checkName(name);
    const deleted = await this.sql.transaction(async (tx) => {
      await tx.query("DELETE FROM tandem_updates WHERE document_name = $1", [name]);
      return tx.query("DELETE FROM tandem_documents WHERE name = $1 RETURNING name", [name]);
    });
    this.rowsSinceCompaction.delete(name);
    return deleted.length > 0;
  }

  async createVersion(name: string, options: { label?: string; createdBy?: string } = {}): Promise<VersionInfo> {
    this.checkOpen();
    checkName(name);
    if (options.label !== undefined && (typeof options.label !== "string" || options.label.length > 200)) {
      throw new PersistenceError("invalid-argument", "a version label must be a string of at most 200 characters");
    }
    const doc = new Y.Doc();
    const { found } = await this.load(name, doc);
    if (!found) throw new PersistenceError("not-found", `document ${name} does not exist`);
    const state = Y.encodeStateAsUpdateV2(doc);
    doc.destroy();
    const [row] = await this.sql.query<VersionRow>(
      `INSERT INTO tandem_versions (document_name, label, created_by, state) VALUES ($1, $2, $3, $4)
       RETURNING id, document_name, label, created_by, created_at, octet_length(state) AS size_bytes`,
      [name, options.label ?? null, options.createdBy ?? null, state],
    );
    if (!row) throw new PersistenceError("unavailable", "the version was not written");
    return toVersion(row);
  }

  async listVersions(name: string): Promise<VersionInfo[]> {
    this.checkOpen();
    checkName(name);
    const rows = await this.sql.query<VersionRow>(
      `SELECT id, document_name, label, created_by, created_at, octet_length(state) AS size_bytes
       FROM tandem_versions WHERE document_name = $1 ORDER BY id DESC`,
      [name],
    );
    return rows.map(toVersion);
  }

  async readVersion(name: string, versionId: string): Promise<Uint8Array> {
    this.checkOpen();
    checkName(name);
    if (!/^\d{1,18}$/.test(versionId)) throw new PersistenceError("not-found", `no version ${versionId} of ${name}`);
    const [row] = await this.sql.query<{ state: Uint8Array }>(
      "SELECT state FROM tandem_versions WHERE document_name = $1 AND id = $2",
      [name, versionId],
    );
    if (!row) throw new PersistenceError("not-found", `no version ${versionId} of ${name}`);
    return Y.convertUpdateFormatV2ToV1(row.state);
  }

  async ping(): Promise<void> {
    this.checkOpen();
    try {
      await this.sql.query("SELECT 1");
    } catch (error) {
      throw new PersistenceError("unavailable", `storage does not answer: ${String(error)}`, { cause: error });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.groupCommit.idle();
    await Promise.allSettled(this.compactions.values());
    await this.sql.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new PersistenceError("closed", "the store is closed");
  }

  private countAppend(name: string): void {
    const rows = (this.rowsSinceCompaction.get(name) ?? 0) + 1;
    this.rowsSinceCompaction.set(name, rows);
    if (this.compactAfterRows > 0 && rows >= this.compactAfterRows && !this.compactions.has(name) && !this.closed) {
      this.compact(name).catch((error: unknown) => {
        const failure =
          error instanceof PersistenceError
            ? error
            : new PersistenceError("unavailable", `background compaction of ${name} failed`, { cause: error });
        this.options.onBackgroundError?.(failure);
      });
    }
  }

  /** Transient failures (a dropped connection, a failover) are retried; then every waiting append is told. */
  private async commitWithRetry(batch: readonly PendingAppend[]): Promise<void> {
    let lastError: unknown;
    for (let attempt = 0; attempt < COMMIT_ATTEMPTS; attempt++) {
      if (attempt > 0) await delay(COMMIT_BACKOFF_MS[attempt - 1] ?? 800);
      try {
        await this.commitBatch(batch);
        return;
      } catch (error) {
        lastError = error;
      }
    }
    throw new PersistenceError("unavailable", `could not commit ${batch.length} updates: ${String(lastError)}`, {
      cause: lastError,
    });
  }

  private async commitBatch(batch: readonly PendingAppend[]): Promise<void> {
    const started = performance.now();
    // Appends to one document within a batch become one row: fewer rows and
    // less WAL per edit under load. Batches are small, so mergeUpdates is cheap.
    const byDocument = new Map<string, Uint8Array[]>();
    for (const { name, update } of batch) {
      const updates = byDocument.get(name);
      if (updates) updates.push(update);
      else byDocument.set(name, [update]);
    }
    // Sorted, so that two instances upserting the same documents take row locks in one order and cannot deadlock.
    const names = [...byDocument.keys()].sort();
    const rows = names.map((name) => {
      const updates = byDocument.get(name) ?? [];
      return { name, data: updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates) };
    });
    await this.sql.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO tandem_documents (name) VALUES ${names.map((_, i) => `($${i + 1})`).join(", ")}
         ON CONFLICT (name) DO UPDATE SET updated_at = now()`,
        names,
      );
      await tx.query(
        `INSERT INTO tandem_updates (document_name, data) VALUES ${rows.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(", ")}`,
        rows.flatMap((row) => [row.name, row.data]),
      );
    });
    this.options.onBatchCommitted?.({
      updates: batch.length,
      rows: rows.length,
      bytes: rows.reduce((sum, row) => sum + row.data.length, 0),
      seconds: (performance.now() - started) / 1000,
    });
  }
}
