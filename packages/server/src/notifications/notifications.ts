import { randomBytes } from "node:crypto";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { DocumentStore, NotificationStore } from "@tandem/persistence";
import type { ResolvedConfig } from "../config.js";
import type { ApiEnv } from "../http/api/request.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { CommittedListener } from "../webhooks/event-source.js";
import { DigestWorker } from "./digest-worker.js";
import { notificationLink } from "./links.js";
import { type InboxSignal, localInboxSignal, redisInboxSignal } from "./live.js";
import { smtpMailer } from "./mailer.js";
import { NotificationProducer } from "./producer.js";
import { mountInboxRoutes, recordingCaller } from "./routes.js";
import { mountInboxStream, mountUnsubscribe, UNSUBSCRIBE_PATH } from "./stream.js";
import { titlesOf } from "./titles.js";
import { unsubscribeTokens } from "./unsubscribe.js";

/** Inboxes, live counts and email digests, wired into one server (see docs/notifications.md). */
export interface Notifications {
  /** Hears what the webhook event source detects (see `webhookEventSource`). */
  readonly listener: CommittedListener;
  /** A document was deleted (`documentName` is the server's name): its notifications and follows go with it. */
  deleted(documentName: string): void;
  /** Mounts `/api/inbox…` (behind `requireToken`, after it) and the unsubscribe link. */
  mount(app: OpenAPIHono<ApiEnv>): void;
  /** Starts sending digests, when email is configured; `baseUrl` is where the server listens, unless PUBLIC_URL says otherwise. */
  start(baseUrl: string): void;
  /** Ends open streams, waits for notifications being stored and the digest under way. Before the store closes. */
  close(): Promise<void>;
}

/** Notifications on `store`, live over Redis when `REDIS_URL` is set, emailed when `SMTP_URL` and `MAIL_FROM` are. */
export function createNotifications(
  store: NotificationStore,
  documents: Pick<DocumentStore, "stat">,
  settings: ResolvedConfig,
  logger: Logger,
  metrics: Metrics,
): Notifications {
  const signal: InboxSignal =
    settings.redisUrl === undefined
      ? localInboxSignal()
      : redisInboxSignal(settings.redisUrl, settings.redisPrefix, logger);
  const producer = new NotificationProducer(store, documents, signal, settings.digestDelayMs, logger, metrics);
  // Without AUTH_SECRET (dev mode) links are signed with a key of this process: they stop working at a restart.
  const tokens = unsubscribeTokens(settings.authSecret ?? randomBytes(32));
  const open = new Set<() => void>();
  let worker: DigestWorker | undefined;
  const context = { store, signal, tokens, open, logger };
  return {
    listener: producer,
    deleted: (documentName) => producer.deleted(documentName),
    mount(app) {
      app.use("/api/inbox", recordingCaller(store));
      app.use("/api/inbox/*", recordingCaller(store));
      mountInboxRoutes(app, { store, signal, documents });
      mountInboxStream(app, context);
      mountUnsubscribe(app, context);
    },
    start(baseUrl) {
      const { smtpUrl, mailFrom } = settings;
      if (smtpUrl === undefined || mailFrom === undefined) return;
      const publicUrl = (settings.publicUrl ?? baseUrl).replace(/\/+$/, "");
      worker = new DigestWorker({
        store,
        mailer: smtpMailer(smtpUrl, mailFrom),
        delayMs: settings.digestDelayMs,
        pollMs: settings.digestPollMs,
        linkOf: (document, threadId) => notificationLink(publicUrl, document, threadId),
        titles: (tenant, names) => titlesOf(documents, tenant, names),
        unsubscribeUrl: ({ person }) => `${publicUrl}${UNSUBSCRIBE_PATH}?token=${tokens.sign(person)}`,
        logger,
        metrics,
      });
      worker.start();
    },
    async close() {
      for (const end of open) end();
      await producer.idle();
      await worker?.stop();
      await signal.close();
    },
  };
}
