import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { DocumentStore } from "@tandem/persistence";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { bearerToken } from "./api/request.js";
import { sendFailure, sendJson } from "./api/respond.js";
import { requestPath } from "./request-path.js";
import { staticFiles } from "./static-files.js";

/** Handles one HTTP request. A rejection is logged and answered with 500. */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/**
 * One entry of the routing table: a method and an exact path, or a path
 * prefix ending in `/` (`/api/documents/` matches `/api/documents/spec/42`).
 * Routes are tried in order; the first match handles the request.
 */
export interface Route {
  readonly method: string;
  readonly path: string;
  readonly handler: RouteHandler;
}

/**
 * Liveness, readiness and Prometheus metrics; with `metricsToken`, `/metrics`
 * answers only `Authorization: Bearer <metricsToken>`.
 */
export function coreRoutes(
  store: DocumentStore,
  metrics: Metrics,
  logger: Logger,
  metricsToken: string | undefined,
): Route[] {
  const allowed = metricsToken === undefined ? () => true : bearerMatches(metricsToken);
  return [
    {
      method: "GET",
      path: "/healthz",
      handler: async (_request, response) => sendJson(response, 200, { status: "ok" }),
    },
    {
      method: "GET",
      path: "/readyz",
      handler: async (_request, response) => {
        try {
          await store.ping();
          sendJson(response, 200, { status: "ready", storage: store.kind });
        } catch (error) {
          // The reason goes to the log, not to whoever asks: it can name hosts and users.
          logger.warn({ err: error }, "readiness check: storage does not answer");
          sendJson(response, 503, { status: "unavailable", storage: store.kind });
        }
      },
    },
    {
      method: "GET",
      path: "/metrics",
      handler: async (request, response) => {
        if (!allowed(request)) {
          sendFailure(response, {
            code: "unauthorized",
            message: "/metrics needs 'Authorization: Bearer <METRICS_TOKEN>'",
          });
          return;
        }
        const body = await metrics.registry.metrics();
        response.writeHead(200, { "content-type": metrics.registry.contentType });
        response.end(body);
      },
    },
  ];
}

/** Whether a request carries `Bearer <token>`, compared in constant time (digests, so lengths leak nothing either). */
function bearerMatches(token: string): (request: IncomingMessage) => boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  const expected = digest(token);
  return (request) => {
    const given = bearerToken(request.headers.authorization);
    return given !== undefined && timingSafeEqual(digest(given), expected);
  };
}

/** `/api` and everything under it is the REST API's: an unknown path there is a JSON 404, never the page's HTML. */
function isApiPath(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}

/**
 * Dispatches requests through `routes`, then to the static files (GET and
 * HEAD). No handler error escapes: a rejection is logged and answered with 500.
 */
export function createRequestListener(routes: readonly Route[], staticDir: string | undefined, logger: Logger) {
  const serveStatic = staticFiles(staticDir);
  return (request: IncomingMessage, response: ServerResponse): void => {
    const pathname = requestPath(request.url);
    if (pathname === undefined) {
      sendJson(response, 400, { error: { code: "invalid-request", message: "malformed request target" } });
      return;
    }
    const onPath = routes.filter(
      (candidate) =>
        candidate.path === pathname || (candidate.path.endsWith("/") && pathname.startsWith(candidate.path)),
    );
    const route = onPath.find((candidate) => candidate.method === request.method);
    if (route === undefined && onPath.length === 0 && isApiPath(pathname)) {
      sendFailure(response, { code: "not-found", message: `no such endpoint: ${pathname.slice(0, 200)}` });
      return;
    }
    const handler = route?.handler ?? (request.method === "GET" || request.method === "HEAD" ? serveStatic : undefined);
    if (!handler) {
      sendJson(response, 405, { error: { code: "method-not-allowed", message: `${request.method} ${pathname}` } });
      return;
    }
    // A handler that throws instead of rejecting is caught the same way.
    new Promise<void>((resolve) => resolve(handler(request, response))).catch((error: unknown) => {
      logger.error({ err: error, method: request.method, path: pathname }, "request failed");
      if (!response.headersSent) sendJson(response, 500, { error: { code: "internal", message: "internal error" } });
      else response.destroy();
    });
  };
}
