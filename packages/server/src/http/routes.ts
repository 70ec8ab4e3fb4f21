import type { IncomingMessage, ServerResponse } from "node:http";
import type { DocumentStore } from "@tandem/persistence";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
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

/** Sends `body` as JSON, never cached. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  response.end(JSON.stringify(body));
}

/** Liveness, readiness and Prometheus metrics. */
export function coreRoutes(store: DocumentStore, metrics: Metrics, logger: Logger): Route[] {
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
      handler: async (_request, response) => {
        const body = await metrics.registry.metrics();
        response.writeHead(200, { "content-type": metrics.registry.contentType });
        response.end(body);
      },
    },
  ];
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
    const route = routes.find(
      (candidate) =>
        candidate.method === request.method &&
        (candidate.path === pathname || (candidate.path.endsWith("/") && pathname.startsWith(candidate.path))),
    );
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
