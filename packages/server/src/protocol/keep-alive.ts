import type { SocketSession } from "./socket-session.js";

/**
 * The longest time between two visits. The provider reconnects when it has
 * heard nothing for 30 s (`messageReconnectTimeout`, checked every 3 s), so a
 * quiet socket's Ping must come well within that.
 */
const MAX_PERIOD_MS = 10_000;

/**
 * How often the keep-alive visits every socket: often enough to ping a quiet
 * one well within the provider's 30 s, and to close a silent one no later
 * than a third past `idleTimeoutMs`.
 */
export function keepAlivePeriodMs(idleTimeoutMs: number): number {
  return Math.max(1, Math.min(MAX_PERIOD_MS, Math.floor(idleTimeoutMs / 3)));
}

/**
 * Keeps every open socket of a server alive, or closes it when its peer is
 * gone (see {@link SocketSession.keepAlive}): one timer for all sockets, not
 * one each, which an idle server with thousands of them would pay for in
 * memory.
 *
 * Why Tandem does this rather than Hocuspocus: Hocuspocus closes a connection
 * that sent it nothing for its `timeout`, but it sees only the frames handed
 * to it. Presence takes a short way past it (see the presence extension), and
 * a Pong never reaches it, so an idle editor whose provider renews only its
 * presence was closed with 4408 every one to two minutes. And Hocuspocus never
 * sends a Ping, so the sole reader of a quiet document reconnected every 30 s.
 */
export class KeepAlive {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sessions: ReadonlySet<SocketSession>,
    private readonly periodMs: number,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.visit(), this.periodMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private visit(): void {
    const now = Date.now();
    // A Set may lose members while it is iterated (a visit may close its socket): each is visited once.
    for (const session of this.sessions) session.keepAlive(now);
  }
}
