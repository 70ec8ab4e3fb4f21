import type { Document, Extension } from "@hocuspocus/server";

/** Up to this many connections a document broadcasts each event-loop turn's changes at once, as stock Hocuspocus does. */
export const CROWD_CONNECTIONS = 100;
/** The longest a change waits for its broadcast in the largest crowds (ms). */
export const MAX_BROADCAST_WINDOW_MS = 40;
/** How much longer the window gets per connection past {@link CROWD_CONNECTIONS} (ms). */
const WINDOW_MS_PER_CONNECTION = 0.04;
/** Edits a second from which a document is hot: it gathers them for {@link HOT_EDIT_WINDOW_MS}. */
export const HOT_EDITS_PER_SECOND = 1000;
/** How long a hot document gathers edits before it broadcasts them (ms). */
export const HOT_EDIT_WINDOW_MS = 2;
/** How long a document's edits are counted before its rate is judged again (ms). */
export const RATE_INTERVAL_MS = 100;

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

/** The longest an edit waits for its broadcast when the crowd's window is `windowMs` (ms). */
export function editWindowMs(windowMs: number): number {
  return Math.round(windowMs / 2);
}

/** How fast one live document is edited. */
interface Pace {
  /** Whether it was edited at {@link HOT_EDITS_PER_SECOND} or more over the last interval counted. */
  hot: boolean;
  /** When the current interval started (`performance.now()`). */
  countingSince: number;
  /** Edits in the current interval. */
  edits: number;
  /** The timer that ends the edits' shorter window, while one runs. */
  editTimer: NodeJS.Timeout | NodeJS.Immediate | undefined;
}

const paces = new WeakMap<Document, Pace>();

function paceOf(document: Document): Pace {
  let pace = paces.get(document);
  if (pace === undefined) {
    pace = { hot: false, countingSince: performance.now(), edits: 0, editTimer: undefined };
    paces.set(document, pace);
  }
  return pace;
}

/** Sets the window Hocuspocus opens at a document's first change (its `flushDelay`): its crowd's, or a hot one's. */
function setWindow(document: Document): void {
  if (document.isDestroyed) return;
  const hot = paces.get(document)?.hot === true;
  document.flushDelay = Math.max(broadcastWindowMs(document.getConnectionsCount()), hot ? HOT_EDIT_WINDOW_MS : 0);
}

/** The longest an edit to `document` waits for its broadcast (ms). */
function editWaitMs(document: Document, pace: Pace): number {
  const crowd = editWindowMs(broadcastWindowMs(document.getConnectionsCount()));
  return Math.max(crowd, pace.hot ? HOT_EDIT_WINDOW_MS : 0);
}

/** Counts an edit; once an interval has passed, judges from its count whether the document is hot. */
function countEdit(document: Document, pace: Pace): void {
  const now = performance.now();
  const elapsed = now - pace.countingSince;
  if (elapsed >= RATE_INTERVAL_MS) {
    // A quiet spell counts as part of the interval, so the first edit after it finds the document cool.
    const hot = (pace.edits * 1000) / elapsed >= HOT_EDITS_PER_SECOND;
    pace.countingSince = now;
    pace.edits = 0;
    if (hot !== pace.hot) {
      pace.hot = hot;
      setWindow(document);
    }
  }
  pace.edits += 1;
}

/**
 * Called after Hocuspocus has gathered an edit, and opened its window for it
 * if none was open: ends the window sooner where an edit should not wait that
 * long (a crowd's presence window, or the window of a document that has just
 * cooled down). Hocuspocus broadcasts the edits and presence it gathered when
 * its window closes, or when `flush` is called, so an edit waits for
 * whichever comes first.
 */
function edited(document: Document): void {
  const pace = paceOf(document);
  const openedMs = document.flushDelay || 0;
  countEdit(document, pace);
  const wait = editWaitMs(document, pace);
  if (wait >= openedMs || pace.editTimer !== undefined) return;
  const flush = () => {
    pace.editTimer = undefined;
    if (!document.isDestroyed) document.flush();
  };
  // At the end of this turn, as Hocuspocus would have (a timer of 0 waits at least a millisecond).
  pace.editTimer = wait === 0 ? setImmediate(flush) : setTimeout(flush, wait);
}

/**
 * Gathers broadcasts in crowds and in hot documents. Every change a document
 * receives goes to each of its other connections, one WebSocket message (one
 * system call) per connection. Hocuspocus merges what arrives within one
 * event-loop turn into one broadcast (updates merged, presence reduced to each
 * client's latest state); this widens that window (Hocuspocus's `flushDelay`,
 * a fixed window from the first change) in two cases. Small documents edited
 * at human speed, the usual case, are untouched.
 *
 * - **Crowds:** 1,000 people moving their cursors once a second would be a
 *   million messages a second, and 500 typing once a second a quarter of a
 *   million. Past {@link CROWD_CONNECTIONS} connections the window grows
 *   with the crowd, so each connection gets a few dozen messages a second
 *   whatever the crowd does, and no change waits longer than
 *   {@link MAX_BROADCAST_WINDOW_MS}. Edits get a window half as long, since
 *   people wait for each other's text more than for each other's cursors: in
 *   the benchmark's crowd (500 people typing once a second) that took the
 *   delivery p99 from 28 to 17 ms for a tenth of a core more, while presence
 *   at scale, where nobody types, keeps the whole window and its CPU.
 *   Presence gathered meanwhile goes out with the edits.
 * - **Hot documents:** a document edited {@link HOT_EDITS_PER_SECOND} times a
 *   second or more (judged every {@link RATE_INTERVAL_MS}) gathers edits for
 *   {@link HOT_EDIT_WINDOW_MS}, so that several share each message. Within
 *   one turn few of them do: the server's turns are short, since
 *   acknowledgments and commits have turns of their own. In the benchmark's
 *   hot document (50 writers) that cut the server's CPU per update by a fifth
 *   at 1,500–3,000 updates/s, for about a millisecond more latency.
 */
export function broadcastWindow(): Extension {
  return {
    extensionName: "tandem-broadcast-window",
    async afterLoadDocument({ document }) {
      // Registered after Hocuspocus' own listener, which has gathered the edit and opened its window by now.
      document.on("update", () => edited(document));
    },
    async connected({ connection }) {
      setWindow(connection.document);
    },
    async onDisconnect({ document }) {
      setWindow(document);
    },
  };
}
