import type { TandemStore } from "@tandem/persistence";
import { defaultStaticDir, type ResolvedConfig } from "../config.js";
import { DocumentService } from "../documents/service.js";
import { DocumentHistory } from "../history/service.js";
import { createHttpApp, type HostRoutes, type TandemApp } from "../http/app.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { PeopleService } from "../people/service.js";
import { DocumentProposals } from "../proposals/service.js";
import { ShareLinks } from "../sharing/service.js";
import type { Collaboration } from "./collaboration.js";

/** What {@link createApiApp} needs besides the live side. */
export interface ApiContext {
  readonly settings: ResolvedConfig;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly hostRoutes: HostRoutes | undefined;
}

/** The HTTP app (REST API, health, metrics, the page) over the services that edit the live documents. */
export function createApiApp(store: TandemStore, live: Collaboration, context: ApiContext): TandemApp {
  const { instance, durable, webhooks, notifications } = live;
  const documents = new DocumentService(store, instance, durable, live.deletions, live.archive, {
    ...webhooks.documentEvents,
    deleted(name, by) {
      webhooks.documentEvents.deleted(name, by);
      notifications.deleted(name);
    },
  });
  return createHttpApp({
    store,
    documents,
    people: new PeopleService(store, store.audit, store.shareLinks, documents, instance, durable, store.notifications),
    authenticator: live.authenticator,
    archive: live.archive,
    history: new DocumentHistory(live.versioned, instance, durable),
    proposals: new DocumentProposals(store, instance, durable),
    webhooks: webhooks.api,
    sharing: new ShareLinks(store.shareLinks, instance, live.liveLinks),
    notifications,
    audit: live.audit,
    metrics: context.metrics,
    logger: context.logger,
    metricsToken: context.settings.metricsToken,
    staticDir: context.settings.staticDir ?? defaultStaticDir(),
    hostRoutes: context.hostRoutes,
  });
}
