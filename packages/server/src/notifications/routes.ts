import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import {
  type DocumentStore,
  EmailModes,
  type Notification,
  NotificationKinds,
  type NotificationStore,
} from "@tandem/persistence";
import { isValidDocumentName } from "@tandem/protocol";
import { createMiddleware } from "hono/factory";
import { accessTo, type Identity } from "../auth/identity.js";
import { scopeName } from "../auth/tenant-names.js";
import { type ApiEnv, jsonBody } from "../http/api/request.js";
import { refuse, unwrap } from "../http/api/respond.js";
import { errorResponses, json } from "../http/api/responses.js";
import { fromStore } from "../http/api/store-result.js";
import type { InboxSignal } from "./live.js";
import { titlesOf } from "./titles.js";
import { maySee } from "./visibility.js";

/** Where the inbox's endpoints live. */
export const INBOX_PATH = "/api/inbox";

/** What the inbox API needs from the server. */
export interface InboxApi {
  readonly store: NotificationStore;
  readonly signal: InboxSignal;
  /** Where document titles are read from. */
  readonly documents: Pick<DocumentStore, "stat">;
}

const notification = z
  .object({
    id: z.string().openapi({ description: "Increases with every notification; the cursor of pages." }),
    kind: z.enum(NotificationKinds),
    document: z.string(),
    documentTitle: z.string().nullable().openapi({ description: "The document's title now; null when it has none." }),
    threadId: z.string().nullable(),
    commentId: z.string().nullable(),
    actor: z.string().nullable().openapi({ description: "The user id of whoever caused it." }),
    actorName: z.string().nullable(),
    excerpt: z.string().nullable().openapi({ description: "The comment's first words, or the status change." }),
    createdAt: z.string(),
    readAt: z.string().nullable(),
  })
  .openapi("Notification");

const page = z
  .object({
    notifications: z.array(notification).readonly(),
    nextBefore: z.string().nullable().openapi({ description: "Pass as `before` for the next page; null on the last." }),
  })
  .openapi("InboxPage");

const unread = z.object({ unread: z.number().int() }).openapi("InboxUnread");
const changed = z.object({ changed: z.number().int(), unread: z.number().int() });
const settings = z.object({ email: z.string().nullable(), emailMode: z.enum(EmailModes) }).openapi("InboxSettings");
const documentName = z.string().refine(isValidDocumentName, "must be a document name");
const following = z.object({ document: documentName, following: z.boolean() }).openapi("Following");

const readBody = z.object({
  ids: z
    .array(z.string().regex(/^[1-9]\d{0,17}$/))
    .min(1)
    .max(1000),
});

const tags = ["inbox"];
const security = [{ bearer: [] }];

const listRoute = createRoute({
  method: "get",
  path: INBOX_PATH,
  tags,
  security,
  summary: "The caller's notifications, newest first, one page",
  description:
    "Only notifications about documents the caller's token grants a role on; a page may hold fewer than `limit`.",
  request: {
    query: z.object({
      before: z
        .string()
        .regex(/^[1-9]\d{0,17}$/)
        .optional(),
      unread: z.enum(["true", "false"]).optional().openapi({ description: "Only unread ones." }),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: { 200: json(page, "One page."), ...errorResponses("invalid-request") },
});

const unreadRoute = createRoute({
  method: "get",
  path: `${INBOX_PATH}/unread`,
  tags,
  security,
  summary: "How many unread notifications the caller has",
  responses: { 200: json(unread, "The count."), ...errorResponses() },
});

const readRoute = createRoute({
  method: "post",
  path: `${INBOX_PATH}/read`,
  tags,
  security,
  summary: "Marks notifications read (others' ids are ignored)",
  middleware: [jsonBody()] as const,
  request: { body: { content: { "application/json": { schema: readBody } }, required: true } },
  responses: { 200: json(changed, "How many changed."), ...errorResponses("invalid-request", "payload-too-large") },
});

const readAllRoute = createRoute({
  method: "post",
  path: `${INBOX_PATH}/read-all`,
  tags,
  security,
  summary: "Marks every notification of the caller read",
  responses: { 200: json(changed, "How many changed."), ...errorResponses() },
});

const getFollowingRoute = createRoute({
  method: "get",
  path: `${INBOX_PATH}/following`,
  tags,
  security,
  summary: "Whether the caller follows a document",
  request: { query: z.object({ document: documentName }) },
  responses: { 200: json(following, "Whether they follow it."), ...errorResponses("invalid-request", "forbidden") },
});

const putFollowingRoute = createRoute({
  method: "put",
  path: `${INBOX_PATH}/following`,
  tags,
  security,
  summary: "Follows or unfollows a document (status changes of a followed spec notify)",
  middleware: [jsonBody()] as const,
  request: { body: { content: { "application/json": { schema: following } }, required: true } },
  responses: { 200: json(following, "The choice, stored."), ...errorResponses("invalid-request", "forbidden") },
});

const getSettingsRoute = createRoute({
  method: "get",
  path: `${INBOX_PATH}/settings`,
  tags,
  security,
  summary: "The caller's email settings",
  description: "`email` comes from the token's `email` claim; digests go nowhere without one.",
  responses: { 200: json(settings, "The settings."), ...errorResponses() },
});

const putSettingsRoute = createRoute({
  method: "put",
  path: `${INBOX_PATH}/settings`,
  tags,
  security,
  summary: "Sets which notifications the caller is emailed: all, mentions only, or none",
  middleware: [jsonBody()] as const,
  request: {
    body: { content: { "application/json": { schema: z.object({ emailMode: z.enum(EmailModes) }) } }, required: true },
  },
  responses: { 200: json(settings, "The settings."), ...errorResponses("invalid-request") },
});

/** A notification as the API shows it. */
function shown(stored: Notification, titles: ReadonlyMap<string, string>): z.infer<typeof notification> {
  const { tenant: _tenant, recipient: _recipient, createdAt, readAt, ...rest } = stored;
  return {
    ...rest,
    documentTitle: titles.get(stored.document) ?? null,
    createdAt: createdAt.toISOString(),
    readAt: readAt?.toISOString() ?? null,
  };
}

const personOf = (identity: Identity) => ({ tenant: identity.tenant, userId: identity.id });

/** How many unread notifications `identity` has about documents it may see. */
export async function unreadCount(store: NotificationStore, identity: Identity): Promise<number> {
  let count = 0;
  for (const [document, unreadHere] of await store.unreadByDocument(personOf(identity))) {
    if (maySee(identity.access, document)) count += unreadHere;
  }
  return count;
}

/**
 * Records who the caller is, as their token says, on every inbox request: the
 * producer and the digests check access and send email with what was last seen.
 */
export function recordingCaller(store: NotificationStore) {
  return createMiddleware<ApiEnv>(async (c, next) => {
    const identity = c.get("identity");
    unwrap(
      await fromStore(() =>
        store.recordPerson({
          ...personOf(identity),
          name: identity.name,
          email: identity.email ?? null,
          access: identity.access,
        }),
      ),
    );
    await next();
  });
}

/** The inbox endpoints (see docs/notifications.md); the live stream and unsubscribe are in `stream.ts`. */
export function mountInboxRoutes(app: OpenAPIHono<ApiEnv>, api: InboxApi): void {
  const { store, signal, documents } = api;
  const answerChanged = async (identity: Identity, count: number) => {
    if (count > 0) signal.changed(identity.tenant, [identity.id]);
    return { changed: count, unread: unwrap(await fromStore(() => unreadCount(store, identity))) };
  };

  app.openapi(listRoute, async (c) => {
    const identity = c.get("identity");
    const { before, unread: unreadOnly, limit } = c.req.valid("query");
    const listed = unwrap(
      await fromStore(() =>
        store.list(personOf(identity), { limit, unreadOnly: unreadOnly === "true", ...(before ? { before } : {}) }),
      ),
    );
    const nextBefore = listed.length === limit ? (listed.at(-1)?.id ?? null) : null;
    const visible = listed.filter((each) => maySee(identity.access, each.document));
    const titles = await titlesOf(
      documents,
      identity.tenant,
      visible.map((each) => each.document),
    );
    return c.json({ notifications: visible.map((each) => shown(each, titles)), nextBefore }, 200);
  });

  app.openapi(unreadRoute, async (c) =>
    c.json({ unread: unwrap(await fromStore(() => unreadCount(store, c.get("identity")))) }, 200),
  );

  app.openapi(readRoute, async (c) => {
    const identity = c.get("identity");
    const count = unwrap(await fromStore(() => store.markRead(personOf(identity), c.req.valid("json").ids)));
    return c.json(await answerChanged(identity, count), 200);
  });

  app.openapi(readAllRoute, async (c) => {
    const identity = c.get("identity");
    const count = unwrap(await fromStore(() => store.markAllRead(personOf(identity))));
    return c.json(await answerChanged(identity, count), 200);
  });

  const mayFollow = (identity: Identity, document: string) => {
    if (accessTo(identity, scopeName(identity.tenant, document)) === undefined) {
      refuse("forbidden", `no access to ${document}`);
    }
  };

  app.openapi(getFollowingRoute, async (c) => {
    const identity = c.get("identity");
    const { document } = c.req.valid("query");
    mayFollow(identity, document);
    const choice = unwrap(await fromStore(() => store.isFollowing(personOf(identity), document)));
    return c.json({ document, following: choice === true }, 200);
  });

  app.openapi(putFollowingRoute, async (c) => {
    const identity = c.get("identity");
    const input = c.req.valid("json");
    mayFollow(identity, input.document);
    unwrap(await fromStore(() => store.setFollowing(personOf(identity), input.document, input.following)));
    return c.json(input, 200);
  });

  const answerSettings = async (identity: Identity) => {
    const person = unwrap(await fromStore(() => store.person(personOf(identity))));
    return { email: person?.email ?? null, emailMode: person?.emailMode ?? "all" };
  };

  app.openapi(getSettingsRoute, async (c) => c.json(await answerSettings(c.get("identity")), 200));

  app.openapi(putSettingsRoute, async (c) => {
    const identity = c.get("identity");
    unwrap(await fromStore(() => store.setEmailMode(personOf(identity), c.req.valid("json").emailMode)));
    return c.json(await answerSettings(identity), 200);
  });
}
