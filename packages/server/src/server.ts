import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "@hocuspocus/extension-redis";
import { type Extension, Hocuspocus } from "@hocuspocus/server";
import { createPGliteStore, createPostgresStore, type DocumentStore } from "@tandem/persistence";
import { WebSocketServer } from "ws";
import { createAuthenticator } from "./auth/identity.js";
import { defaultStaticDir, type ResolvedConfig, resolveConfig, type TandemServerConfig } from "./config.js";
import { TandemServerError } from "./errors.js";
import { durableLog } from "./extensions/durable-log.js";
import { identityExtension } from "./extensions/identity.js";
import { coreRoutes, createRequestListener, type Route } from "./http/routes.js";
import { createLogger, type Logger } from "./logger.js";
import { createMetrics, type Metrics } from "./metrics.js";
import { carriesUpdate } from "./protocol/frames.js";
import { type ConnectionContext, SocketSession } from "./socket-session.js";

/** Options of {@link createTandemServer} beyond the settings: parts to inject. */
export interface TandemServerParts {
  /** A store to use instead of the one the settings describe; the server does not close it. */
  readonly store?: DocumentStore;
  readonly logger?: Logger;
  /** Extra HTTP routes, checked before the built-in ones. */
  readonly routes?: (context: { store: DocumentStore; hocuspocus: Hocuspocus; metrics: Metrics }) => Route[];
}

/** A running (or ready to run) Tandem server. */
export interface TandemServer {
  /** Opens storage and starts listening. Resolves with the address actually bound (port 0 picks a free one). */
  listen(): Promise<{ url: string; port: number; storage: string }>;
  /**
   * Stops accepting, closes every connection with 4503, waits for pending
   * appends to commit, and releases storage, all within `shutdownTimeoutMs`.
   *
   * @throws TandemServerError `shutdown-failed` when pending edits could not be flushed.
   */
  close(): Promise<void>;
  /** The Hocuspocus instance, once listening. */
  readonly hocuspocus: Hocuspocus | undefined;
}

function toFetchRequest(request: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  return new Request(new URL(request.url ?? "/", `http://${request.headers.host ?? "localhost"}`), { headers });
}

function redisExtension(config: ResolvedConfig): Extension {
  const url = new URL(config.redisUrl ?? "");
  return new Redis({
    host: url.hostname,
    port: Number(url.port || 6379),
    prefix: config.redisPrefix,
    options: {
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(url.pathname.length > 1 ? { db: Number(url.pathname.slice(1)) } : {}),
      ...(url.protocol === "rediss:" ? { tls: {} } : {}),
    },
  });
}

/**
 * Creates a Tandem collaboration server: Hocuspocus v4 behind a frame guard,
 * with durable acknowledgments, JWT roles, presence identity, health and
 * metrics, on one HTTP port.
 *
 * @example
 * ```ts
 * const server = createTandemServer({ port: 1234, databaseUrl: process.env.DATABASE_URL });
 * const { url } = await server.listen();
 * process.on("SIGTERM", () => server.close());
 * ```
 */
export function createTandemServer(settings: TandemServerConfig = {}, parts: TandemServerParts = {}): TandemServer {
  const config = resolveConfig(settings);
  const logger = parts.logger ?? createLogger(config.logLevel);
  const authenticator = createAuthenticator(config.authSecret);
  let hocuspocus: Hocuspocus | undefined;
  let store: DocumentStore | undefined;
  const ownsStore = parts.store === undefined;
  const sessions = new Set<SocketSession>();
  const metrics = createMetrics(() => hocuspocus?.getDocumentsCount() ?? 0);
  const httpServer = createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxMessageBytes });
  let closing: Promise<void> | undefined;

  async function openStore(): Promise<DocumentStore> {
    if (parts.store) return parts.store;
    const storeOptions = {
      onBatchCommitted: (batch: { updates: number }) => metrics.commitBatchUpdates.observe(batch.updates),
      onBackgroundError: (error: Error) => {
        metrics.errors.inc({ code: "storage-background" });
        logger.error({ err: error }, "background storage work failed");
      },
    };
    if (config.databaseUrl) {
      return createPostgresStore({
        connectionString: config.databaseUrl,
        schema: config.databaseSchema,
        ...storeOptions,
      });
    }
    return createPGliteStore({ dataDir: config.dataDir, ...storeOptions });
  }

  function acceptSocket(request: IncomingMessage, socket: import("ws").WebSocket, instance: Hocuspocus): void {
    const session = new SocketSession(socket, randomUUID(), logger, metrics, config.maxMessagesPerSecond);
    sessions.add(session);
    metrics.connections.inc();
    // Counting what goes out means wrapping send; Hocuspocus only needs these three members.
    const counted = {
      get readyState() {
        return socket.readyState;
      },
      send(data: Uint8Array) {
        metrics.messagesOut.inc();
        if (carriesUpdate(data)) metrics.updatesOut.inc();
        metrics.bytesOut.inc(data.byteLength);
        socket.send(data);
      },
      close(code?: number, reason?: string) {
        socket.close(code, reason);
      },
    };
    const context: ConnectionContext = { session };
    const connection = instance.handleConnection(counted as never, toFetchRequest(request), context);
    session.connection = connection;
    socket.on("message", (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        session.close("MalformedMessage");
        return;
      }
      const frame = session.admit(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      if (frame) connection.handleMessage(frame);
    });
    socket.on("close", (code: number, reason: Buffer) => {
      sessions.delete(session);
      metrics.connections.dec();
      connection.handleClose({ code, reason: reason.toString() });
    });
    socket.on("error", (error: Error) => {
      // ws reports oversized frames here before closing with 1009.
      session.logger.info({ err: error }, "socket error");
      if ((error as { code?: string }).code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
        metrics.errors.inc({ code: "1009" });
      }
    });
  }

  return {
    get hocuspocus() {
      return hocuspocus;
    },

    async listen() {
      store = await openStore();
      if (authenticator.devMode) {
        logger.warn("AUTH_SECRET is not set: DEV MODE, anyone can connect as an editor under any name");
      }
      const extensions: Extension[] = [identityExtension(authenticator), durableLog(store, metrics, logger)];
      if (config.redisUrl) extensions.push(redisExtension(config));
      const instance = new Hocuspocus({ name: "tandem", quiet: true, extensions, unloadImmediately: true });
      hocuspocus = instance;
      const routes = [
        ...(parts.routes?.({ store, hocuspocus: instance, metrics }) ?? []),
        ...coreRoutes(store, metrics),
      ];
      httpServer.on("request", createRequestListener(routes, config.staticDir ?? defaultStaticDir(), logger));
      httpServer.on("upgrade", (request, socket, head) => {
        const pathname = new URL(request.url ?? "/", "http://localhost").pathname;
        const shuttingDown = closing !== undefined;
        if (pathname !== "/collab" || shuttingDown) {
          socket.end(shuttingDown ? "HTTP/1.1 503 Service Unavailable\r\n\r\n" : "HTTP/1.1 404 Not Found\r\n\r\n");
          return;
        }
        wss.handleUpgrade(request, socket, head, (ws) => acceptSocket(request, ws, instance));
      });
      await new Promise<void>((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(config.port, config.host, () => resolve());
      });
      const { port } = httpServer.address() as AddressInfo;
      const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
      const url = `http://${host}:${port}`;
      logger.info(
        { url, storage: store.kind, redis: config.redisUrl !== undefined, devMode: authenticator.devMode },
        "listening",
      );
      return { url, port, storage: store.kind };
    },

    close() {
      closing ??= (async () => {
        const deadline = AbortSignal.timeout(config.shutdownTimeoutMs);
        httpServer.close();
        for (const session of sessions) session.close("ShuttingDown");
        // Each connection finishes the message it is processing (an append in
        // flight commits) before the store is closed.
        await Promise.race([
          Promise.all([...sessions].map((session) => session.connection?.handleClose())),
          new Promise((resolve) => deadline.addEventListener("abort", resolve)),
        ]);
        await hocuspocus?.hooks("onDestroy", { instance: hocuspocus }).catch((error: unknown) => {
          logger.error({ err: error }, "extension shutdown failed");
        });
        wss.close();
        httpServer.closeAllConnections();
        if (store && ownsStore) {
          try {
            await store.close();
          } catch (error) {
            throw new TandemServerError("shutdown-failed", `could not flush pending edits: ${String(error)}`, {
              cause: error,
            });
          }
        }
        logger.info("closed");
      })();
      return closing;
    },
  };
}
