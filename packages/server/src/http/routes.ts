import type { IncomingMessage, ServerResponse } from "node:http";
import type { DocumentStore } from "@tandem/persistence";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { staticFiles } from "./static-files.js";

/** Handles one HTTP request. */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** A route: a method and an exact path or a path prefix ending in `/`. */
export interface Route {
  readonly method: string;
  readonly path: string;
  readonly handler: RouteHandler;
}

/** JSON response helper. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  response.end(JSON.stringify(body));
}

/** Health, readiness and metrics; static files are the fallback. */
export function coreRoutes(store: DocumentStore, metrics: Metrics): Route[] {
  return [
    { method: "GET", path: "/healthz", handler: async (_req, res) => sendJson(res, 200, { status: "ok" }) },
    {
      method: "GET",
      path: "/readyz",
      handler: async (_req, res) => {
        try {
          await store.ping();
          sendJson(res, 200, { status: "ready", storage: store.kind });
        } catch (error) {
          sendJson(res, 503, { status: "unavailable", storage: store.kind, error: String(error) });
        }
      },
    },
    {
      method: "GET",
      path: "/metrics",
      handler: async (_req, res) => {
        res.writeHead(200, { "content-type": metrics.registry.contentType });
        res.end(await metrics.registry.metrics());
      },
    },
  ];
}

/** Dispatches requests to `routes`, then to the static files; no handler error escapes. */
export function createRequestListener(routes: readonly Route[], staticDir: string | undefined, logger: Logger) {
  const serveStatic = staticFiles(staticDir);
  return (request: IncomingMessage, response: ServerResponse): void => {
    const pathname = new URL(request.url ?? "/", "http://localhost").pathname;
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
    handler(request, response).catch((error: unknown) => {
      logger.error({ err: error, path: pathname }, "request failed");
      if (!response.headersSent) sendJson(response, 500, { error: { code: "internal", message: "internal error" } });
      else response.destroy();
    });
  };
}
