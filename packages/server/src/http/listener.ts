import type { IncomingMessage, ServerResponse } from "node:http";
import { getRequestListener } from "@hono/node-server";
import type { Logger } from "../logger.js";
import { jsonHeaders } from "./api/respond.js";
import type { TandemApp } from "./app.js";
import { requestPath } from "./request-path.js";

/**
 * The Node request listener for `app`, through Hono's Node adapter. Request
 * targets are untrusted: one that is not origin-form (`*`, an absolute URL)
 * is answered with 400 before the adapter builds a URL from it. The adapter
 * is told to leave the global `Request` and `Response` alone: a host
 * embedding the server keeps the ones it has.
 */
export function requestListener(app: TandemApp, logger: Logger) {
  // The adapter's env carries the Node request: routes read the caller's address from it (`callerAddress`).
  const listener = getRequestListener((request, env) => app.fetch(request, env), { overrideGlobalObjects: false });
  return (request: IncomingMessage, response: ServerResponse): void => {
    if (requestPath(request.url) === undefined) {
      const body = { error: { code: "invalid-request", message: "malformed request target" } };
      response.writeHead(400, jsonHeaders).end(JSON.stringify(body));
      return;
    }
    listener(request, response).catch((error: unknown) => {
      logger.error({ err: error, method: request.method }, "answering a request failed");
      response.destroy();
    });
  };
}
