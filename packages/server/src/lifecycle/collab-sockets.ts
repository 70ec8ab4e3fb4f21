import type { Hocuspocus } from "@hocuspocus/server";
import { clientAddress } from "../audit/recorder.js";
import type { Authenticator } from "../auth/identity.js";
import type { ResolvedConfig } from "../config.js";
import type { DurableLog } from "../extensions/durable-log.js";
import type { Presence } from "../extensions/presence.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { type CollabEndpoint, createCollabEndpoint } from "../protocol/collab-endpoint.js";
import { FRAGMENT_BYTES, FRAGMENT_BYTES_PER_TURN, FragmentPump } from "../protocol/fragment-pump.js";
import { SocketSession, type SocketSessionOptions } from "../protocol/socket-session.js";
import type { UnauthenticatedBytes } from "../protocol/unauthenticated-bytes.js";

/** What the collaboration endpoint needs of the server around it. */
export interface CollabSocketsContext {
  readonly settings: ResolvedConfig;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tokens: Authenticator;
  /** The server-wide account of bytes queued before authentication. */
  readonly unauthenticated: UnauthenticatedBytes;
  /** Every open session; each removes itself once closed. */
  readonly sessions: Set<SocketSession>;
  /** The live documents while the server takes new sockets: undefined before it started and once it is closing. */
  readonly accepting: () => Hocuspocus | undefined;
  /** The durable log that holds acknowledgments until their content is committed. */
  readonly durable: () => DurableLog | undefined;
  /** The short way for awareness frames, when the live documents allow it. */
  readonly presence: () => Presence | undefined;
}

/**
 * The `/collab` WebSocket endpoint: each accepted socket becomes a
 * {@link SocketSession} (the frame guard) in front of the live documents.
 */
export function collabSockets(context: CollabSocketsContext): CollabEndpoint {
  const { settings, logger, metrics, unauthenticated } = context;
  // One for every socket: large messages leave in fragments, a bounded number of bytes per turn.
  const fragments = new FragmentPump(FRAGMENT_BYTES, FRAGMENT_BYTES_PER_TURN);
  // One for every socket too: a session keeps a reference, not a copy with closures of its own.
  const sessionOptions: SocketSessionOptions = {
    logger,
    metrics,
    maxBytesPerSecond: settings.maxBytesPerSecond,
    maxBurstBytes: settings.maxBurstBytes,
    maxThrottledMs: settings.maxThrottledMs,
    authTimeoutMs: settings.authTimeoutMs,
    idleTimeoutMs: settings.idleTimeoutMs,
    unauthenticated,
    maxBufferedBytes: settings.maxBufferedBytes,
    fragments,
    claimedTenant: (token) => context.tokens.claimedTenant(token),
    onClosed: (ended) => context.sessions.delete(ended),
    acknowledge: (from, address, send) => context.durable()?.acknowledge(from, address, send),
    publishPresence: (from, address, awareness) => context.presence()?.publish(from, address, awareness) ?? false,
  };
  return createCollabEndpoint({
    maxMessageBytes: settings.maxMessageBytes,
    accepting() {
      if (context.accepting() === undefined) return false;
      if (!unauthenticated.isFull) return true;
      // Sockets not yet authenticated hold nearly all they may: the rest is for those already open.
      metrics.errors.inc({ code: "unauthenticated-full" });
      logger.warn({ limit: unauthenticated.limit }, "refusing a socket: too many bytes queued before authentication");
      return false;
    },
    logger,
    onSocket(socket, request, upgrade) {
      const instance = context.accepting();
      if (!instance) return; // not reachable: accepting() said there is one
      const address = clientAddress(upgrade.socket.remoteAddress, upgrade.headers["x-forwarded-for"]);
      const session = new SocketSession(socket, address, sessionOptions);
      context.sessions.add(session);
      session.start(instance, request);
    },
  });
}
