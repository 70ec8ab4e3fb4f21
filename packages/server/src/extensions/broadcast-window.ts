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
 * {@link MAX_BROADCAST_WINDOW_MS}. An edit waits at most half of it (see
 * {@link broadcastWindow}).
 */
export function broadcastWindowMs(connections: number): number {
  if (connections <= CROWD_CONNECTIONS) return 0;
  return Math.min(MAX_BROADCAST_WINDOW_MS, Math.round(connections * WINDOW_MS_PER_CONNECTION));
}

/** The longest an edit waits for its broadcast when the document's window is `windowMs` (ms). */
export function editWindowMs(windowMs: number): number {
  return Math.round(windowMs / 2);
}

/** Per document: the timer that ends the edits' shorter window, while one runs. */
const editWindows = new WeakMap<Document, NodeJS.Timeout>();

function adjust(document: Document): void {
  if (document.isDestroyed) return;
  document.flushDelay = broadcastWindowMs(document.getConnectionsCount());
}

/**
 * Ends the window early for an edit: Hocuspocus broadcasts the edits and
 * presence it gathered when its window closes, or when `flush` is called, so
 * an edit waits for whichever comes first.
 */
function closeWindowForEdits(document: Document): void {
  const wait = editWindowMs(document.flushDelay || 0);
  if (wait === 0 || editWindows.has(document)) return;
  editWindows.set(
    document,
    setTimeout(() => {
      editWindows.delete(document);
      if (!document.isDestroyed) document.flush();
    }, wait),
  );
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
 *
 * Edits get a window half as long, since people wait for each other's text
 * more than for each other's cursors: in the benchmark's crowd (500 people
 * typing once a second) that took the delivery p99 from 28 to 17 ms for a
 * tenth of a core more, while presence at scale, where nobody types, keeps
 * the whole window and its CPU. Presence gathered meanwhile goes out with the
 * edits.
 */
export function broadcastWindow(): Extension {
  return {
    extensionName: "tandem-broadcast-window",
    async afterLoadDocument({ document }) {
      document.on("update", () => closeWindowForEdits(document));
    },
    async connected({ connection }) {
      adjust(connection.document);
    },
    async onDisconnect({ document }) {
      adjust(document);
    },
  };
}
