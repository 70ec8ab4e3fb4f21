import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { PersistenceError } from "./errors.js";

/** The folder, inside a PGlite data directory, that holds one file per process claiming it. */
export const LOCK_FOLDER = "tandem.lock.d";

/** Data directories this process holds: a second claim from the same process is refused too. */
const held = new Set<string>();

/** A claim on a PGlite data directory, from {@link lockDataDir}. */
export interface DataDirLock {
  /** Gives the directory up. Idempotent. */
  release(): Promise<void>;
}

/** Whether process `pid` exists (EPERM: it does, under another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Claims `dataDir` for this process, or throws `locked` naming the process
 * that holds it. PGlite is Postgres in one process, with no lock of its own:
 * two processes on one directory write over each other's pages.
 *
 * The claim is a file named after this process id in {@link LOCK_FOLDER}.
 * A claimant writes its file first and then looks for others, so two
 * processes claiming at once cannot both win (at worst both are refused and
 * retry). A file whose process is gone (a server killed with SIGKILL) is stale
 * and removed. As Postgres does with `postmaster.pid`, a file naming this
 * process or its parent is stale too: in a restarted container, the server or
 * its init usually gets the process id the previous server had.
 *
 * Process ids mean nothing across machines: the directory must be on a disk
 * of this machine, as PGlite needs anyway.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const dir = resolve(dataDir);
  if (held.has(dir)) {
    throw new PersistenceError("locked", `the data directory ${dataDir} is already open in this process`);
  }
  const folder = join(dir, LOCK_FOLDER);
  await mkdir(folder, { recursive: true });
  const mine = join(folder, String(process.pid));
  await writeFile(mine, `${JSON.stringify({ pid: process.pid, since: new Date().toISOString() })}\n`);
  held.add(dir);
  const release = async () => {
    if (!held.delete(dir)) return;
    await rm(mine, { force: true });
  };
  try {
    for (const name of await readdir(folder)) {
      const pid = Number(name);
      if (!Number.isSafeInteger(pid) || pid === process.pid) continue;
      if (pid !== process.ppid && isAlive(pid)) {
        throw new PersistenceError(
          "locked",
          `the data directory ${dataDir} is in use by process ${pid} (a running server?): PGlite allows one process at a time`,
        );
      }
      await rm(join(folder, name), { force: true });
    }
  } catch (error) {
    await release();
    throw error;
  }
  return { release };
}

/**
 * Removes every claim in `dataDir` but this process's: after a restore, the
 * folder holds the claims that were in it when the backup was taken.
 */
export async function dropForeignClaims(dataDir: string): Promise<void> {
  const folder = join(resolve(dataDir), LOCK_FOLDER);
  for (const name of await readdir(folder)) {
    if (name !== String(process.pid)) await rm(join(folder, name), { force: true });
  }
}
