import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Extension, Hocuspocus } from "@hocuspocus/server";
import type { TandemStore } from "@tandem/persistence";
import { auditRecorder, clientAddress } from "./audit/recorder.js";
import { createAuthenticator } from "./auth/identity.js";
import { withShareLinks } from "./auth/shared-access.js";
import { defaultStaticDir, resolveConfig, type TandemServerConfig } from "./config.js";
import { ArchivedDocuments } from "./documents/archived.js";
import { Deletions } from "./documents/deletions.js";
import { metadataMirror } from "./documents/metadata-mirror.js";
import { DocumentService } from "./documents/service.js";
import { Unloads } from "./documents/unloads.js";
import { TandemServerError } from "./errors.js";
import { authentication } from "./extensions/authentication.js";
import { broadcastWindow } from "./extensions/broadcast-window.js";
import { commentsGuard } from "./extensions/comments-guard.js";
import { type DurableLog, durableLog } from "./extensions/durable-log.js";
import { nestingGuard } from "./extensions/nesting-guard.js";
import { presenceIdentity } from "./extensions/presence.js";
import { type CommittedRelay, redisRelay } from "./extensions/redis.js";
import { syncAnswers } from "./extensions/sync-answers.js";
import { historyExtension } from "./history/extension.js";
import { DocumentHistory } from "./history/service.js";
import { createHttpApp, type TandemApp } from "./http/app.js";
import { requestListener } from "./http/listener.js";
import { shutDown } from "./lifecycle/shutdown.js";
import { LiveDocuments } from "./live-documents.js";
import { createLogger } from "./logger.js";
import { createMetrics } from "./metrics.js";
import { createNotifications, type Notifications } from "./notifications/notifications.js";
import { PeopleService } from "./people/service.js";
import { DocumentProposals } from "./proposals/service.js";
import { createCollabEndpoint } from "./protocol/collab-endpoint.js";
import { FRAGMENT_BYTES, FRAGMENT_BYTES_PER_TURN, FragmentPump } from "./protocol/fragment-pump.js";
import { SocketSession } from "./protocol/socket-session.js";
import { UnauthenticatedBytes } from "./protocol/unauthenticated-bytes.js";
import { LiveShareLinks } from "./sharing/live-links.js";
import { ShareLinks } from "./sharing/service.js";
import { openStore } from "./storage.js";
import { createWebhooks, type Webhooks } from "./webhooks/webhooks.js";

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
  let hocuspocus: Hocuspocus | undefined;
  let app: TandemApp | undefined;
  const unauthenticated = new UnauthenticatedBytes(settings.maxUnauthenticatedBytes);
  // One for every socket: large messages leave in fragments, a bounded number of bytes per turn.
  const fragments = new FragmentPump(FRAGMENT_BYTES, FRAGMENT_BYTES_PER_TURN);
  const metrics = createMetrics(
    () => hocuspocus?.getDocumentsCount() ?? 0,
    () => unauthenticated.bytes,
  );
  let store: TandemStore | undefined;
  let durable: DurableLog | undefined;
  let webhooks: Webhooks | undefined;
  let notifications: Notifications | undefined;
  let listening: Promise<{ url: string; port: number; storage: string }> | undefined;
  let closing: Promise<void> | undefined;

  const unloads = new Unloads();

  const collab = createCollabEndpoint({
    maxMessageBytes: settings.maxMessageBytes,
    accepting() {
      if (closing !== undefined || hocuspocus === undefined) return false;
      if (!unauthenticated.isFull) return true;
      // Sockets not yet authenticated hold nearly all they may: the rest is for those already open.
      metrics.errors.inc({ code: "unauthenticated-full" });
      logger.warn({ limit: unauthenticated.limit }, "refusing a socket: too many bytes queued before authentication");
      return false;
    },
    logger,
    onSocket(socket, request, upgrade) {
      const instance = hocuspocus;
      if (!instance) return; // not reachable: accepting() said there is one
      const session = new SocketSession(socket, {
        logger,
        address: clientAddress(upgrade.socket.remoteAddress, upgrade.headers["x-forwarded-for"]),
        metrics,
        maxBytesPerSecond: settings.maxBytesPerSecond,
        maxBurstBytes: settings.maxBurstBytes,
        maxThrottledMs: settings.maxThrottledMs,
        authTimeoutMs: settings.authTimeoutMs,
        unauthenticated,
        maxBufferedBytes: settings.maxBufferedBytes,
        fragments,
        claimedTenant: (token) => tokens.claimedTenant(token),
        onClosed: (ended) => sessions.delete(ended),
        acknowledge: (from, address, send) => durable?.acknowledge(from, address, send),
      });
      sessions.add(session);
      session.start(instance, request);
    },
  });

  async function start(): Promise<{ url: string; port: number; storage: string }> {
    if (closing !== undefined) throw new TandemServerError("closed", "the server was closed");
    const ownsStore = config.store === undefined;
    const opened = config.store ?? (await openStore(settings, metrics, logger));
    store = opened;
    const inbox = createNotifications(opened.notifications, opened, settings, logger, metrics);
    notifications = inbox;
    const hooks = createWebhooks(opened.webhooks, settings, logger, metrics, inbox.listener);
    webhooks = hooks;
    // History makes versions through it, so that each new one is announced.
    const versioned = hooks.announcingVersions(opened);
    let relay: CommittedRelay | undefined;
    const audit = auditRecorder(opened.audit, metrics, logger);
    durable = durableLog({
      store: opened,
      metrics,
      logger,
      onCommitted: (documentName, update, author) => {
        relay?.publishCommitted(documentName, update);
        hooks.committed(documentName, update, author);
      },
    });
    const deletions = new Deletions(opened, unloads, (name) => relay?.publishDeleted(name));
    const archive = new ArchivedDocuments(opened, (name) => relay?.publishAccessChanged(name));
    // The token says who someone is; share links they opened add roles on single documents.
    const authenticator = withShareLinks(tokens, opened.shareLinks);
    const extensions: Extension[] = [
      deletions.extension,
      authentication(authenticator, audit, archive),
      presenceIdentity(),
      commentsGuard({ store: opened, metrics, logger, durable }),
      nestingGuard(metrics),
      durable.extension,
      metadataMirror(opened, metrics, logger),
      historyExtension(versioned, settings, metrics, logger),
      syncAnswers(metrics),
      broadcastWindow(),
      unloads.extension,
      hooks.extension,
      ...(config.extensions ?? []),
    ];
    let instance: Hocuspocus | undefined;
    try {
      const redis =
        settings.redisUrl === undefined ? undefined : { url: settings.redisUrl, prefix: settings.redisPrefix };
      const liveLinks = new LiveShareLinks(() => hocuspocus, logger, redis);
      extensions.push(liveLinks.extension);
      if (settings.redisUrl !== undefined) {
        relay = redisRelay(settings.redisUrl, settings.redisPrefix, opened, logger, {
          onAccessChanged: (name) => {
            if (!hocuspocus) return;
            archive.reapply(hocuspocus, name).catch((error: unknown) => {
              logger.error({ err: error, document: name }, "could not apply an archive made on another instance");
            });
          },
        });
        extensions.push(relay.extension);
      }
      instance = new LiveDocuments(
        { name: "tandem", quiet: true, extensions, unloadImmediately: true },
        (hook, error) => {
          metrics.errors.inc({ code: "hook-failed" });
          logger.error({ err: error, hook }, "a document hook failed; the document unloads anyway");
        },
      );
      hocuspocus = instance;
      const documents = new DocumentService(opened, instance, durable, deletions, archive, {
        ...hooks.documentEvents,
        deleted(name, by) {
          hooks.documentEvents.deleted(name, by);
          inbox.deleted(name);
        },
      });
      app = createHttpApp({
        store: opened,
        documents,
        people: new PeopleService(opened, opened.audit, documents, instance, durable, opened.shareLinks),
        authenticator,
        archive,
        history: new DocumentHistory(versioned, instance, durable),
        proposals: new DocumentProposals(opened, instance, durable),
        webhooks: hooks.api,
        sharing: new ShareLinks(opened.shareLinks, instance, liveLinks),
        notifications: inbox,
        audit,
        metrics,
        logger,
        metricsToken: settings.metricsToken,
        staticDir: settings.staticDir ?? defaultStaticDir(),
        hostRoutes: config.routes,
      });
      httpServer.on("request", requestListener(app, logger));
      httpServer.on("upgrade", (request, socket, head) => collab.handleUpgrade(request, socket, head));
      await new Promise<void>((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(settings.port, settings.host, () => {
          httpServer.off("error", reject);
          resolve();
        });
      });
      httpServer.on("error", (error) => logger.error({ err: error }, "HTTP server error"));
      hooks.start();
    } catch (error) {
      hocuspocus = undefined;
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
    inbox.start(url);
    logger.info(
      { url, storage: opened.kind, redis: settings.redisUrl !== undefined, devMode: tokens.devMode },
      "listening",
    );
    return { url, port, storage: opened.kind };
  }

  async function shutdown(): Promise<void> {
    await listening?.catch(() => {});
    await shutDown({
      httpServer,
      hocuspocus,
      sessions,
      unloads,
      webhooks,
      notifications,
      ownedStore: config.store === undefined ? store : undefined,
      timeoutMs: settings.shutdownTimeoutMs,
      logger,
    });
  }

  return {
    get hocuspocus() {
      return hocuspocus;
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
