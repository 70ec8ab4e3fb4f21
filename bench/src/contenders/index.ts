import { join } from "node:path";
import { type ListeningProcess, spawnListening } from "../../../test/support/listening-process.js";
import { databaseUrl, dropSchema, freshSchemaName } from "../../../test/support/postgres.js";
import { hocuspocusProtocol, type WireProtocol, yWebsocketProtocol } from "../wire/protocols.js";

/** The servers a run compares. */
export type ContenderName = "tandem" | "hocuspocus" | "y-websocket";

export const contenderLabels: Record<ContenderName, string> = {
  tandem: "Tandem",
  hocuspocus: "Hocuspocus",
  "y-websocket": "y-websocket",
};

/** Every contender, and those that store to Postgres. */
export const allContenders: readonly ContenderName[] = ["tandem", "hocuspocus", "y-websocket"];
export const storingContenders: readonly ContenderName[] = ["tandem", "hocuspocus"];

/**
 * Settings every Tandem run gets. The per-connection message limit is a
 * policy against abusive clients, not a cost: left at its default (1 MiB/s
 * after a 32 MiB burst) it would slow the saturation and trace-replay bots,
 * so it is lifted.
 *
 * The server also reads every other setting from its environment, which it
 * inherits from the shell running the benchmark: a REDIS_URL there (the tests
 * want one) would turn on the Redis relay, and so publish every update, without
 * anything saying so. The rest are blanked (empty counts as unset), so every
 * run measures the same server.
 */
const tandemEnv = {
  LOG_LEVEL: "info",
  MAX_BYTES_PER_SECOND: "1000000000000",
  REDIS_URL: "",
  REDIS_PREFIX: "",
  AUTH_SECRET: "",
  DATA_DIR: "",
  STATIC_DIR: "",
  MAX_MESSAGE_BYTES: "",
  MAX_BUFFERED_BYTES: "",
  MAX_QUEUED_BYTES: "",
  SHUTDOWN_TIMEOUT_MS: "",
};

/** A contender's server: a child process pinned to core 0. */
export interface Contender {
  readonly name: ContenderName;
  readonly protocol: WireProtocol;
  /** Base WebSocket URL (Tandem's includes `/collab`). */
  readonly baseUrl: string;
  readonly pid: number;
  /** Its Postgres schema, if it stores. */
  readonly schema: string | undefined;
  readonly process: ListeningProcess;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL, then wait for the exit. */
  kill(): Promise<void>;
}

const here = import.meta.dirname;
/**
 * The built tandem-server CLI: the benchmark measures what ships (`pnpm bench`
 * builds first). TANDEM_SERVER_CLI points elsewhere, e.g. at another build to compare.
 */
const tandemCli = process.env.TANDEM_SERVER_CLI ?? join(here, "..", "..", "..", "packages", "server", "dist", "cli.js");

function command(name: ContenderName): string[] {
  switch (name) {
    case "tandem":
      return [tandemCli];
    // Plain node with type stripping: no loader in the measured process.
    case "hocuspocus":
      return ["--experimental-strip-types", "--no-warnings", join(here, "hocuspocus-stock.ts")];
    case "y-websocket":
      return ["--experimental-strip-types", "--no-warnings", join(here, "y-websocket.ts")];
  }
}

// What an interrupted run must clean up: servers still running, schemas not yet dropped.
const running = new Set<Contender>();
const schemas = new Set<string>();

/** A fresh schema name, dropped by {@link cleanUpEverything} if the run is interrupted before {@link dropBenchSchema}. */
export function freshBenchSchema(prefix: string): string {
  const schema = freshSchemaName(`bench_${prefix}`);
  schemas.add(schema);
  return schema;
}

/** A fresh schema for a contender that stores (Postgres identifiers: no dashes). */
export function schemaFor(name: ContenderName): string | undefined {
  return storingContenders.includes(name) ? freshBenchSchema(name.replace("-", "_")) : undefined;
}

/** Drops a schema made by {@link schemaFor}. */
export async function dropBenchSchema(schema: string): Promise<void> {
  await dropSchema(schema);
  schemas.delete(schema);
}

/** Stops every server this process started and drops their schemas: for an interrupted run. */
export async function cleanUpEverything(): Promise<void> {
  await Promise.allSettled([...running].map((contender) => contender.kill()));
  await Promise.allSettled([...schemas].map((schema) => dropBenchSchema(schema)));
}

/**
 * Node flags for every server: with BENCH_CPU_PROF=<dir>, each writes a V8 CPU
 * profile there when it exits (node --cpu-prof); BENCH_NODE_ARGS adds flags of
 * its own (space-separated), to run every contender under the same ones.
 */
function nodeFlags(): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  const extra = process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  return [...(dir ? ["--cpu-prof", `--cpu-prof-dir=${dir}`] : []), ...extra];
}

/**
 * Starts `name` pinned to core 0 (on `schema`, if it stores) and waits until
 * it listens. `env` adds to (or, for Tandem, overrides) its settings.
 */
export async function startContender(
  name: ContenderName,
  schema = schemaFor(name),
  env: Record<string, string> = {},
): Promise<Contender> {
  const child = await spawnListening(
    "taskset",
    ["-c", "0", process.execPath, ...nodeFlags(), ...command(name)],
    {
      PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      ...(schema ? { DATABASE_SCHEMA: schema } : {}),
      ...(name === "tandem" ? tandemEnv : {}),
      ...env,
    },
    name === "tandem" ? "/collab" : "",
  );
  const pid = child.child.pid;
  if (pid === undefined) throw new Error(`${name} has no pid`);
  const signal = async (which: NodeJS.Signals) => {
    if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill(which);
    await child.exited;
  };
  const contender: Contender = {
    name,
    protocol: name === "y-websocket" ? yWebsocketProtocol : hocuspocusProtocol,
    baseUrl: child.wsUrl,
    pid,
    schema,
    process: child,
    stop: () => signal("SIGTERM"),
    kill: () => signal("SIGKILL"),
  };
  running.add(contender);
  void child.exited.then(() => running.delete(contender));
  return contender;
}

/**
 * Runs `work` against a fresh `name` server and always cleans up: the server
 * is stopped and its schema dropped, whatever happened. `prepare` runs
 * before the server starts, with its schema (to seed storage); `env` goes to
 * the server (see {@link startContender}).
 */
export async function withContender<T>(
  name: ContenderName,
  work: (contender: Contender) => Promise<T>,
  prepare?: (schema: string) => Promise<void>,
  env?: Record<string, string>,
): Promise<T> {
  const schema = schemaFor(name);
  let contender: Contender | undefined;
  try {
    if (prepare && schema) await prepare(schema);
    contender = await startContender(name, schema, env);
    return await work(contender);
  } finally {
    await contender?.stop();
    if (schema) await dropBenchSchema(schema);
  }
}
