import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { serverCli as cli, connect, startServerProcess, synced } from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

/** Runs `tandem-server <args>` to its end (PGlite: DATABASE_URL unset), with what it printed. */
function runCli(args: readonly string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [cli, ...args], {
    env: { ...process.env, DATABASE_URL: "", DATA_DIR: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.once("close", (code) => resolve({ code, stderr })),
  );
}

describe("tandem-server backup and restore (PGlite)", () => {
  let root: string;
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("backs up a data directory once its server is gone, and a server on the restored directory serves the document", async () => {
    root = await mkdtemp(join(tmpdir(), "tandem-backup-"));
    const dataDir = join(root, "data");
    const backup = join(root, "backup.tar.gz");
    const server = await startServerProcess({ DATABASE_URL: "", DATA_DIR: dataDir });
    const writer = connect(server.wsUrl, "spec/backed-up");
    try {
      await synced(writer);
      writer.text.insert(0, "kept by the backup");
      await writer.acknowledged();

      const refused = await runCli(["backup", backup, "--data-dir", dataDir]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`is in use by process ${server.child.pid}`);
      expect(existsSync(backup)).toBe(false);
    } finally {
      writer.destroy();
      // SIGKILL: the server leaves its claim on the directory behind, which the backup must see is stale.
      server.child.kill("SIGKILL");
      await server.exited;
    }

    const backedUp = await runCli(["backup", backup], { DATA_DIR: dataDir });
    expect(backedUp.stderr).toMatch(/backed up .* \(schema version \d+, 1 documents\) to .*backup\.tar\.gz/);
    expect(backedUp.code).toBe(0);

    const intoExisting = await runCli(["restore", backup, "--data-dir", dataDir]);
    expect(intoExisting.code).toBe(1);
    expect(intoExisting.stderr).toContain("is not empty");

    const restoredDir = join(root, "restored");
    const restored = await runCli(["restore", backup, "--data-dir", restoredDir]);
    expect(restored.stderr).toContain("1 documents");
    expect(restored.code).toBe(0);
    // The claims inside the backup (its own) do not follow it.
    expect(await readdir(join(restoredDir, "tandem.lock.d"))).toEqual([]);

    const again = await startServerProcess({ DATABASE_URL: "", DATA_DIR: restoredDir });
    const reader = connect(again.wsUrl, "spec/backed-up");
    try {
      await waitFor(() => reader.text.toString() === "kept by the backup", "the restored document");
    } finally {
      reader.destroy();
      again.child.kill("SIGTERM");
      expect(await again.exited).toBe(0);
    }
  }, 240_000);

  it("restoring a file that is not a backup fails, and leaves nothing of it in the directory", async () => {
    root ??= await mkdtemp(join(tmpdir(), "tandem-backup-"));
    const bogus = join(root, "bogus.tar.gz");
    await writeFile(bogus, "not a tarball at all");
    const text = await runCli(["restore", bogus, "--data-dir", join(root, "from-text")]);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain("is not a PGlite backup");
    expect(existsSync(join(root, "from-text"))).toBe(false);

    // A real tar, of something else: PGlite unpacks it before it can tell.
    const unrelated = join(root, "unrelated");
    await mkdir(unrelated);
    await writeFile(join(unrelated, "notes.txt"), "hello");
    const tarball = join(root, "unrelated.tar");
    expect(spawnSync("tar", ["-cf", tarball, "-C", unrelated, "."]).status).toBe(0);
    const dataDir = join(root, "from-tar");
    const tar = await runCli(["restore", tarball, "--data-dir", dataDir]);
    expect(tar.code).toBe(1);
    expect(tar.stderr).toContain("is not a PGlite backup");
    expect(await readdir(dataDir)).toEqual(["tandem.lock.d"]);
  }, 120_000);

  it("points to pg_dump when DATABASE_URL is set, and needs exactly one file", async () => {
    const onPostgres = await runCli(["backup", "out.tar.gz"], { DATABASE_URL: "postgres://db/tandem" });
    expect(onPostgres.code).toBe(2);
    expect(onPostgres.stderr).toContain("pg_dump");
    expect((await runCli(["restore"])).code).toBe(2);
    const help = await runCli(["backup", "--help"]);
    expect(help.code).toBe(0);
  });
});
