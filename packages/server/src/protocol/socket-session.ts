import { randomUUID } from "node:crypto";
import type { Hocuspocus, WebSocketLike } from "@hocuspocus/server";
import { type CloseCodeName, CloseCodes } from "@tandem/protocol";
import { type RawData, WebSocket } from "ws";
import type { Identity } from "../auth/identity.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { carriesUpdate, type Frame, isPong, MalformedFrame, parseFrame, stepOneStandIn } from "./frames.js";
import { RateLimiter } from "./rate-limit.js";

// Frames that passed validation, so hooks further down can read the parsed
// form instead of decoding again. Keyed by the very array Hocuspocus passes to
// its hooks; entries go away with the frame.
const validated = new WeakMap<Uint8Array, Frame>();

/** The parsed form of a frame that a {@link SocketSession} let through. */
export function frameOf(data: Uint8Array): Frame | undefined {
  return validated.get(data);
}

/** What every Hocuspocus hook of a connection sees in `context`. */
export interface ConnectionContext {
  readonly session: SocketSession;
  /** Set by the authentication extension once the document's token verified. */
  readonly identity?: Identity;
}

type ClientConnection = ReturnType<Hocuspocus["handleConnection"]>;

/**
 * The close events Hocuspocus sends on its own (see @hocuspocus/common
 * CloseEvents), as entries of our table: its idle timeout, and
 * ResetConnection (4205) when a client queues too many messages or documents
 * before authenticating, which is a flood. Its other reasons to close (frames
 * it cannot decode) cannot happen behind the frame guard.
 */
const hocuspocusCloses: Record<number, CloseCodeName> = {
  4205: "RateLimited",
  4401: "Unauthorized",
  4403: "Forbidden",
  4408: "Timeout",
};

/**
 * How long a connection closed for reading too slowly gets to read its
 * backlog and the close frame behind it before its socket is destroyed.
 */
const SLOW_READER_GRACE_MS = 5_000;

/** The longest delay setTimeout takes; a longer one fires at once. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** Settings of a {@link SocketSession}. */
export interface SocketSessionOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly maxMessagesPerSecond: number;
  /** Past this many bytes (plus the largest message sent) waiting unsent for the peer, the connection is closed with 4420. */
  readonly maxBufferedBytes: number;
  /** Called once, when the socket has closed. */
  readonly onClosed: (session: SocketSession) => void;
  /** Called with every frame that passed validation, just before Hocuspocus gets it (the durable log starts keystroke appends here). */
  readonly onFrame?: (bytes: Uint8Array, frame: Frame, session: SocketSession) => void;
}

/**
 * One collaboration WebSocket: the boundary where every inbound byte is
 * checked before Hocuspocus sees it, and the one place that closes the socket,
 * always with a code from the table in @tandem/protocol.
 */
export class SocketSession {
  readonly id = randomUUID();
  private childLogger: Logger | undefined;
  private readonly limiter: RateLimiter;
  private readonly metrics: Metrics;
  private client: ClientConnection | undefined;
  private closing = false;
  /** The earliest expiry of the tokens its documents were opened with (ms since the epoch). */
  private expiresAt = Number.POSITIVE_INFINITY;
  private expiryTimer: NodeJS.Timeout | undefined;
  /** The largest message sent on this socket, which the send buffer's cap allows for on top. */
  private largestSent = 0;
  /** The documents this socket was authenticated to write. */
  private readonly writable = new Set<string>();

  constructor(
    private readonly socket: WebSocket,
    private readonly options: SocketSessionOptions,
  ) {
    this.metrics = options.metrics;
    this.limiter = new RateLimiter(options.maxMessagesPerSecond);
  }

  /**
   * Hands the socket to Hocuspocus. From here on every inbound frame is
   * checked, then passed on; no exception leaves a socket callback.
   */
  start(hocuspocus: Hocuspocus, request: Request): void {
    const context: ConnectionContext = { session: this };
    this.client = hocuspocus.handleConnection(this.asWebSocketLike(), request, context);
    this.metrics.connections.inc();
    this.socket.on("message", (data: RawData, isBinary: boolean) => this.receive(data, isBinary));
    this.socket.on("close", (code: number, reason: Buffer) => this.ended(code, reason.toString()));
    this.socket.on("error", (error: Error & { code?: string }) => {
      // ws refused a frame from its header (an oversized one: GuardedWebSocket
      // turned its 1009 into 4413) or the peer broke the WebSocket protocol; ws
      // closes the socket itself.
      if (error.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
        this.closing = true;
        this.metrics.errors.inc({ code: String(CloseCodes.MessageTooLarge.code) });
      }
      this.logger.info({ err: error }, "socket error");
    });
  }

  /** This socket's logger, made when first used: an idle connection that never logs does not pay for one. */
  get logger(): Logger {
    this.childLogger ??= this.options.logger.child({ socket: this.id });
    return this.childLogger;
  }

  /** Whether the socket is closing or closed; nothing more is accepted from it. */
  get isClosed(): boolean {
    return this.closing;
  }

  /** Records whether the token a document was (re)opened with lets this socket write it. */
  setWritable(documentName: string, canWrite: boolean): void {
    if (canWrite) this.writable.add(documentName);
    else this.writable.delete(documentName);
  }

  /** Whether this socket was authenticated to write `documentName`. */
  canWrite(documentName: string): boolean {
    return this.writable.has(documentName);
  }

  /**
   * Closes the socket with 4401 once `expiresAt` (ms since the epoch) has
   * passed. A socket carries several documents, each opened with a token of
   * its own (usually the same one), and lives only as long as the first of
   * them to expire: a later expiry changes nothing. A timer rather than a
   * check per message, so that an idle connection is closed too and the hot
   * path pays nothing.
   */
  expireAt(expiresAt: number): void {
    if (this.closing || expiresAt >= this.expiresAt) return;
    this.expiresAt = expiresAt;
    this.armExpiry();
  }

  private armExpiry(): void {
    clearTimeout(this.expiryTimer);
    const delay = Math.max(0, Math.min(this.expiresAt - Date.now(), MAX_TIMER_DELAY_MS));
    this.expiryTimer = setTimeout(() => {
      // A token valid for more than ~24.8 days outlives one timer; a timer may also fire a millisecond early.
      if (Date.now() < this.expiresAt) {
        this.armExpiry();
        return;
      }
      this.logger.info("token expired");
      this.close("Unauthorized");
    }, delay);
    // The socket keeps the process alive while it is open; its expiry must not once it is gone.
    this.expiryTimer.unref();
  }

  /**
   * Closes the socket with a code from the table; later calls do nothing.
   * Hocuspocus's side is torn down at once rather than after the closing
   * handshake, which a peer that stops reading could stretch to ws's 30 s
   * timeout: the socket's documents, presence and queued messages go now.
   */
  close(name: CloseCodeName): void {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.expiryTimer);
    const { code, reason } = CloseCodes[name];
    this.metrics.errors.inc({ code: String(code) });
    this.logger.info({ code, reason }, "closing connection");
    this.socket.close(code, reason);
    this.client?.handleClose({ code, reason });
  }

  /**
   * Closes a connection whose peer does not read what it is sent (with 4420),
   * and frees what is buffered for it. The close frame queues behind
   * everything the peer has not read, and ws holds all of it until the closing
   * handshake ends or its 30 s close timeout passes; a peer that reads again
   * gets the code, one that does not is cut off after a short grace so that
   * its buffers are released now. Hocuspocus's side goes at once (see close).
   */
  private dropSlowReader(): void {
    this.logger.warn({ bufferedBytes: this.socket.bufferedAmount }, "the peer reads too slowly");
    this.close("SlowReader");
    const cutOff = setTimeout(() => this.socket.terminate(), SLOW_READER_GRACE_MS).unref();
    this.socket.once("close", () => clearTimeout(cutOff));
  }

  private receive(data: RawData, isBinary: boolean): void {
    try {
      if (this.closing) return;
      // The collaboration protocol is binary; a text frame is not part of it.
      if (!isBinary || !Buffer.isBuffer(data)) {
        this.close("MalformedMessage");
        return;
      }
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      this.metrics.bytesIn.inc(bytes.byteLength);
      if (isPong(bytes)) return;
      if (!this.limiter.take()) {
        this.logger.warn("message rate limit exceeded");
        this.close("RateLimited");
        return;
      }
      const frame = parseFrame(bytes);
      // A sync step 1 is answered by the sync-answers extension, from an
      // encoding joiners share; Hocuspocus gets a stand-in in its place.
      const handed = frame.sync === "step1" ? stepOneStandIn(bytes) : bytes;
      validated.set(handed, frame);
      this.options.onFrame?.(bytes, frame, this);
      this.client?.handleMessage(handed);
    } catch (error) {
      if (error instanceof MalformedFrame) {
        this.logger.warn({ reason: error.message }, "malformed frame");
      } else {
        this.logger.error({ err: error }, "unexpected error while receiving a frame");
      }
      this.close("MalformedMessage");
    }
  }

  private ended(code: number, reason: string): void {
    this.closing = true;
    clearTimeout(this.expiryTimer);
    this.metrics.connections.dec();
    this.logger.debug({ code, reason }, "socket closed");
    this.client?.handleClose({ code, reason });
    this.options.onClosed(this);
  }

  /** What Hocuspocus writes to: sends are counted, its own closes mapped onto the table. */
  private asWebSocketLike(): WebSocketLike {
    const { socket, metrics } = this;
    const { maxBufferedBytes } = this.options;
    return {
      get readyState() {
        return socket.readyState;
      },
      send: (data) => {
        if (socket.readyState !== WebSocket.OPEN) return;
        // The cap leaves room for the largest message sent so far, so that a
        // joining client's sync step 2 of a document larger than the cap, and
        // the messages right behind it, do not count as a slow reader.
        if (socket.bufferedAmount > maxBufferedBytes + this.largestSent) {
          this.dropSlowReader();
          return;
        }
        if (data instanceof Uint8Array) {
          if (data.byteLength > this.largestSent) this.largestSent = data.byteLength;
          metrics.messagesOut.inc();
          metrics.bytesOut.inc(data.byteLength);
          if (carriesUpdate(data)) metrics.updatesOut.inc();
        }
        socket.send(data as Uint8Array);
      },
      close: (code) => {
        const name = code === undefined ? undefined : hocuspocusCloses[code];
        if (name === undefined) this.logger.warn({ code }, "Hocuspocus closed with a code outside the table");
        this.close(name ?? "MalformedMessage");
      },
    };
  }
}
