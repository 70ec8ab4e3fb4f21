import { IndexeddbPersistence } from "y-indexeddb";
import type * as Y from "yjs";

/**
 * Whose copy a local database holds: one server, one user. Both are part of
 * every database name, so that two people signing in on one browser, or one
 * person on two servers, never open each other's copies (a viewer must not
 * see an editor's unsent text, and `spec/42` on one server is not `spec/42`
 * on another).
 */
export interface LocalDataScope {
  /** The server's collaboration endpoint, as given to the connection. */
  readonly url: string;
  /** The user's id, as the token says (`TandemConnection.user.id`). */
  readonly userId: string;
}

const PREFIX = "tandem-v1";
/** The key, in each database's `custom` store, of the changes the page had not seen acknowledged. */
const PENDING_KEY = "unsyncedChanges";

/** Whether this runtime has IndexedDB (browsers do; Node does not). */
export function hasIndexedDb(): boolean {
  return typeof indexedDB !== "undefined";
}

const serverKey = (url: string) => url.replace(/\/+$/, "");

/**
 * The IndexedDB database name of one Yjs document's copy:
 * `tandem-v1/<server url>/<user id>/<document name>`, each part
 * URI-encoded so that `/` only ever separates them.
 */
export function localDatabaseName(scope: LocalDataScope, documentName: string): string {
  return [PREFIX, serverKey(scope.url), scope.userId, documentName].map(encodeURIComponent).join("/");
}

function parseDatabaseName(name: string): (LocalDataScope & { documentName: string }) | undefined {
  const parts = name.split("/");
  if (parts.length !== 4 || parts[0] !== PREFIX) return undefined;
  try {
    const [, url = "", userId = "", documentName = ""] = parts.map(decodeURIComponent);
    return { url, userId, documentName };
  } catch {
    return undefined; // not one of ours
  }
}

/** The kit's databases on this device, optionally only those of one server and/or user. */
async function localDatabases(scope: Partial<LocalDataScope>) {
  if (!hasIndexedDb()) return [];
  const databases = await indexedDB.databases();
  return databases.flatMap(({ name }) => {
    const parsed = name === undefined ? undefined : parseDatabaseName(name);
    if (!name || !parsed) return [];
    if (scope.url !== undefined && parsed.url !== serverKey(scope.url)) return [];
    if (scope.userId !== undefined && parsed.userId !== scope.userId) return [];
    return [{ name, ...parsed }];
  });
}

/** The documents this device keeps a copy of, for one server and user. */
export async function listLocalDocuments(scope: LocalDataScope): Promise<string[]> {
  const databases = await localDatabases(scope);
  return databases.map(({ documentName }) => documentName).filter((name) => !name.endsWith("#comments"));
}

/**
 * Deletes the copies the kit keeps on this device (IndexedDB): all of them,
 * or those of one server and/or user. Call it when someone signs out, after
 * their connection is destroyed; edits the server has not acknowledged are
 * lost with it (check `connection.hasUnsyncedChanges()` first). Resolves with
 * how many databases were deleted; in Node, where there are none, with 0.
 *
 * @example
 * ```ts
 * connection.destroy();
 * await clearLocalData({ url: "wss://tandem.example.com/collab", userId: connection.user.id });
 * ```
 */
export async function clearLocalData(scope: Partial<LocalDataScope> = {}): Promise<number> {
  const databases = await localDatabases(scope);
  await Promise.all(
    databases.map(
      ({ name }) =>
        new Promise<void>((resolve, reject) => {
          // Open connections (another tab) are asked to close, and y-indexeddb does; the delete then goes ahead.
          const request = indexedDB.deleteDatabase(name);
          request.onsuccess = () => resolve();
          request.onerror = () => reject(request.error);
        }),
    ),
  );
  return databases.length;
}

/**
 * One Yjs document's copy on this device (y-indexeddb): what the page had
 * when it closed is applied to the document at once, and every change after
 * that is stored as it happens, whether the server has it yet or not.
 *
 * It also keeps the count of changes the server had not acknowledged: a new
 * page's provider starts counting at zero, but what it loads from here may
 * hold edits the server lacks. That count is `carried` until the server
 * confirms it holds everything ({@link LocalCopy.confirm}).
 */
export class LocalCopy {
  /** The y-indexeddb persistence: also the origin of the updates it applies. */
  readonly persistence: IndexeddbPersistence;
  /** Whether the stored copy has been applied and the count of waiting changes read. */
  loaded = false;
  /** Whether IndexedDB refused to open: nothing is kept on this device. */
  failed = false;
  /** Changes an earlier page left unacknowledged, until the server confirms it has everything. */
  carried = 0;
  private written: number | undefined;
  private destroyed = false;

  constructor(name: string, doc: Y.Doc, onChange: () => void) {
    const persistence = new IndexeddbPersistence(name, doc);
    this.persistence = persistence;
    Promise.all([persistence.whenSynced, persistence.get(PENDING_KEY)]).then(
      ([, pending]) => {
        if (this.destroyed) return;
        this.loaded = true;
        this.carried = typeof pending === "number" && pending > 0 ? pending : 0;
        this.written = this.carried;
        onChange();
      },
      (error: unknown) => {
        if (this.destroyed) return;
        console.warn(`[tandem] cannot keep ${name} on this device`, error);
        this.failed = true;
        onChange();
      },
    );
  }

  /** The server has acknowledged everything this device holds. */
  confirm(): void {
    this.carried = 0;
  }

  /** Stores how many changes wait for the server, for the next page to show. */
  record(pending: number): void {
    if (!this.loaded || this.failed || this.destroyed || pending === this.written) return;
    this.written = pending;
    this.persistence.set(PENDING_KEY, pending).catch((error: unknown) => {
      console.warn("[tandem] could not store the count of waiting changes", error);
    });
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.persistence.destroy().catch(() => {
      // It never opened: nothing to close.
    });
  }

  /**
   * Deletes the copy from this device (the document was deleted on the
   * server): kept, it would open offline and, once online, send the deleted
   * document back as a new one.
   */
  discard(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.persistence.clearData().catch((error: unknown) => {
      console.warn("[tandem] could not delete the copy of a deleted document", error);
    });
  }
}
