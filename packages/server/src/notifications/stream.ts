import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { NotificationStore } from "@tandem/persistence";
import { streamSSE } from "hono/streaming";
import type { ApiEnv } from "../http/api/request.js";
import { errorResponses } from "../http/api/responses.js";
import type { Logger } from "../logger.js";
import type { InboxSignal } from "./live.js";
import { INBOX_PATH, unreadCount } from "./routes.js";
import type { UnsubscribeTokens } from "./unsubscribe.js";

/** The inbox's live stream. */
export const INBOX_STREAM_PATH = `${INBOX_PATH}/stream`;

/** Where signed unsubscribe links point; outside the inbox's path, since they need no token. */
export const UNSUBSCRIBE_PATH = "/api/email/unsubscribe";

// Proxies close connections idle for a minute or so; a comment line every 25 s keeps the stream open.
const HEARTBEAT_MS = 25_000;

/** What the stream and unsubscribe routes need. */
export interface StreamContext {
  readonly store: NotificationStore;
  readonly signal: InboxSignal;
  readonly tokens: UnsubscribeTokens;
  /**
   * The open streams' ends, each called when the server shuts down. A set
   * rather than an AbortSignal: thousands of open bells would be thousands
   * of listeners on one signal, past Node's leak warning.
   */
  readonly open: Set<() => void>;
  readonly logger: Logger;
}

const streamRoute = createRoute({
  method: "get",
  path: INBOX_STREAM_PATH,
  tags: ["inbox"],
  security: [{ bearer: [] }],
  summary: "The caller's unread count, live (Server-Sent Events)",
  description: 'An `unread` event (`{"unread": n}`) when the stream opens and whenever the count may have changed.',
  responses: {
    200: { description: "An event stream.", content: { "text/event-stream": { schema: { type: "string" } } } },
    ...errorResponses(),
  },
});

const htmlAnswer = {
  description: "A page saying what happened.",
  content: { "text/html": { schema: { type: "string" as const } } },
};
const unsubscribeRequest = { query: z.object({ token: z.string().max(1000).default("") }) };

const unsubscribePageRoute = createRoute({
  method: "get",
  path: UNSUBSCRIBE_PATH,
  tags: ["inbox"],
  summary: "The unsubscribe link of a digest: a page with a button",
  request: unsubscribeRequest,
  responses: { 200: htmlAnswer },
});

const unsubscribeRoute = createRoute({
  method: "post",
  path: UNSUBSCRIBE_PATH,
  tags: ["inbox"],
  summary: "Stops a person's notification emails (one-click, RFC 8058)",
  request: unsubscribeRequest,
  responses: { 200: htmlAnswer },
});

/**
 * `GET /api/inbox/stream`: Server-Sent Events, one `unread` event (`{"unread": n}`)
 * when the stream opens and again whenever the caller's inbox changes, on this
 * instance or another (see `InboxSignal`). SSE rather than a WebSocket message:
 * it is one-way, goes through any HTTP proxy, and needs no change to the
 * collaboration protocol; the client reads it with `fetch`, which can send the
 * bearer token (`EventSource` cannot).
 */
export function mountInboxStream(app: OpenAPIHono<ApiEnv>, context: StreamContext): void {
  const { store, signal, open, logger } = context;
  app.openapi(streamRoute, (c) => {
    const identity = c.get("identity");
    // zod-openapi types answers by JSON or text content only: this event stream is cast, like the audit export.
    return streamSSE(c, async (stream) => {
      let counting: Promise<void> | undefined;
      let again = false;
      // Counts are coalesced: a burst of changes while one count runs costs one more count, not one each.
      const send = () => {
        if (counting !== undefined) {
          again = true;
          return;
        }
        counting = unreadCount(store, identity)
          .then((unread) => stream.writeSSE({ event: "unread", data: JSON.stringify({ unread }) }))
          .catch((error: unknown) => logger.warn({ err: error }, "could not send an inbox count"))
          .finally(() => {
            counting = undefined;
            if (again && !stream.aborted) {
              again = false;
              send();
            }
          });
      };
      const stop = signal.watch(identity.tenant, identity.id, send);
      const heartbeat = setInterval(() => void stream.write(": ping\n\n").catch(() => {}), HEARTBEAT_MS);
      send();
      let end = () => {};
      await new Promise<void>((resolve) => {
        end = resolve;
        open.add(end);
        stream.onAbort(end);
      });
      open.delete(end);
      stop();
      clearInterval(heartbeat);
      await counting;
    }) as never;
  });
}

// Cast for the same reason as the stream: zod-openapi has no type for an HTML answer.
const page = (title: string, body: string) =>
  new Response(
    `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>` +
      `<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto">${body}</body></html>`,
    { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } },
  ) as never;

/**
 * The unsubscribe link of a digest. A POST (the mail client's one-click, RFC
 * 8058, or the page's button) sets the person's email mode to `none`; a GET
 * only shows that button, because link scanners in mail systems fetch every
 * link of a message and must not unsubscribe anyone by doing so.
 */
export function mountUnsubscribe(app: OpenAPIHono<ApiEnv>, context: StreamContext): void {
  const refused = () => page("Unsubscribe", "<p>This unsubscribe link is not valid.</p>");
  app.openapi(unsubscribePageRoute, (c) => {
    const { token } = c.req.valid("query");
    if (context.tokens.verify(token) === undefined) return refused();
    const action = `${UNSUBSCRIBE_PATH}?token=${encodeURIComponent(token)}`;
    return page(
      "Unsubscribe",
      `<p>Stop all notification emails from Tandem?</p><form method="post" action="${action}">` +
        '<button type="submit">Unsubscribe</button></form>',
    );
  });
  app.openapi(unsubscribeRoute, async (c) => {
    const person = context.tokens.verify(c.req.valid("query").token);
    if (person === undefined) return refused();
    await context.store.setEmailMode(person, "none");
    return page("Unsubscribed", "<p>You will get no more notification emails. Your inbox in Tandem is unchanged.</p>");
  });
}
