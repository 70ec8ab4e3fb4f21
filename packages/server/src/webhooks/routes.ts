import type { IncomingMessage, ServerResponse } from "node:http";
import type { DeliveryInfo, WebhookStore, WebhookSubscription } from "@tandem/persistence";
import { generateWebhookSecret, WebhookEventTypes } from "@tandem/protocol/webhooks";
import { z } from "zod";
import type { Authenticator, Identity } from "../auth/identity.js";
import { authenticateRequest, readJsonBody } from "../http/api/request.js";
import { type ApiResult, fail, sendFailure, sendJson } from "../http/api/respond.js";
import { describeIssues } from "../http/api/schemas.js";
import { fromStore } from "../http/api/store-result.js";
import type { Route } from "../http/routes.js";
import { checkWebhookUrl } from "./address-policy.js";
import { tenantOfDocument } from "./outbox.js";

/** What the webhook API needs from the server. */
export interface WebhookApiContext {
  readonly store: WebhookStore;
  readonly authenticator: Authenticator;
  /** WEBHOOK_ALLOW_PRIVATE_ADDRESSES. */
  readonly allowPrivateAddresses: boolean;
}

/** Body of `POST /api/webhooks`. */
const createBody = z.strictObject({
  url: z.string().min(1).max(2048),
  events: z.array(z.enum(WebhookEventTypes)).min(1).max(WebhookEventTypes.length),
  description: z.string().trim().min(1).max(500).optional(),
});

const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

/**
 * Webhooks are the tenant's, not one document's: managing them takes the
 * owner role on every document, which only an `access` entry `"*": "owner"`
 * grants (a narrower pattern could not cover documents created later).
 */
function isTenantOwner(identity: Identity): boolean {
  return identity.access["*"] === "owner";
}

// The tenant of the caller. Tenants do not exist yet: the one of every document.
const tenantOf = (_identity: Identity) => tenantOfDocument("");

function subscriptionJson(subscription: WebhookSubscription) {
  return { ...subscription, createdAt: subscription.createdAt.toISOString() };
}

function deliveryJson(delivery: DeliveryInfo) {
  return {
    ...delivery,
    createdAt: delivery.createdAt.toISOString(),
    nextAttemptAt: delivery.nextAttemptAt?.toISOString() ?? null,
    finishedAt: delivery.finishedAt?.toISOString() ?? null,
    attempts: delivery.attempts.map((attempt) => ({ ...attempt, startedAt: attempt.startedAt.toISOString() })),
  };
}

async function create(
  context: WebhookApiContext,
  identity: Identity,
  request: IncomingMessage,
): Promise<ApiResult<unknown>> {
  const body = await readJsonBody(request);
  if (!body.ok) return body;
  const input = createBody.safeParse(body.value);
  if (!input.success) return fail("invalid-request", describeIssues(input.error));
  const url = checkWebhookUrl(input.data.url, context.allowPrivateAddresses);
  if (!url.ok) return fail("invalid-request", `url: ${url.reason}`);
  const secret = generateWebhookSecret();
  const created = await fromStore(() =>
    context.store.createSubscription({
      tenantId: tenantOf(identity),
      url: url.url,
      events: input.data.events,
      secret,
      createdBy: identity.id,
      ...(input.data.description ? { description: input.data.description } : {}),
    }),
  );
  // The secret is shown this once: it is never listed.
  return created.ok ? { ok: true, value: { ...subscriptionJson(created.value), secret } } : created;
}

/** `/api/webhooks/<id>` or `/api/webhooks/<id>/deliveries`. */
async function one(
  context: WebhookApiContext,
  identity: Identity,
  request: IncomingMessage,
  url: URL,
): Promise<ApiResult<{ status: number; json?: unknown }>> {
  const [id, resource, ...rest] = url.pathname.slice(PREFIX.length).split("/");
  const tenantId = tenantOf(identity);
  if (id && resource === undefined && request.method === "DELETE") {
    const deleted = await fromStore(() => context.store.deleteSubscription(id, tenantId));
    if (!deleted.ok) return deleted;
    return deleted.value ? { ok: true, value: { status: 204 } } : fail("not-found", `no webhook ${id}`);
  }
  if (id && resource === "deliveries" && rest.length === 0 && request.method === "GET") {
    const query = listQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!query.success) return fail("invalid-request", describeIssues(query.error));
    const known = await fromStore(() => context.store.listSubscriptions(tenantId));
    if (!known.ok) return known;
    if (!known.value.some((subscription) => subscription.id === id)) return fail("not-found", `no webhook ${id}`);
    const deliveries = await fromStore(() => context.store.listDeliveries(id, { tenantId, limit: query.data.limit }));
    if (!deliveries.ok) return deliveries;
    return { ok: true, value: { status: 200, json: { deliveries: deliveries.value.map(deliveryJson) } } };
  }
  return fail("not-found", `no such endpoint: ${request.method} ${url.pathname.slice(0, 200)}`);
}

const PREFIX = "/api/webhooks/";

/**
 * The webhook API (see docs/webhooks.md), for owners of the whole tenant
 * (see {@link isTenantOwner}):
 *
 * - `GET /api/webhooks`: the subscriptions;
 * - `POST /api/webhooks {url, events, description?}`: subscribes, answering the signing secret once;
 * - `DELETE /api/webhooks/<id>`: unsubscribes (pending deliveries are dropped);
 * - `GET /api/webhooks/<id>/deliveries[?limit=N]`: recent deliveries with every attempt.
 */
export function webhookApiRoutes(context: WebhookApiContext): Route[] {
  const handle =
    (
      work: (
        identity: Identity,
        request: IncomingMessage,
        url: URL,
      ) => Promise<ApiResult<{ status: number; json?: unknown }>>,
    ) =>
    async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
      const url = new URL(`http://localhost${request.url ?? "/"}`);
      const identity = await authenticateRequest(request, context.authenticator);
      if (!identity.ok) return sendFailure(response, identity.failure);
      if (!isTenantOwner(identity.value)) {
        return sendFailure(response, { code: "forbidden", message: 'managing webhooks needs the role "*": "owner"' });
      }
      const result = await work(identity.value, request, url);
      if (!result.ok) sendFailure(response, result.failure);
      else if (result.value.json === undefined) response.writeHead(result.value.status).end();
      else sendJson(response, result.value.status, result.value.json);
    };
  const list = handle(async (identity) => {
    const listed = await fromStore(() => context.store.listSubscriptions(tenantOf(identity)));
    return listed.ok
      ? { ok: true, value: { status: 200, json: { webhooks: listed.value.map(subscriptionJson) } } }
      : listed;
  });
  const post = handle(async (identity, request) => {
    const created = await create(context, identity, request);
    return created.ok ? { ok: true, value: { status: 201, json: created.value } } : created;
  });
  const item = handle((identity, request, url) => one(context, identity, request, url));
  return [
    { method: "GET", path: "/api/webhooks", handler: list },
    { method: "POST", path: "/api/webhooks", handler: post },
    { method: "DELETE", path: PREFIX, handler: item },
    { method: "GET", path: PREFIX, handler: item },
  ];
}
