import { parseArgs } from "node:util";
import { backupPGlite, isPersistenceError, restorePGlite } from "@tandem/persistence";
import { resolveConfig } from "./config.js";
import { TandemServerError } from "./errors.js";

/** `tandem-server backup --help` and `restore --help`. */
export const backupHelp = `Usage: tandem-server backup FILE [--data-dir DIR]
       tandem-server restore FILE [--data-dir DIR]

For PGlite (no DATABASE_URL). backup writes the data directory to FILE, a
gzipped tar; restore unpacks FILE into the data directory, which must be
missing or empty. Both refuse while a server has the directory open: stop it
first (PGlite allows one process at a time). With Postgres, use pg_dump and
pg_restore instead (docs/operations.md).

  --data-dir DIR   the PGlite data directory (default: DATA_DIR, else ./data)`;

const MB = 1024 * 1024;

function parseArguments(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: { "data-dir": { type: "string" } }, allowPositionals: true });
  } catch (error) {
    throw new TandemServerError("invalid-config", `${(error as Error).message} (see --help)`);
  }
}

function parse(argv: readonly string[], env: NodeJS.ProcessEnv): { file: string; dataDir: string } {
  const parsed = parseArguments(argv);
  const [file, ...extra] = parsed.positionals;
  if (file === undefined || extra.length > 0) {
    throw new TandemServerError("invalid-config", "give exactly one backup FILE (see --help)");
  }
  if (env.DATABASE_URL) {
    throw new TandemServerError(
      "invalid-config",
      "DATABASE_URL is set: back up Postgres with pg_dump, restore with pg_restore (docs/operations.md)",
    );
  }
  const given = parsed.values["data-dir"] ?? (env.DATA_DIR || undefined);
  return { file, dataDir: resolveConfig({ dataDir: given }).dataDir };
}

async function run<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    // The store's message says what to do (stop the server, move the directory aside); the CLI exits 1.
    if (isPersistenceError(error)) throw new TandemServerError("storage-failed", error.message, { cause: error });
    throw error;
  }
}

/** `tandem-server backup FILE`: writes the PGlite data directory to FILE. */
export async function backupCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { file, dataDir } = parse(argv, env);
  const summary = await run(() => backupPGlite(dataDir, file));
  process.stderr.write(
    `backed up ${dataDir} (schema version ${summary.schemaVersion}, ${summary.documents} documents) to ${file} (${(summary.bytes / MB).toFixed(1)} MB)\n`,
  );
}

/** `tandem-server restore FILE`: unpacks FILE into an empty PGlite data directory. */
export async function restoreCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { file, dataDir } = parse(argv, env);
  const summary = await run(() => restorePGlite(file, dataDir));
  process.stderr.write(
    `restored ${file} into ${dataDir} (schema version ${summary.schemaVersion}, ${summary.documents} documents); start the server on it\n`,
  );
}
