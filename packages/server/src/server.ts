import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Hocuspocus } from "@hocuspocus/server";
import type { TandemStore } from "@tandem/persistence";
import { createAuthenticator } from "./auth/identity.js";
import { resolveConfig, type TandemServerConfig } from "./config.js";
import { Unloads } from "./documents/unloads.js";
import { TandemServerError } from "./errors.js";
import type { TandemApp } from "./http/app.js";
import { requestListener } from "./http/listener.js";
import { collabSockets } from "./lifecycle/collab-sockets.js";
import { type Collaboration, startCollaboration } from "./lifecycle/collaboration.js";
import { createApiApp } from "./lifecycle/http-services.js";
import { shutDown } from "./lifecycle/shutdown.js";
import { createLogger } from "./logger.js";
import { createMetrics } from "./metrics.js";
import { KeepAlive, keepAlivePeriodMs } from "./protocol/keep-alive.js";
import type { SocketSession } from "./protocol/socket-session.js";
import { UnauthenticatedBytes } from "./protocol/unauthenticated-bytes.js";
import { openStore } from "./storage.js";

/** A running (or ready to run) Tandem server. */
export interface TandemServer {
  /**
   * Opens storage and starts listening. Resolves with the address actually
   * bound (port 0 picks a free one) and the storage in use. Calling it again
   * returns the same promise.
   */
  listen(): Promise<{ url: string; port: number; storage: string }>;
  /**
   * Shuts down: stops accepting, closes every connection with 4503, lets
   * messages in flight finish (an append in flight commits) and documents
   * unload (compacting their logs), then closes the store, which flushes
   * pending appends. Each of the two waits is bounded by `shutdownTimeoutMs`.
   * Calling it again returns the same promise.
   *
   * @throws TandemServerError `shutdown-failed` when the store could not flush
   * in time or failed to: edits acknowledged before were durable already, but
   * the process should exit non-zero.
   */
  close(): Promise<void>;
  /** The Hocuspocus instance, once listening (for direct connections, say). */
  readonly hocuspocus: Hocuspocus | undefined;
  /** The HTTP app, once listening: its routes, or `app.request()` to call it without a socket. */
  readonly app: TandemApp | undefined;
}

function urlOf(host: string, port: number): string {
  const shown = host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

/**
 * Creates a Tandem collaboration server: Hocuspocus v4 behind a frame guard,
 * with durable acknowledgments, JWT roles, stamped presence, health, metrics,
 * the REST API and static files, on one HTTP port.
 *
 * @throws TandemServerError `invalid-config` naming every bad setting.
 *
 * @example
 * ```ts
 * const server = createTandemServer({ port: 1234, databaseUrl: process.env.DATABASE_URL });
 * const { url } = await server.listen();
 * process.once("SIGTERM", () => void server.close());
 * ```
 */
export function createTandemServer(config: TandemServerConfig = {}): TandemServer {
  const settings = resolveConfig(config);
  const logger = config.logger ?? createLogger(settings.logLevel);
  const tokens = createAuthenticator(settings.authSecret);
  const httpServer = createServer();
  const sessions = new Set<SocketSession>();
  const unloads = new Unloads();
  const unauthenticated = new UnauthenticatedBytes(settings.maxUnauthenticatedBytes);
  // Serving while `live` is set; `started` keeps what a failed start left for close() to stop.
  let live: Collaboration | undefined;
  let started: Collaboration | undefined;
  let store: TandemStore | undefined;
  let app: TandemApp | undefined;
  let listening: Promise<{ url: string; port: number; storage: string }> | undefined;
  let closing: Promise<void> | undefined;
  const metrics = createMetrics(
    () => live?.instance.getDocumentsCount() ?? 0,
    () => unauthenticated.bytes,
  );
  const keepAlive = new KeepAlive(sessions, keepAlivePeriodMs(settings.idleTimeoutMs));
  const collab = collabSockets({
    settings,
    logger,
    metrics,
    tokens,
    unauthenticated,
    sessions,
    accepting: () => (closing === undefined ? live?.instance : undefined),
    durable: () => live?.durable,
    presence: () => live?.presence,
  });

  async function start(): Promise<{ url: string; port: number; storage: string }> {
    if (closing !== undefined) throw new TandemServerError("closed", "the server was closed");
    const ownsStore = config.store === undefined;
    const opened = config.store ?? (await openStore(settings, metrics, logger));
    store = opened;
    try {
      started = startCollaboration(opened, {
        settings,
        logger,
        metrics,
        tokens,
        unloads,
        hostExtensions: config.extensions ?? [],
      });
      live = started;
      const api = createApiApp(opened, started, { settings, logger, metrics, hostRoutes: config.routes });
      app = api;
      httpServer.on("request", requestListener(api, logger));
      httpServer.on("upgrade", (request, socket, head) => collab.handleUpgrade(request, socket, head));
      await listenOn(httpServer, settings.port, settings.host);
      keepAlive.start();
      httpServer.on("error", (error) => logger.error({ err: error }, "HTTP server error"));
      started.webhooks.start();
    } catch (error) {
      const instance = started?.instance;
      live = undefined;
      await instance?.hooks("onDestroy", { instance }).catch(() => {});
      if (ownsStore)
        await opened.close().catch((closeError: unknown) => logger.error({ err: closeError }, "store close failed"));
      throw error;
    }
    if (tokens.devMode) {
      logger.warn("AUTH_SECRET is not set: DEV MODE, anyone can connect as an editor under any name they send");
    }
    const { port } = httpServer.address() as AddressInfo;
    const url = urlOf(settings.host, port);
    started.notifications.start(url);
    logger.info(
      { url, storage: opened.kind, redis: settings.redisUrl !== undefined, devMode: tokens.devMode },
      "listening",
    );
    return { url, port, storage: opened.kind };
  }

  async function shutdown(): Promise<void> {
    await listening?.catch(() => {});
    keepAlive.stop();
    await shutDown({
      httpServer,
      hocuspocus: live?.instance,
      sessions,
      unloads,
      webhooks: started?.webhooks,
      notifications: started?.notifications,
      ownedStore: config.store === undefined ? store : undefined,
      timeoutMs: settings.shutdownTimeoutMs,
      logger,
    });
  }

  return {
    get hocuspocus() {
      return live?.instance;
    },
    get app() {
      return app;
    },
    listen() {
      listening ??= start();
      return listening;
    },
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}

/** Listens on `port` and `host`, rejecting with the error that kept it from listening (a port in use, say). */
function listenOn(httpServer: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(port, host, () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
}
