import { existsSync } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { PGlite } from "@electric-sql/pglite";
import { dropForeignClaims, LOCK_FOLDER, lockDataDir } from "./data-dir-lock.js";
import { PersistenceError } from "./errors.js";

/** What a backup holds, as {@link backupPGlite} and {@link restorePGlite} report it. */
export interface BackupSummary {
  /** Size of the backup file (a gzipped tar of the data directory). */
  readonly bytes: number;
  /** The last migration applied to the database it holds. */
  readonly schemaVersion: number;
  /** Documents stored in it. */
  readonly documents: number;
}

/**
 * The tar inside a backup file, or why it is not one. PGlite is given only a
 * plain tar that this checked: handed anything else, it falls back to a
 * gunzip whose stream error escapes as an uncaught exception and ends the
 * process.
 */
function tarOf(bytes: Buffer, file: string): Buffer {
  let tar = bytes;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      tar = gunzipSync(bytes);
    } catch (error) {
      throw new PersistenceError("invalid-argument", `${file} is not a PGlite backup: ${String(error)}`, {
        cause: error,
      });
    }
  }
  // A tar's first header says "ustar" at byte 257; headers and contents fill 512-byte blocks.
  if (tar.length % 512 !== 0 || tar.subarray(257, 262).toString("latin1") !== "ustar") {
    throw new PersistenceError("invalid-argument", `${file} is not a PGlite backup (neither a tar nor a gzipped tar)`);
  }
  return tar;
}

async function summarise(db: PGlite, dataDir: string): Promise<Omit<BackupSummary, "bytes">> {
  try {
    const [row] = (
      await db.query<{ version: number; documents: number }>(
        `SELECT (SELECT max(version) FROM tandem_schema_migrations) AS version,
                (SELECT count(*)::int FROM tandem_documents) AS documents`,
      )
    ).rows;
    return { schemaVersion: row?.version ?? 0, documents: row?.documents ?? 0 };
  } catch (error) {
    throw new PersistenceError("invalid-argument", `${dataDir} does not hold a Tandem database: ${String(error)}`, {
      cause: error,
    });
  }
}

/** Writes `bytes` to `file` whole or not at all: a crash mid-way leaves the previous file, never half a backup. */
async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  const partial = `${file}.partial-${process.pid}`;
  const handle = await open(partial, "w");
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/**
 * Backs up a PGlite data directory into `file`, a gzipped tar that
 * {@link restorePGlite} reads (PGlite's own `dumpDataDir` format). The
 * directory must not be open elsewhere: a running server holds it, and this
 * throws `locked` rather than copy pages it is writing. Overwrites `file`
 * atomically.
 *
 * @throws PersistenceError `locked` while a server holds the directory,
 * `not-found` when it holds no database.
 */
export async function backupPGlite(dataDir: string, file: string): Promise<BackupSummary> {
  if (!existsSync(join(dataDir, "PG_VERSION"))) {
    throw new PersistenceError("not-found", `${dataDir} holds no PGlite database`);
  }
  const lock = await lockDataDir(dataDir);
  try {
    const db = await PGlite.create(dataDir);
    try {
      const summary = await summarise(db, dataDir);
      // dumpDataDir waits for the queries in flight and holds off new ones, so the tar is of a quiet database.
      const tar = new Uint8Array(await (await db.dumpDataDir("gzip")).arrayBuffer());
      await writeAtomically(file, tar);
      return { ...summary, bytes: tar.byteLength };
    } finally {
      await db.close();
    }
  } finally {
    await lock.release();
  }
}

/** Whether `dataDir` is missing or holds nothing but claims on it. */
async function isEmpty(dataDir: string): Promise<boolean> {
  if (!existsSync(dataDir)) return true;
  return (await readdir(dataDir)).every((name) => name === LOCK_FOLDER);
}

/**
 * Restores a backup made by {@link backupPGlite} into `dataDir`, which must be
 * missing or empty: an existing database is never overwritten (move it aside
 * first). The restored database keeps the schema version it was backed up
 * with; the next store to open it migrates it. When the file is not a Tandem
 * backup, whatever was unpacked is removed again.
 *
 * @throws PersistenceError `locked` while a server holds the directory,
 * `invalid-argument` when the directory is not empty or the file is not a
 * backup, `not-found` when the file does not exist.
 */
export async function restorePGlite(file: string, dataDir: string): Promise<BackupSummary> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new PersistenceError("not-found", `cannot read ${file}: ${String(error)}`, { cause: error });
  }
  const tar = tarOf(bytes, file);
  if (!(await isEmpty(dataDir))) {
    throw new PersistenceError(
      "invalid-argument",
      `${dataDir} is not empty: restore into a new directory, or move this one aside first`,
    );
  }
  await mkdir(dataDir, { recursive: true });
  const lock = await lockDataDir(dataDir);
  try {
    let db: PGlite;
    try {
      db = await PGlite.create(dataDir, {
        loadDataDir: new Blob([new Uint8Array(tar)], { type: "application/x-tar" }),
      });
    } catch (error) {
      throw new PersistenceError("invalid-argument", `${file} is not a PGlite backup: ${String(error)}`, {
        cause: error,
      });
    }
    try {
      const summary = await summarise(db, file);
      await dropForeignClaims(dataDir);
      return { ...summary, bytes: bytes.byteLength };
    } finally {
      await db.close();
    }
  } catch (error) {
    for (const name of await readdir(dataDir)) {
      if (name !== LOCK_FOLDER) await rm(join(dataDir, name), { recursive: true, force: true });
    }
    throw error;
  } finally {
    await lock.release();
  }
}
