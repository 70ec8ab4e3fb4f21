import { Redis } from "@hocuspocus/extension-redis";
import type { Extension } from "@hocuspocus/server";
import { TandemServerError } from "../errors.js";

/**
 * extension-redis without its storage lock. The extension takes a Redis lock
 * around Hocuspocus's debounced `onStoreDocument` so that two instances do not
 * store one document at once; Tandem never stores through that hook (every
 * update is appended before it is applied, and appends need no lock), so the
 * lock would guard nothing, cost a round trip per debounce and, when it is
 * taken elsewhere, skip the other extensions' store hooks.
 */
class RelayOnlyRedis extends Redis {
  override async onStoreDocument(): Promise<void> {}
  override async afterStoreDocument(): Promise<void> {}
}

/**
 * Scale-out: relays updates and awareness between instances through Redis
 * pub/sub, under `prefix` (so that deployments, and test runs, sharing one
 * Redis stay apart).
 */
export function redisRelay(redisUrl: string, prefix: string): Extension {
  const url = new URL(redisUrl);
  const db = url.pathname.slice(1);
  if (db !== "" && !/^\d+$/.test(db))
    throw new TandemServerError("invalid-config", `redisUrl: "${db}" is not a database number`);
  return new RelayOnlyRedis({
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"), // an IPv6 literal comes bracketed
    port: Number(url.port || 6379),
    prefix,
    options: {
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(db !== "" ? { db: Number(db) } : {}),
      ...(url.protocol === "rediss:" ? { tls: {} } : {}),
    },
  });
}
