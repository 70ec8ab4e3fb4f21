import type { Extension, Hocuspocus } from "@hocuspocus/server";
import type { DocumentStore, TandemStore } from "@tandem/persistence";
import { type AuditRecorder, auditRecorder } from "../audit/recorder.js";
import type { Authenticator } from "../auth/identity.js";
import { withShareLinks } from "../auth/shared-access.js";
import type { ResolvedConfig } from "../config.js";
import { ArchivedDocuments } from "../documents/archived.js";
import { Deletions } from "../documents/deletions.js";
import { metadataMirror } from "../documents/metadata-mirror.js";
import type { Unloads } from "../documents/unloads.js";
import { authentication } from "../extensions/authentication.js";
import { broadcastWindow } from "../extensions/broadcast-window.js";
import { commentsGuard } from "../extensions/comments-guard.js";
import { type DurableLog, durableLog } from "../extensions/durable-log.js";
import { nestingGuard } from "../extensions/nesting-guard.js";
import { type Presence, presenceIdentity } from "../extensions/presence.js";
import { type CommittedRelay, redisRelay } from "../extensions/redis.js";
import { syncAnswers } from "../extensions/sync-answers.js";
import { historyExtension } from "../history/extension.js";
import { LiveDocuments } from "../live-documents.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { createNotifications, type Notifications } from "../notifications/notifications.js";
import { MAX_TIMER_DELAY_MS } from "../protocol/socket-session.js";
import { LiveShareLinks } from "../sharing/live-links.js";
import { createWebhooks, type Webhooks } from "../webhooks/webhooks.js";

/** What {@link startCollaboration} needs of the server around it. */
export interface CollaborationContext {
  readonly settings: ResolvedConfig;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Who a token says someone is (share links are added on top here). */
  readonly tokens: Authenticator;
  readonly unloads: Unloads;
  /** The host's own extensions, after Tandem's. */
  readonly hostExtensions: readonly Extension[];
}

/** The live side of a started server, and what its HTTP API is built on. */
export interface Collaboration {
  readonly instance: Hocuspocus;
  readonly durable: DurableLog;
  /**
   * The short way for a client's own awareness frames; undefined when the
   * host's extensions hook into messages or awareness, which must then see
   * every frame.
   */
  readonly presence: Presence | undefined;
  readonly webhooks: Webhooks;
  readonly notifications: Notifications;
  readonly audit: AuditRecorder;
  /** The token's identity plus the roles that share links add. */
  readonly authenticator: Authenticator;
  readonly deletions: Deletions;
  readonly archive: ArchivedDocuments;
  readonly liveLinks: LiveShareLinks;
  /** The store, announcing each version it makes to webhook subscribers: what history uses. */
  readonly versioned: DocumentStore;
}

/**
 * Builds the live documents on an open store: the Hocuspocus extensions in
 * the order they must run (deletions and authentication first, the durable
 * log before anything that reads what it committed, the host's last), the
 * Redis relay when configured, webhooks and notifications.
 */
export function startCollaboration(store: TandemStore, context: CollaborationContext): Collaboration {
  const { settings, logger, metrics } = context;
  let instance: Hocuspocus | undefined;
  let relay: CommittedRelay | undefined;
  const notifications = createNotifications(store.notifications, store, settings, logger, metrics);
  const webhooks = createWebhooks(store.webhooks, settings, logger, metrics, notifications.listener);
  // History makes versions through it, so that each new one is announced.
  const versioned = webhooks.announcingVersions(store);
  const audit = auditRecorder(store.audit, metrics, logger);
  const durable = durableLog({
    store,
    metrics,
    logger,
    onCommitted: (documentName, update, author) => {
      relay?.publishCommitted(documentName, update);
      webhooks.committed(documentName, update, author);
    },
  });
  const deletions = new Deletions(store, context.unloads, (name) => relay?.publishDeleted(name));
  const archive = new ArchivedDocuments(store, (name) => relay?.publishAccessChanged(name));
  // The token says who someone is; share links they opened add roles on single documents.
  const authenticator = withShareLinks(context.tokens, store.shareLinks);
  const redis = settings.redisUrl === undefined ? undefined : { url: settings.redisUrl, prefix: settings.redisPrefix };
  const liveLinks = new LiveShareLinks(() => instance, logger, redis);
  const presence = presenceIdentity();
  const extensions: Extension[] = [
    deletions.extension,
    authentication(authenticator, audit, archive),
    presence.extension,
    commentsGuard({ store, metrics, logger, durable }),
    nestingGuard(metrics),
    durable.extension,
    metadataMirror(store, metrics, logger),
    historyExtension(versioned, settings, metrics, logger),
    syncAnswers(metrics),
    broadcastWindow(),
    context.unloads.extension,
    webhooks.extension,
    ...context.hostExtensions,
    liveLinks.extension,
  ];
  if (redis !== undefined) {
    relay = redisRelay(redis.url, redis.prefix, store, logger, {
      onAccessChanged: (name) => {
        if (!instance) return;
        archive.reapply(instance, name).catch((error: unknown) => {
          logger.error({ err: error, document: name }, "could not apply an archive made on another instance");
        });
      },
    });
    extensions.push(relay.extension);
  }
  // Hocuspocus' idle check (`timeout`) is as good as off: it sees only the
  // frames handed to it, not presence's short way or a Pong, and would close
  // idle editors; the keep-alive (protocol/keep-alive.ts) sees every frame.
  const configuration = {
    name: "tandem",
    quiet: true,
    extensions,
    unloadImmediately: true,
    timeout: MAX_TIMER_DELAY_MS,
  };
  instance = new LiveDocuments(configuration, (hook, error) => {
    metrics.errors.inc({ code: "hook-failed" });
    logger.error({ err: error, hook }, "a document hook failed; the document unloads anyway");
  });
  const hostSeesAwareness = context.hostExtensions.some(
    (host) => host.beforeHandleMessage || host.afterHandleMessage || host.beforeHandleAwareness,
  );
  return {
    instance,
    durable,
    presence: hostSeesAwareness ? undefined : presence,
    webhooks,
    notifications,
    audit,
    authenticator,
    deletions,
    archive,
    liveLinks,
    versioned,
  };
}
