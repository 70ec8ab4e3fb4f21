import { createHash, timingSafeEqual } from "node:crypto";
import type { DocumentStore } from "@tandem/persistence";
import type { Env, Hono } from "hono";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { bearerToken } from "./api/request.js";
import { failureResponse, jsonHeaders } from "./api/respond.js";

/** What the operations endpoints need from the server. */
export interface CoreRoutesContext {
  readonly store: DocumentStore;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** With a token, `/metrics` answers only `Authorization: Bearer <metricsToken>`. */
  readonly metricsToken: string | undefined;
}

const jsonAnswer = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: jsonHeaders });

/**
 * Liveness (`/healthz`), readiness (`/readyz`: the store answers) and
 * Prometheus metrics (`/metrics`). They stay out of the OpenAPI document:
 * they are for the machines that run the server, not for API clients.
 */
export function mountCoreRoutes<E extends Env>(
  app: Hono<E>,
  { store, metrics, logger, metricsToken }: CoreRoutesContext,
): void {
  const allowed = metricsToken === undefined ? () => true : bearerMatches(metricsToken);
  app.get("/healthz", () => jsonAnswer(200, { status: "ok" }));
  app.get("/readyz", async () => {
    try {
      await store.ping();
      return jsonAnswer(200, { status: "ready", storage: store.kind });
    } catch (error) {
      // The reason goes to the log, not to whoever asks: it can name hosts and users.
      logger.warn({ err: error }, "readiness check: storage does not answer");
      return jsonAnswer(503, { status: "unavailable", storage: store.kind });
    }
  });
  app.get("/metrics", async (c) => {
    if (!allowed(c.req.header("authorization"))) {
      return failureResponse({
        code: "unauthorized",
        message: "/metrics needs 'Authorization: Bearer <METRICS_TOKEN>'",
      });
    }
    const body = await metrics.registry.metrics();
    return c.body(body, 200, { "content-type": metrics.registry.contentType });
  });
}

/** Whether a header is `Bearer <token>`, compared in constant time (digests, so lengths leak nothing either). */
function bearerMatches(token: string): (header: string | undefined) => boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  const expected = digest(token);
  return (header) => {
    const given = bearerToken(header);
    return given !== undefined && timingSafeEqual(digest(given), expected);
  };
}
