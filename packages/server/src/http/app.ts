import { OpenAPIHono } from "@hono/zod-openapi";
import type { TandemStore } from "@tandem/persistence";
import type { Context, MiddlewareHandler } from "hono";
import { compress } from "hono/compress";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import type { AuditRecorder } from "../audit/recorder.js";
import type { Authenticator } from "../auth/identity.js";
import type { ArchivedDocuments } from "../documents/archived.js";
import type { DocumentService } from "../documents/service.js";
import type { DocumentHistory } from "../history/service.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { Notifications } from "../notifications/notifications.js";
import { INBOX_PATH } from "../notifications/routes.js";
import type { PeopleService } from "../people/service.js";
import type { DocumentProposals } from "../proposals/service.js";
import { mountShareLinkRoutes, SHARE_LINKS_PATH } from "../sharing/routes.js";
import type { ShareLinks } from "../sharing/service.js";
import { mountWebhookRoutes, WEBHOOKS_PATH, type WebhookApi } from "../webhooks/routes.js";
import { AUDIT_PATH, mountAuditRoutes } from "./api/audit.js";
import { mountContentRoutes } from "./api/content.js";
import { DOCUMENTS_PATH, routingPath } from "./api/document-path.js";
import { mountDocumentRoutes } from "./api/documents.js";
import { mountHistoryRoutes } from "./api/history.js";
import { mountPeopleRoutes, PEOPLE_PATH } from "./api/people.js";
import { mountProposalRoutes } from "./api/proposals.js";
import { type ApiEnv, authenticated } from "./api/request.js";
import { type ApiErrorCode, failureResponse } from "./api/respond.js";
import { describeIssues } from "./api/schemas.js";
import { mountCoreRoutes } from "./core-routes.js";
import { mountReference } from "./reference.js";
import { staticFiles } from "./static-files.js";

/** The HTTP app: Hono with OpenAPI routes. Hosts add routes to it (see `TandemServerConfig.routes`). */
export type TandemApp = OpenAPIHono<ApiEnv>;

/** What a host's routes get besides the app. */
export interface HostRouteTools {
  /**
   * Middleware that authenticates `Authorization: Bearer <token>` as the API
   * does (a JSON 401 otherwise) and leaves the caller in `c.get("identity")`;
   * `accessTo(identity, scopeName(identity.tenant, name))` then says their
   * role on the document its tenant knows as `name` (see docs/tenants.md).
   */
  readonly authenticated: MiddlewareHandler<ApiEnv>;
}

/**
 * Mounts a host's routes on the server's app. Routes declared with
 * `app.openapi(createRoute(…), handler)` appear in `/api/openapi.json`;
 * plain Hono routes (`app.get(…)`) work too. Under `/api/`, only Tandem's
 * own paths are authenticated for you: use `tools.authenticated`.
 *
 * @example
 * ```ts
 * const routes: HostRoutes = (app, { authenticated }) => {
 *   app.get("/api/host/whoami", authenticated, (c) => c.json({ name: c.get("identity").name }));
 * };
 * createTandemServer({ routes });
 * ```
 */
export type HostRoutes = (app: TandemApp, tools: HostRouteTools) => void;

/** What the HTTP layer needs from the server. */
export interface HttpAppContext {
  readonly store: TandemStore;
  readonly documents: DocumentService;
  /** Which documents are archived, and so read-only. */
  readonly archive: ArchivedDocuments;
  readonly authenticator: Authenticator;
  readonly history: DocumentHistory;
  readonly proposals: DocumentProposals;
  /** Export and erasure of a person. */
  readonly people: PeopleService;
  readonly audit: AuditRecorder;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly metricsToken: string | undefined;
  /** The page's files; undefined for none (a small page says the server is up). */
  readonly staticDir: string | undefined;
  /** Webhook subscriptions and their deliveries. */
  readonly webhooks: WebhookApi;
  /** Share links and who has access. */
  readonly sharing: ShareLinks;
  /** Inboxes, their live stream and the unsubscribe link. */
  readonly notifications: Pick<Notifications, "mount">;
  /** Mounts a host's own routes, after Tandem's and before the page's files. */
  readonly hostRoutes?: HostRoutes | undefined;
}

// What a browser may load and run on the pages this server serves: only its own files (no inline scripts,
// nothing from elsewhere); inline styles are allowed because the editor positions carets and menus with them.
const contentSecurityPolicy = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'self'"],
};

const statusCodes: Partial<Record<number, ApiErrorCode>> = {
  400: "invalid-request",
  401: "unauthorized",
  403: "forbidden",
  404: "not-found",
  405: "method-not-allowed",
  413: "payload-too-large",
  415: "unsupported-media-type",
};

const apiPrefix = "/api";

/**
 * The server's HTTP app, in the order requests meet it: security headers and
 * compression on every answer; the API (authenticated per route group), the
 * OpenAPI document and its reference page, health and metrics, the host's
 * routes; then JSON 405s for known paths asked with another method, JSON
 * 404s for everything else under `/api`, and the page's files for the rest.
 * No handler error escapes: one is logged and answered with a JSON 500.
 */
export function createHttpApp(context: HttpAppContext): TandemApp {
  const { logger } = context;
  const app = new OpenAPIHono<ApiEnv>({
    getPath: routingPath,
    defaultHook: (result) => {
      if (!result.success) return failureResponse({ code: "invalid-request", message: describeIssues(result.error) });
    },
  });
  // HSTS is left to whoever terminates TLS: this server speaks plain HTTP behind it.
  app.use(secureHeaders({ contentSecurityPolicy, strictTransportSecurity: false }));
  app.use(compress());
  app.use(`${apiPrefix}/*`, async (c, next) => {
    await next();
    // Answers depend on the caller's token: never cached by default.
    if (!c.res.headers.has("cache-control")) c.res.headers.set("cache-control", "no-store");
  });
  const requireToken = authenticated(context.authenticator, context.audit);
  for (const path of [
    `${apiPrefix}/session`,
    DOCUMENTS_PATH,
    `${DOCUMENTS_PATH}/*`,
    WEBHOOKS_PATH,
    `${WEBHOOKS_PATH}/*`,
    AUDIT_PATH,
    `${AUDIT_PATH}/*`,
    `${PEOPLE_PATH}/*`,
    `${SHARE_LINKS_PATH}/*`,
    INBOX_PATH,
    `${INBOX_PATH}/*`,
  ])
    app.use(path, requireToken);

  mountReference(app);
  mountDocumentRoutes(app, context);
  mountContentRoutes(app, context.documents, context.audit);
  mountHistoryRoutes(app, context.history, context.archive, context.audit);
  mountProposalRoutes(app, context.proposals, context.archive);
  mountWebhookRoutes(app, context.webhooks, context.audit);
  mountAuditRoutes(app, { log: context.store.audit });
  mountPeopleRoutes(app, context.people, context.audit);
  mountShareLinkRoutes(app, context.sharing, context.audit);
  context.notifications.mount(app);
  mountCoreRoutes(app, context);
  context.hostRoutes?.(app, { authenticated: requireToken });

  const methodNotAllowed = (c: Context) =>
    failureResponse({ code: "method-not-allowed", message: `${c.req.method} ${c.req.path.slice(0, 200)}` });
  const routed = new Set(app.routes.filter((route) => route.method !== "ALL").map((route) => route.path));
  for (const path of routed) app.all(path, methodNotAllowed);
  const noEndpoint = (c: Context) =>
    failureResponse({ code: "not-found", message: `no such endpoint: ${c.req.path.slice(0, 200)}` });
  app.all(apiPrefix, noEndpoint);
  app.all(`${apiPrefix}/*`, noEndpoint);
  app.get("*", staticFiles(context.staticDir));
  app.all("*", methodNotAllowed);

  app.notFound(noEndpoint);
  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      // Ours carry their JSON answer; Hono's own (a body its validator could not read…) get one.
      if (error.res !== undefined) return error.getResponse();
      const code = statusCodes[error.status];
      if (code !== undefined) return failureResponse({ code, message: error.message });
    }
    logger.error({ err: error, method: c.req.method, path: c.req.path }, "request failed");
    return failureResponse({ code: "internal", message: "internal error" });
  });
  return app;
}
