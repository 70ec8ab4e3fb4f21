import { Redis } from "ioredis";
import { z } from "zod";
import { redisOptions } from "../extensions/redis.js";
import type { Logger } from "../logger.js";
import type { EndedLink } from "./live-links.js";

/** Tells every instance behind one Redis that a share link was revoked. */
export interface RevocationRelay {
  /** Publishes `ended`; a failed publish is logged (the link is revoked in the store either way). */
  publish(ended: EndedLink): void;
  close(): void;
}

// A message from Redis is checked like any other input: another deployment's prefix, a bug, or anyone who can publish.
const message = z.strictObject({ linkId: z.string().min(1).max(512), document: z.string().min(1).max(512) });

/**
 * Revocations over Redis: one channel per deployment (`<prefix>#share-links`;
 * a document's channels never hold `#share-links`, so they cannot collide),
 * on which every instance hears every revocation and ends the connections the
 * link opened there. The instance that revoked hears its own message too;
 * ending twice is harmless. An instance whose subscriber was away when a
 * revocation passed keeps that link's connections open until they close:
 * new ones are refused by the store.
 */
export function revocationRelay(
  redisUrl: string,
  prefix: string,
  logger: Logger,
  onRevoked: (ended: EndedLink) => void,
): RevocationRelay {
  const options = redisOptions(redisUrl);
  const channel = `${prefix}#share-links`;
  const pub = new Redis({ ...options, connectionName: `${prefix}-share-links-publish` });
  const sub = new Redis({ ...options, connectionName: `${prefix}-share-links-subscribe` });
  const reportError = (what: string) => (error: unknown) => logger.error({ err: error }, `redis: ${what} failed`);
  for (const client of [pub, sub]) client.on("error", reportError("share-link connection"));
  sub.on("message", (from: string, text: string) => {
    if (from !== channel) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const result = message.safeParse(parsed);
    if (!result.success) {
      logger.warn({ channel }, "redis: ignoring a malformed share-link revocation");
      return;
    }
    onRevoked(result.data);
  });
  // ioredis subscribes again by itself after a reconnect.
  sub.subscribe(channel).catch(reportError("subscribing to share-link revocations"));
  return {
    publish(ended) {
      pub.publish(channel, JSON.stringify(ended)).catch(reportError("publishing a share-link revocation"));
    },
    close() {
      pub.disconnect(false);
      sub.disconnect(false);
    },
  };
}
