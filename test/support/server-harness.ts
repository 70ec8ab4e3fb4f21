import { join } from "node:path";
import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import { createTandemServer, type TandemServer, type TandemServerConfig } from "@tandem/server";
import * as Y from "yjs";
import { type ListeningProcess, spawnListening } from "./listening-process.js";
import { databaseUrl, freshSchemaName } from "./postgres.js";
import { waitFor } from "./wait.js";

/** A Tandem server started in this process on 127.0.0.1, port 0, on a Postgres schema of its own. */
export interface RunningServer {
  readonly server: TandemServer;
  readonly url: string;
  readonly wsUrl: string;
  readonly schema: string;
  close(): Promise<void>;
}

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
  return { server, url, wsUrl: `${url.replace(/^http/, "ws")}/collab`, schema, close: () => server.close() };
}

/** The server's CLI as a child process (built `dist`), for tests that kill it. */
export type ServerProcess = ListeningProcess;

/** Path of the built `tandem-server` CLI. */
export const serverCli = join(import.meta.dirname, "..", "..", "packages", "server", "dist", "cli.js");

export function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  return spawnListening(process.execPath, [serverCli], {
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: "info",
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
  /** Resolves once the client has no unsynced changes: every edit is acknowledged. */
  acknowledged(): Promise<void>;
  destroy(): void;
}

export function connect(wsUrl: string, name: string, options: { token?: string; doc?: Y.Doc } = {}): Client {
  const doc = options.doc ?? new Y.Doc();
  const closeCodes: number[] = [];
  const socket = new HocuspocusProviderWebsocket({ url: wsUrl, delay: 50, minDelay: 50, maxDelay: 500 });
  socket.on("close", ({ event }: { event: { code: number } }) => closeCodes.push(event.code));
  const provider = new HocuspocusProvider({
    websocketProvider: socket,
    name,
    document: doc,
    token: options.token ?? "",
  });
  provider.attach();
  return {
    doc,
    provider,
    socket,
    text: doc.getText("t"),
    closeCodes,
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
