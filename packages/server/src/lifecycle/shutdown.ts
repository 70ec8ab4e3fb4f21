import type { Server } from "node:http";
import type { Hocuspocus } from "@hocuspocus/server";
import type { DocumentStore } from "@tandem/persistence";
import type { Unloads } from "../documents/unloads.js";
import { TandemServerError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Notifications } from "../notifications/notifications.js";
import type { SocketSession } from "../protocol/socket-session.js";
import type { Webhooks } from "../webhooks/webhooks.js";

const settled = () => true;

/** Resolves true when `work` settles (either way) within `ms`, false when the time runs out first. */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(settled, settled), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a running server is made of, as shutdown takes it apart. */
export interface RunningParts {
  readonly httpServer: Server;
  readonly hocuspocus: Hocuspocus | undefined;
  readonly sessions: Iterable<SocketSession>;
  readonly unloads: Unloads;
  readonly webhooks: Webhooks | undefined;
  readonly notifications: Notifications | undefined;
  /** The store, when the server opened it (one the caller passed is the caller's to close). */
  readonly ownedStore: DocumentStore | undefined;
  readonly timeoutMs: number;
  readonly logger: Logger;
}

/**
 * Shuts a server down (see `TandemServer.close`): stops accepting, closes
 * every socket with 4503 once the messages in flight are taken, waits for
 * documents to unload (compacting their logs), lets extensions let go,
 * closes the webhooks and notifications, then the store it opened, which flushes pending
 * appends. Each wait is bounded by `timeoutMs`.
 *
 * @throws TandemServerError `shutdown-failed` when the store could not flush in time or failed to.
 */
export async function shutDown(parts: RunningParts): Promise<void> {
  const { httpServer, hocuspocus: instance, timeoutMs, logger } = parts;
  if (httpServer.listening) httpServer.close();
  httpServer.closeIdleConnections();
  if (instance) {
    // Taken before the sockets close: closing removes connections from their documents.
    const inFlight = [...instance.documents.values()].flatMap((document) =>
      document.getConnections().map((connection) => connection.waitForPendingMessages()),
    );
    for (const session of parts.sessions) session.close("ShuttingDown");
    const drained = await settlesWithin(
      Promise.all(inFlight).then(() => parts.unloads.whenUnloaded(instance)),
      timeoutMs,
    );
    if (!drained)
      logger.warn({ documents: instance.getDocumentsCount() }, "shutdown: documents still loaded at the deadline");
    // Redis and any other extension let go of their connections.
    const destroyed = instance.hooks("onDestroy", { instance }).catch((error: unknown) => {
      logger.error({ err: error }, "extension shutdown failed");
    });
    await settlesWithin(destroyed, timeoutMs);
  }
  httpServer.closeAllConnections();
  // Pending announcements are queued and attempts under way recorded while the store is open.
  if (parts.webhooks) await settlesWithin(parts.webhooks.close(), timeoutMs);
  if (parts.notifications) await settlesWithin(parts.notifications.close(), timeoutMs);
  const store = parts.ownedStore;
  if (store) {
    let failure: unknown;
    const flushed = await settlesWithin(
      store.close().catch((error: unknown) => {
        failure = error;
      }),
      timeoutMs,
    );
    if (!flushed || failure !== undefined) {
      const reason = flushed ? String(failure) : `not done within ${timeoutMs} ms`;
      logger.error({ err: failure }, "shutdown: pending edits could not be flushed");
      throw new TandemServerError("shutdown-failed", `could not flush pending edits: ${reason}`, { cause: failure });
    }
  }
  logger.info("closed");
}
