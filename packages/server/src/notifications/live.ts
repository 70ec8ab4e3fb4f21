import { Redis } from "ioredis";
import { z } from "zod";
import { redisOptions } from "../extensions/redis.js";
import type { Logger } from "../logger.js";

/**
 * Tells open inbox streams that a person's inbox changed, on every instance:
 * the bell then asks for its count again. A signal carries no content, so a
 * lost one only delays a bell until its next change or reload.
 */
export interface InboxSignal {
  /** Some notifications of these people were added or read. */
  changed(tenant: string, userIds: readonly string[]): void;
  /** Calls `listener` whenever a person's inbox changed, here or on another instance; returns the way to stop. */
  watch(tenant: string, userId: string, listener: () => void): () => void;
  close(): Promise<void>;
}

/** Listeners per person, in this process. */
class Listeners {
  private readonly byPerson = new Map<string, Set<() => void>>();

  add(key: string, listener: () => void): () => void {
    const set = this.byPerson.get(key) ?? new Set();
    this.byPerson.set(key, set);
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.byPerson.delete(key);
    };
  }

  fire(key: string): void {
    for (const listener of this.byPerson.get(key) ?? []) listener();
  }
}

const keyOf = (tenant: string, userId: string) => JSON.stringify([tenant, userId]);

/** A signal within one process: a server without Redis is the only instance. */
export function localInboxSignal(): InboxSignal {
  const listeners = new Listeners();
  return {
    changed(tenant, userIds) {
      for (const userId of userIds) listeners.fire(keyOf(tenant, userId));
    },
    watch: (tenant, userId, listener) => listeners.add(keyOf(tenant, userId), listener),
    close: async () => {},
  };
}

// What another instance published; anything else on the channel is ignored.
const message = z.object({ tenant: z.string(), users: z.array(z.string()).max(1000) });

/**
 * A signal over Redis pub/sub, one channel (`<prefix>:inbox`) for every
 * instance sharing the Redis: each fires its own listeners when a message
 * arrives, its own messages included.
 */
export function redisInboxSignal(redisUrl: string, prefix: string, logger: Logger): InboxSignal {
  const options = redisOptions(redisUrl);
  const pub = new Redis({ ...options, connectionName: `${prefix}-inbox-publish` });
  const sub = new Redis({ ...options, connectionName: `${prefix}-inbox-subscribe` });
  const channel = `${prefix}:inbox`;
  const listeners = new Listeners();
  const reportError = (what: string) => (error: unknown) => logger.error({ err: error }, `redis inbox: ${what} failed`);
  for (const client of [pub, sub]) client.on("error", reportError("connection"));
  sub.subscribe(channel).catch(reportError("subscribing"));
  sub.on("message", (_channel: string, text: string) => {
    let parsed: z.infer<typeof message>;
    try {
      parsed = message.parse(JSON.parse(text));
    } catch {
      return;
    }
    for (const userId of parsed.users) listeners.fire(keyOf(parsed.tenant, userId));
  });
  return {
    changed(tenant, userIds) {
      if (userIds.length === 0) return;
      pub.publish(channel, JSON.stringify({ tenant, users: [...new Set(userIds)] })).catch(reportError("publishing"));
    },
    watch: (tenant, userId, listener) => listeners.add(keyOf(tenant, userId), listener),
    async close() {
      pub.disconnect(false);
      sub.disconnect(false);
    },
  };
}
