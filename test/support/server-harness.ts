import { randomBytes } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import { createPostgresStore, type DocumentInfo } from "@tandem/persistence";
import { createTandemServer, type TandemServer, type TandemServerConfig } from "@tandem/server";
import * as decoding from "lib0/decoding";
import { afterAll, afterEach } from "vitest";
import * as Y from "yjs";
import { type ListeningProcess, spawnListening } from "./listening-process.js";
import { databaseUrl, dropSchema, freshSchemaName } from "./postgres.js";
import type { RawSocket } from "./raw-socket.js";
import { waitFor } from "./wait.js";

/** A Tandem server started in this process on 127.0.0.1, port 0, on a Postgres schema of its own. */
export interface RunningServer {
  readonly server: TandemServer;
  readonly url: string;
  readonly wsUrl: string;
  readonly schema: string;
  /** Stops the server; its schema stays, for a server started again on it. */
  close(): Promise<void>;
  /** Stops the server and drops its schema: what a test that is done with both calls. */
  closeAndDropSchema(): Promise<void>;
}

/** Starts a server in this process; `config` overrides the test defaults (fresh schema, silent logs). */
export async function startServer(config: TandemServerConfig = {}): Promise<RunningServer> {
  const schema = config.databaseSchema ?? freshSchemaName("srv");
  const server = createTandemServer({
    port: 0,
    host: "127.0.0.1",
    databaseUrl,
    databaseSchema: schema,
    logLevel: (process.env.TEST_LOG_LEVEL as TandemServerConfig["logLevel"]) ?? "silent",
    ...config,
  });
  const { url } = await server.listen();
  return {
    server,
    url,
    wsUrl: `${url.replace(/^http/, "ws")}/collab`,
    schema,
    close: () => server.close(),
    async closeAndDropSchema() {
      await server.close();
      await dropSchema(schema);
    },
  };
}

/** What the tests of a `describe` block opened on its shared server; {@link closeAfterTests} closes it. */
export interface OpenedByTests {
  readonly clients: Client[];
  readonly sockets: RawSocket[];
}

/**
 * Cleans up after the tests of a `describe` block that share one server:
 * after each test, the clients and raw sockets it put in the lists returned;
 * after all of them, `server()`, whose schema is dropped.
 */
export function closeAfterTests(server: () => RunningServer): OpenedByTests {
  const opened: OpenedByTests = { clients: [], sockets: [] };
  afterEach(() => {
    for (const client of opened.clients.splice(0)) client.destroy();
    for (const socket of opened.sockets.splice(0)) socket.ws.terminate();
  });
  afterAll(() => server().closeAndDropSchema());
  return opened;
}

/** The server's CLI as a child process (built `dist`), for tests that kill it. */
export type ServerProcess = ListeningProcess;

const root = join(import.meta.dirname, "..", "..");

/** Path of the built `tandem-server` CLI; `pnpm test` builds before it tests. */
export const serverCli = join(root, "packages", "server", "dist", "cli.js");

/**
 * Child-process tests run the built CLI, so a build older than the sources
 * would test yesterday's server. Fail loudly instead, by the rule `tsc -b`
 * itself uses: a project is stale when one of its inputs (listed in its
 * tsbuildinfo) is newer than the tsbuildinfo.
 */
function assertBuilt(): void {
  for (const name of ["server", "content", "persistence", "protocol"]) {
    const pkg = join(root, "packages", name);
    const info = join(pkg, "tsconfig.tsbuildinfo");
    const built = statSync(info, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    let inputs: string[] = [];
    try {
      inputs = (JSON.parse(readFileSync(info, "utf8")) as { fileNames: string[] }).fileNames;
    } catch {
      // No build yet (caught below), or a format this check does not know: let the test run.
    }
    const stale = inputs
      .filter((file) => file.startsWith("./src/"))
      .find(
        (file) => (statSync(join(pkg, file), { throwIfNoEntry: false })?.mtimeMs ?? Number.POSITIVE_INFINITY) > built,
      );
    if (built === 0 || stale !== undefined) {
      throw new Error(
        `packages/${name} is not built or ${stale} changed since: run \`pnpm tsc -b\` first (pnpm test does)`,
      );
    }
  }
}

/**
 * Starts `tandem-server` with PORT=0 on 127.0.0.1 against the test Postgres,
 * and resolves once its `"msg":"listening"` log line names the URL.
 *
 * Scale-out is off unless `env` sets `REDIS_URL`: the child would otherwise
 * inherit CI's `REDIS_URL` with the default channel prefix and relay its
 * documents to every other test's server of the same document name.
 */
export function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  assertBuilt();
  return spawnListening(process.execPath, [serverCli], {
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: "info",
    REDIS_URL: "",
    REDIS_PREFIX: `tandem-test-${randomBytes(4).toString("hex")}`,
    ...env,
  });
}

/** A real @hocuspocus/provider client on its own WebSocket. */
export interface Client {
  readonly doc: Y.Doc;
  readonly provider: HocuspocusProvider;
  readonly socket: HocuspocusProviderWebsocket;
  readonly text: Y.Text;
  /** Close codes this client's socket received, in order. */
  readonly closeCodes: number[];
  /** How many of its writes the server answered with a negative sync status (refused, not applied). */
  readonly refusedWrites: () => number;
  /** Resolves once the client has no unsynced changes: every edit is acknowledged. */
  acknowledged(): Promise<void>;
  destroy(): void;
}

/**
 * Connects a provider (which reconnects on its own, quickly, as tests want) to
 * `name`, on a socket of its own or on another client's `socket` (one socket
 * carrying several documents, as the client kit does).
 */
export function connect(
  wsUrl: string,
  name: string,
  options: { token?: string; doc?: Y.Doc; socket?: HocuspocusProviderWebsocket } = {},
): Client {
  const doc = options.doc ?? new Y.Doc();
  const closeCodes: number[] = [];
  const socket =
    options.socket ?? new HocuspocusProviderWebsocket({ url: wsUrl, delay: 50, minDelay: 50, maxDelay: 500 });
  socket.on("close", ({ event }: { event: { code: number } }) => closeCodes.push(event.code));
  const provider = new HocuspocusProvider({
    websocketProvider: socket,
    name,
    document: doc,
    token: options.token ?? "",
  });
  let refused = 0;
  provider.on("message", ({ message }: { message: { decoder: decoding.Decoder } }) => {
    // Hocuspocus's SyncStatus message (type 8): 1 applied, 0 refused. The provider has no event for a refusal.
    const decoder = message.decoder;
    decoding.readVarString(decoder);
    if (decoding.readVarUint(decoder) === 8 && decoding.readVarInt(decoder) === 0) refused++;
  });
  provider.attach();
  return {
    doc,
    provider,
    socket,
    text: doc.getText("t"),
    closeCodes,
    refusedWrites: () => refused,
    acknowledged: () =>
      waitFor(() => provider.isSynced && !provider.hasUnsyncedChanges, `${name}: all changes acknowledged`),
    destroy() {
      provider.destroy();
      socket.destroy();
    },
  };
}

/** Resolves once `client` has completed its first sync. */
export function synced(client: Client): Promise<void> {
  return waitFor(() => client.provider.isSynced, "first sync");
}

/** What the store holds for one document, read by a store of its own (not through any server). */
export async function storedDoc(schema: string, name: string): Promise<Y.Doc> {
  const store = await createPostgresStore({ connectionString: databaseUrl, schema });
  try {
    const doc = new Y.Doc();
    await store.load(name, doc);
    return doc;
  } finally {
    await store.close();
  }
}

/** What the store knows about one document without loading it (null if never stored). */
export async function storedInfo(schema: string, name: string): Promise<DocumentInfo | null> {
  const store = await createPostgresStore({ connectionString: databaseUrl, schema });
  try {
    return await store.stat(name);
  } finally {
    await store.close();
  }
}

/** The text field `t` (what {@link Client.text} edits) of a stored document. */
export async function storedText(schema: string, name: string): Promise<string> {
  return (await storedDoc(schema, name)).getText("t").toString();
}

/** One sample of the server's `/metrics`, e.g. `metric(url, 'tandem_errors_total{code="4400"}')`; 0 when absent. */
export async function metric(url: string, sample: string): Promise<number> {
  const body = await (await fetch(`${url}/metrics`)).text();
  const line = body.split("\n").find((candidate) => candidate.startsWith(`${sample} `));
  return line === undefined ? 0 : Number(line.slice(sample.length + 1));
}
