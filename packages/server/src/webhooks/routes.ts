import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { DeliveryInfo, WebhookStore, WebhookSubscription } from "@tandem/persistence";
import { generateWebhookSecret, WebhookEventTypes } from "@tandem/protocol/webhooks";
import { createMiddleware } from "hono/factory";
import type { AuditRecorder } from "../audit/recorder.js";
import type { Identity } from "../auth/identity.js";
import { type ApiEnv, callerAddress, jsonBody } from "../http/api/request.js";
import { failureResponse, refuse, unwrap } from "../http/api/respond.js";
import { errorResponses, json } from "../http/api/responses.js";
import { fromStore } from "../http/api/store-result.js";
import { checkWebhookUrl } from "./address-policy.js";

/** What the webhook API needs. */
export interface WebhookApi {
  readonly store: WebhookStore;
  /** WEBHOOK_ALLOW_PRIVATE_ADDRESSES. */
  readonly allowPrivateAddresses: boolean;
}

/** Where the webhook API lives; the app authenticates every request under it. */
export const WEBHOOKS_PATH = "/api/webhooks";

const tags = ["webhooks"];
const security = [{ bearer: [] }];

const eventType = z.enum(WebhookEventTypes);

const subscription = z
  .object({
    id: z.string().openapi({ example: "wh_5f0c6a1e9b2d4c7a8e3f1b20" }),
    tenantId: z.string(),
    url: z.string(),
    events: z.array(eventType).readonly(),
    description: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("Webhook");

const createdSubscription = subscription
  .extend({
    secret: z.string().openapi({
      description: "The signing secret (`whsec_…`), shown this once: keep it to verify deliveries.",
    }),
  })
  .openapi("CreatedWebhook");

const attempt = z.object({
  attempt: z.number(),
  startedAt: z.string(),
  durationMs: z.number(),
  statusCode: z.number().nullable().openapi({ description: "Null when no answer came (refused, timed out)." }),
  error: z.string().nullable(),
});

const delivery = z
  .object({
    id: z.string(),
    messageId: z.string().openapi({ description: "The event's id: the `webhook-id` header of every attempt." }),
    subscriptionId: z.string(),
    eventType: z.string(),
    status: z.enum(["pending", "delivered", "failed"]),
    createdAt: z.string(),
    nextAttemptAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    attempts: z.array(attempt).readonly(),
  })
  .openapi("WebhookDelivery");

const createBody = z
  .strictObject({
    url: z.string().min(1).max(2048).openapi({ example: "https://hooks.example.com/tandem" }),
    events: z.array(eventType).min(1).max(WebhookEventTypes.length),
    description: z.string().trim().min(1).max(500).optional(),
  })
  .openapi("CreateWebhook");

const idParams = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: "id", in: "path" }, example: "wh_5f0c6a1e9b2d4c7a8e3f1b20" }),
});

const deliveriesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ description: "At most this many (1–500)." }),
});

const listRoute = createRoute({
  method: "get",
  path: WEBHOOKS_PATH,
  tags,
  security,
  summary: "The tenant's webhook subscriptions (without their secrets)",
  responses: {
    200: json(z.object({ webhooks: z.array(subscription).readonly() }), "The subscriptions."),
    ...errorResponses("forbidden"),
  },
});

const createWebhookRoute = createRoute({
  method: "post",
  path: WEBHOOKS_PATH,
  tags,
  security,
  summary: "Subscribes a URL to events",
  description:
    "The URL must be http or https; private addresses are refused unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES is on. " +
    "The answer carries the signing secret, which is never shown again.",
  middleware: [jsonBody()] as const,
  request: { body: { content: { "application/json": { schema: createBody } }, required: true } },
  responses: {
    201: json(createdSubscription, "The subscription, with its secret."),
    ...errorResponses("invalid-request", "forbidden", "payload-too-large"),
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: `${WEBHOOKS_PATH}/{id}`,
  tags,
  security,
  summary: "Unsubscribes; its pending deliveries are dropped",
  request: { params: idParams },
  responses: { 204: { description: "Deleted." }, ...errorResponses("forbidden", "not-found") },
});

const deliveriesRoute = createRoute({
  method: "get",
  path: `${WEBHOOKS_PATH}/{id}/deliveries`,
  tags,
  security,
  summary: "A subscription's recent deliveries, newest first, with every attempt",
  request: { params: idParams, query: deliveriesQuery },
  responses: {
    200: json(z.object({ deliveries: z.array(delivery).readonly() }), "The deliveries."),
    ...errorResponses("invalid-request", "forbidden", "not-found"),
  },
});

/**
 * Webhooks are the tenant's, not one document's: managing them takes the
 * owner role on every document, which only an `access` entry `"*": "owner"`
 * grants (a narrower pattern could not cover documents created later).
 */
function isTenantOwner(identity: Identity): boolean {
  return identity.access["*"] === "owner";
}

const ownersOnly = createMiddleware<ApiEnv>(async (c, next) => {
  if (!isTenantOwner(c.get("identity"))) {
    return failureResponse({ code: "forbidden", message: 'managing webhooks needs the role "*": "owner"' });
  }
  await next();
});

function subscriptionJson(listed: WebhookSubscription) {
  return { ...listed, events: listed.events as z.infer<typeof eventType>[], createdAt: listed.createdAt.toISOString() };
}

function deliveryJson(listed: DeliveryInfo) {
  return {
    ...listed,
    createdAt: listed.createdAt.toISOString(),
    nextAttemptAt: listed.nextAttemptAt?.toISOString() ?? null,
    finishedAt: listed.finishedAt?.toISOString() ?? null,
    attempts: listed.attempts.map((each) => ({ ...each, startedAt: each.startedAt.toISOString() })),
  };
}

/**
 * The webhook endpoints (see docs/webhooks.md), for owners of the whole
 * tenant (see {@link isTenantOwner}): list, subscribe (answering the signing
 * secret once), unsubscribe, and a subscription's recent deliveries.
 */
export function mountWebhookRoutes(app: OpenAPIHono<ApiEnv>, api: WebhookApi, audit: AuditRecorder): void {
  for (const path of [WEBHOOKS_PATH, `${WEBHOOKS_PATH}/*`]) app.use(path, ownersOnly);

  app.openapi(listRoute, async (c) => {
    const listed = unwrap(await fromStore(() => api.store.listSubscriptions(c.get("identity").tenant)));
    return c.json({ webhooks: listed.map(subscriptionJson) }, 200);
  });

  app.openapi(createWebhookRoute, async (c) => {
    const identity = c.get("identity");
    const input = c.req.valid("json");
    const url = checkWebhookUrl(input.url, api.allowPrivateAddresses);
    if (!url.ok) refuse("invalid-request", `url: ${url.reason}`);
    const secret = generateWebhookSecret();
    const created = unwrap(
      await fromStore(() =>
        api.store.createSubscription({
          tenantId: identity.tenant,
          url: url.url,
          events: input.events,
          secret,
          createdBy: identity.id,
          ...(input.description ? { description: input.description } : {}),
        }),
      ),
    );
    await audit.record({
      action: "webhook.created",
      actor: identity,
      from: callerAddress(c),
      details: { webhook: created.id, events: [...created.events] },
    });
    return c.json({ ...subscriptionJson(created), secret }, 201);
  });

  app.openapi(deleteRoute, async (c) => {
    const { id } = c.req.valid("param");
    const deleted = unwrap(await fromStore(() => api.store.deleteSubscription(id, c.get("identity").tenant)));
    if (!deleted) refuse("not-found", `no webhook ${id}`);
    await audit.record({
      action: "webhook.deleted",
      actor: c.get("identity"),
      from: callerAddress(c),
      details: { webhook: id },
    });
    return c.body(null, 204);
  });

  app.openapi(deliveriesRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { limit } = c.req.valid("query");
    const tenantId = c.get("identity").tenant;
    const known = unwrap(await fromStore(() => api.store.listSubscriptions(tenantId)));
    if (!known.some((each) => each.id === id)) refuse("not-found", `no webhook ${id}`);
    const deliveries = unwrap(await fromStore(() => api.store.listDeliveries(id, { tenantId, limit })));
    return c.json({ deliveries: deliveries.map(deliveryJson) }, 200);
  });
}
