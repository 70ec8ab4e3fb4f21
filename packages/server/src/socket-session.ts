import type { Hocuspocus } from "@hocuspocus/server";
import { type CloseCodeName, CloseCodes } from "@tandem/protocol";
import type { WebSocket } from "ws";
import type { Identity } from "./auth/identity.js";
import type { Logger } from "./logger.js";
import type { Metrics } from "./metrics.js";
import { type Frame, MalformedFrame, parseFrame } from "./protocol/frames.js";
import { RateLimiter } from "./protocol/rate-limit.js";

// Frames that passed validation, so hooks further down can read the parsed
// form instead of decoding again. Keyed by the very array Hocuspocus passes
// along; entries go away with the frame.
const validated = new WeakMap<Uint8Array, Frame>();
const PONG = 10;

/** The parsed form of a frame that {@link SocketSession} let through. */
export function frameOf(data: Uint8Array): Frame | undefined {
  return validated.get(data);
}

/** What every Hocuspocus hook of a connection sees in `context`. */
export interface ConnectionContext {
  readonly session: SocketSession;
  identity?: Identity;
}

/**
 * One WebSocket: the boundary where every inbound byte is checked before
 * Hocuspocus sees it, and the one place that closes the socket with a code
 * from the table in @tandem/protocol.
 */
export class SocketSession {
  readonly logger: Logger;
  private readonly limiter: RateLimiter;
  private closed = false;
  connection: ReturnType<Hocuspocus["handleConnection"]> | undefined;

  constructor(
    private readonly socket: WebSocket,
    readonly id: string,
    logger: Logger,
    private readonly metrics: Metrics,
    maxMessagesPerSecond: number,
  ) {
    this.logger = logger.child({ socket: id });
    this.limiter = new RateLimiter(maxMessagesPerSecond);
  }

  /** Checks one inbound frame; returns it for Hocuspocus, or closes the socket and returns undefined. */
  admit(data: Uint8Array): Uint8Array | undefined {
    if (this.closed) return undefined;
    this.metrics.bytesIn.inc(data.length);
    // A connection-level Pong (the provider's answer to a Ping) carries no document; nothing to forward.
    if (data.length === 1 && data[0] === PONG) return undefined;
    if (!this.limiter.take()) {
      this.close("RateLimited");
      return undefined;
    }
    try {
      validated.set(data, parseFrame(data));
      return data;
    } catch (error) {
      if (!(error instanceof MalformedFrame)) throw error;
      this.logger.warn({ reason: error.message }, "malformed frame");
      this.close("MalformedMessage");
      return undefined;
    }
  }

  /** Closes the socket with a code from the table; later calls do nothing. */
  close(name: CloseCodeName): void {
    if (this.closed) return;
    this.closed = true;
    const { code, reason } = CloseCodes[name];
    this.metrics.errors.inc({ code: String(code) });
    this.logger.info({ code, reason }, "closing connection");
    this.socket.close(code, reason);
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
