import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LOCK_FOLDER, lockDataDir } from "./data-dir-lock.js";
import { isPersistenceError } from "./errors.js";

/** A process that runs until killed, and a way to wait for its end. */
function startProcess() {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    pid: child.pid as number,
    stop() {
      child.kill("SIGKILL");
      return exited;
    },
  };
}

describe("the PGlite data directory lock", () => {
  const dirs: string[] = [];
  const freshDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), "tandem-lock-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  /** Pretends process `pid` holds `dir`. */
  const claimAs = (dir: string, pid: number) => writeFile(join(dir, LOCK_FOLDER, String(pid)), "{}\n");

  it("is refused to a second claim in the same process until released", async () => {
    const dir = await freshDir();
    const lock = await lockDataDir(dir);
    await expect(lockDataDir(dir)).rejects.toSatisfy((error) => isPersistenceError(error, "locked"));
    await lock.release();
    await lock.release();
    await (await lockDataDir(dir)).release();
    expect(await readdir(join(dir, LOCK_FOLDER))).toEqual([]);
  });

  it("is refused while another live process holds the directory, naming it, and leaves no claim behind", async () => {
    const dir = await freshDir();
    await (await lockDataDir(dir)).release();
    const other = startProcess();
    try {
      await claimAs(dir, other.pid);
      await expect(lockDataDir(dir)).rejects.toThrow(`in use by process ${other.pid}`);
      expect(await readdir(join(dir, LOCK_FOLDER))).toEqual([String(other.pid)]);
    } finally {
      await other.stop();
    }
  });

  it("takes over the claim of a process that is gone (a server killed with SIGKILL)", async () => {
    const dir = await freshDir();
    await (await lockDataDir(dir)).release();
    const gone = startProcess();
    await gone.stop();
    await claimAs(dir, gone.pid);
    const lock = await lockDataDir(dir);
    expect(await readdir(join(dir, LOCK_FOLDER))).toEqual([String(process.pid)]);
    await lock.release();
  });

  it("takes over a claim naming its parent: in a restarted container, init gets the old server's process id", async () => {
    const dir = await freshDir();
    await (await lockDataDir(dir)).release();
    await claimAs(dir, process.ppid);
    const lock = await lockDataDir(dir);
    expect(await readdir(join(dir, LOCK_FOLDER))).toEqual([String(process.pid)]);
    await lock.release();
  });
});
