import type { Document, Extension } from "@hocuspocus/server";

/** Up to this many connections a document broadcasts each event-loop turn's changes at once, as stock Hocuspocus does. */
export const CROWD_CONNECTIONS = 100;
/** The longest a change waits for its broadcast in the largest crowds (ms). */
export const MAX_BROADCAST_WINDOW_MS = 40;
/** How much longer the window gets per connection past {@link CROWD_CONNECTIONS} (ms). */
const WINDOW_MS_PER_CONNECTION = 0.04;

/**
 * How long a document with `connections` connections gathers changes
 * (updates and presence) before it broadcasts them together: no wait up to
 * {@link CROWD_CONNECTIONS}, then longer the larger the crowd, up to
 * {@link MAX_BROADCAST_WINDOW_MS}.
 */
export function broadcastWindowMs(connections: number): number {
  if (connections <= CROWD_CONNECTIONS) return 0;
  return Math.min(MAX_BROADCAST_WINDOW_MS, Math.round(connections * WINDOW_MS_PER_CONNECTION));
}

function adjust(document: Document): void {
  if (document.isDestroyed) return;
  document.flushDelay = broadcastWindowMs(document.getConnectionsCount());
}

/**
 * Broadcasts in crowds. Every change a document receives goes to each of its
 * other connections, one WebSocket message (one system call) per connection:
 * 1,000 people moving their cursors once a second would be a million messages
 * a second, and 500 typing once a second a quarter of a million. Hocuspocus
 * merges what arrives within one event-loop turn into one broadcast (updates
 * merged, presence reduced to each client's latest state); in a crowd, this
 * widens that window with the number of connections (Hocuspocus's
 * `flushDelay`, a fixed window from the first change), so each connection
 * gets a few dozen messages a second whatever the crowd does, and no change
 * waits longer than {@link MAX_BROADCAST_WINDOW_MS}. Small documents, the
 * usual case, are untouched.
 */
export function broadcastWindow(): Extension {
  return {
    extensionName: "tandem-broadcast-window",
    async connected({ connection }) {
      adjust(connection.document);
    },
    async onDisconnect({ document }) {
      adjust(document);
    },
  };
}
