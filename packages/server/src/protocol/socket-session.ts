import { randomUUID } from "node:crypto";
import type { Duplex } from "node:stream";
import type { Hocuspocus, WebSocketLike } from "@hocuspocus/server";
import { type CloseCodeName, CloseCodes } from "@tandem/protocol";
import { type RawData, WebSocket } from "ws";
import type { ClientAddress } from "../audit/recorder.js";
import type { Identity } from "../auth/identity.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { FragmentPump } from "./fragment-pump.js";
import { FramedPayload } from "./framed-payload.js";
import {
  type AwarenessEntry,
  addressOf,
  describeOutbound,
  type Frame,
  isAnsweredByTandem,
  isPong,
  MalformedFrame,
  parseFrame,
  standIn,
} from "./frames.js";
import { frameCost, Throttle, type ThrottleOptions } from "./rate-limit.js";
import { SocketTenant, TooMuchBeforeTenant } from "./tenant-frames.js";
import { TurnSlicer, type TurnSlicerOptions } from "./turn-slicer.js";
import type { UnauthenticatedBytes } from "./unauthenticated-bytes.js";

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

/** A message on its way out: one array, or a head and a payload sent without being joined. */
type Outgoing = Uint8Array | FramedPayload;

/**
 * The TCP stream under a ws socket, which ws keeps as `_socket` and does not
 * expose otherwise; undefined if ws no longer does (writes then go uncorked).
 */
function streamOf(socket: WebSocket): Pick<Duplex, "cork" | "uncork"> | undefined {
  const stream = (socket as unknown as { _socket?: Partial<Duplex> })._socket;
  return typeof stream?.cork === "function" && typeof stream.uncork === "function"
    ? (stream as Pick<Duplex, "cork" | "uncork">)
    : undefined;
}

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
 * How long a connection closed while it reads too slowly (or while the server
 * is not reading from it) gets to finish the closing handshake before its
 * socket is destroyed.
 */
const CLOSE_GRACE_MS = 5_000;

/**
 * `text` as one flat string. V8 builds crypto.randomUUID()'s result as a rope
 * of a dozen pieces, about 480 bytes of heap against 56 for the flat string,
 * which an idle connection would hold for its life. V8 flattens a string in
 * place (the rope's pieces are freed, and every holder of it gains), as
 * `normalize` does.
 */
function flatten(text: string): string {
  return text.normalize();
}

/**
 * A connection-level Ping (@hocuspocus/common `MessageType.Ping`): one byte,
 * no document. The provider answers it with a Pong and counts it as word from
 * the server.
 */
const PING = new Uint8Array([9]);

/** The longest delay setTimeout and setInterval take; a longer one fires at once. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * The most frames of one socket handed to Hocuspocus in one event-loop turn
 * (see {@link TurnSlicer}): a few milliseconds of applying small updates.
 */
const FRAMES_PER_TURN = 32;

/** Who holds a socket's reading paused (bits of `pausedBy`): its rate budget, or frames waiting for a later turn. */
const PausedBy = { throttle: 1, slicer: 2 } as const;
type PauseReason = (typeof PausedBy)[keyof typeof PausedBy];

/**
 * Settings of a {@link SocketSession}: one object for every socket of a
 * server (what differs per socket is passed to the constructor).
 */
export interface SocketSessionOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The connection's pace in bytes a second, each frame counted at {@link frameCost}: faster senders are paused (see {@link Throttle}). */
  readonly maxBytesPerSecond: number;
  /** The most budget a connection saves up: a burst this large (in {@link frameCost} bytes) passes at once. */
  readonly maxBurstBytes: number;
  /** How long a connection may be held at its pace without a break before it is closed with 4429. */
  readonly maxThrottledMs: number;
  /** How long after opening the socket must have authenticated a document, or be closed with 4408. */
  readonly authTimeoutMs: number;
  /** How long the peer may send nothing before the socket is closed with 4408 (see {@link SocketSession.keepAlive}). */
  readonly idleTimeoutMs: number;
  /** The server-wide account of bytes queued before authentication. */
  readonly unauthenticated: UnauthenticatedBytes;
  /** Past this many bytes (plus the largest message sent) waiting unsent for the peer, the connection is closed with 4420. */
  readonly maxBufferedBytes: number;
  /** Sends large messages in fragments (shared by every socket of the server). */
  readonly fragments: FragmentPump;
  /** The tenant a token claims, unverified (`Authenticator.claimedTenant`): see {@link SocketTenant}. */
  readonly claimedTenant: (token: string) => string;
  /** Called once, when the socket has closed. */
  readonly onClosed: (session: SocketSession) => void;
  /**
   * Called with each acknowledgment (a positive SyncStatus) Hocuspocus is
   * about to send to `address` (a document name, perhaps followed by `\0`
   * and a session id), instead of sending it: the durable log calls `send`
   * once the acknowledged content is committed. Without it, acknowledgments
   * go at once.
   */
  readonly acknowledge?: (session: SocketSession, address: string, send: () => void) => void;
  /**
   * Offered each awareness frame (its states, parsed) before Hocuspocus: true
   * when the presence extension applied it itself, so Hocuspocus must not.
   * Without it, every frame goes to Hocuspocus.
   */
  readonly publishPresence?: (
    session: SocketSession,
    address: string,
    awareness: ReadonlyMap<number, AwarenessEntry>,
  ) => boolean;
}

/**
 * One collaboration WebSocket: the boundary where every inbound byte is
 * checked before Hocuspocus sees it, and the one place that closes the socket,
 * always with a code from the table in @tandem/protocol.
 *
 * An idle server holds thousands of these, so a session allocates little of
 * its own: its socket listeners and its throttle's effects are functions
 * shared by every session (static members below), not closures per socket.
 */
export class SocketSession {
  /** The session of each socket, for the socket listeners every session shares. */
  private static readonly bySocket = new WeakMap<WebSocket, SocketSession>();
  /** The throttle settings and effects of each server's sessions, made once per {@link SocketSessionOptions}. */
  private static readonly pacings = new WeakMap<SocketSessionOptions, ThrottleOptions<Uint8Array, SocketSession>>();

  readonly id = flatten(randomUUID());
  private childLogger: Logger | undefined;
  private readonly throttle: Throttle<Uint8Array, SocketSession>;
  private readonly slicer: TurnSlicer<Uint8Array, SocketSession>;
  /** Why reading is paused (bits of {@link PausedBy}); the socket is read again once nothing holds it. */
  private pausedBy = 0;
  private readonly metrics: Metrics;
  private client: ClientConnection | undefined;
  private tenant: SocketTenant | undefined;
  private closing = false;
  private authTimer: NodeJS.Timeout | undefined;
  private cutOff: NodeJS.Timeout | undefined;
  /** The earliest expiry of the tokens its documents were opened with (ms since the epoch). */
  private expiresAt = Number.POSITIVE_INFINITY;
  private expiryTimer: NodeJS.Timeout | undefined;
  /** The largest message sent on this socket, which the send buffer's cap allows for on top. */
  private largestSent = 0;
  /**
   * While a large message goes out in fragments: the messages sent meanwhile,
   * which follow it once it is complete (nothing may come between the
   * fragments of a message), and their bytes.
   */
  private outbox: Outgoing[] | undefined;
  private outboxBytes = 0;
  /** The socket's stream while its writes are held until the current tick's work is done (see {@link corkUntilTicked}). */
  private corkedStream: Pick<Duplex, "cork" | "uncork"> | undefined;
  /** When the peer last sent a frame (ms since the epoch): any frame, a ping or a pong too. */
  private lastReceivedAt = Date.now();
  /** Whether anything was written to the socket since the keep-alive's last visit. */
  private sentSinceVisit = false;

  /** `address` is where the socket came from, for the audit log. */
  constructor(
    private readonly socket: WebSocket,
    readonly address: ClientAddress,
    private readonly options: SocketSessionOptions,
  ) {
    this.metrics = options.metrics;
    this.throttle = new Throttle<Uint8Array, SocketSession>(SocketSession.pacing(options), this);
    this.slicer = new TurnSlicer<Uint8Array, SocketSession>(SocketSession.slicing, this);
  }

  /** How every session's frames are cut into turns (see {@link TurnSlicer}). */
  private static readonly slicing: TurnSlicerOptions<Uint8Array, SocketSession> = {
    perTurn: FRAMES_PER_TURN,
    deliver: (session, bytes) => session.handle(bytes),
    pause: (session) => session.pauseFor(PausedBy.slicer),
    resume: (session) => session.resumeFor(PausedBy.slicer),
  };

  private pauseFor(reason: PauseReason): void {
    if (this.pausedBy === 0) this.socket.pause();
    this.pausedBy |= reason;
  }

  private resumeFor(reason: PauseReason): void {
    if ((this.pausedBy & reason) === 0) return;
    this.pausedBy &= ~reason;
    if (this.pausedBy === 0) this.socket.resume();
  }

  private static pacing(options: SocketSessionOptions): ThrottleOptions<Uint8Array, SocketSession> {
    let pacing = SocketSession.pacings.get(options);
    if (pacing === undefined) {
      pacing = {
        perSecond: options.maxBytesPerSecond,
        burst: options.maxBurstBytes,
        cost: (bytes) => frameCost(bytes.byteLength),
        maxThrottledMs: options.maxThrottledMs,
        pause: (session) => session.pauseFor(PausedBy.throttle),
        resume: (session) => session.resumeFor(PausedBy.throttle),
        deliver: (session, bytes) => session.slicer.admit(bytes),
        onSustained: (session) => {
          session.logger.warn({ ms: options.maxThrottledMs }, "over the message rate limit for too long");
          session.close("RateLimited");
        },
        onPause: (session) => session.metrics.throttled.inc(),
      };
      SocketSession.pacings.set(options, pacing);
    }
    return pacing;
  }

  /** The socket listeners, shared by every session: EventEmitter calls them with the socket as `this`. */
  private static readonly listeners = {
    message(this: WebSocket, data: RawData, isBinary: boolean): void {
      SocketSession.bySocket.get(this)?.receive(data, isBinary);
    },
    // ws answers pings and swallows pongs itself; a flood of them costs as much as one of messages.
    pingOrPong(this: WebSocket, data: Buffer): void {
      const session = SocketSession.bySocket.get(this);
      if (session === undefined) return;
      session.lastReceivedAt = Date.now();
      session.charge(data.byteLength);
    },
    close(this: WebSocket, code: number, reason: Buffer): void {
      SocketSession.bySocket.get(this)?.ended(code, reason.toString());
    },
    error(this: WebSocket, error: Error & { code?: string }): void {
      const session = SocketSession.bySocket.get(this);
      if (session === undefined) return;
      // ws refused a frame from its header (an oversized one: GuardedWebSocket
      // turned its 1009 into 4413) or the peer broke the WebSocket protocol; ws
      // closes the socket itself.
      if (error.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
        session.closing = true;
        session.metrics.errors.inc({ code: String(CloseCodes.MessageTooLarge.code) });
      }
      // Too many fragments (or buffered chunks) in one message: ws closes with 1008.
      if (error.code === "WS_ERR_TOO_MANY_BUFFERED_PARTS") session.metrics.errors.inc({ code: "1008" });
      session.logger.info({ err: error }, "socket error");
    },
  };

  /**
   * What Hocuspocus writes to: acknowledgments wait for their commit, sends
   * are counted, its own closes mapped onto the table. A class, so that each
   * connection's is one small object rather than an object and three closures.
   */
  private static readonly HocuspocusSide = class implements WebSocketLike {
    constructor(private readonly session: SocketSession) {}

    get readyState(): number {
      return this.session.socket.readyState;
    }

    send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      const { session } = this;
      if (session.socket.readyState !== WebSocket.OPEN) return;
      const bytes = data as Uint8Array;
      const { acknowledge } = session.options;
      const outbound = describeOutbound(bytes);
      if (acknowledge && outbound.acknowledges !== undefined) {
        acknowledge(session, outbound.acknowledges, () => session.deliver(bytes, false));
      } else {
        session.deliver(bytes, outbound.carriesUpdate);
      }
    }

    close(code?: number): void {
      const name = code === undefined ? undefined : hocuspocusCloses[code];
      if (name === undefined) this.session.logger.warn({ code }, "Hocuspocus closed with a code outside the table");
      this.session.close(name ?? "MalformedMessage");
    }
  };

  /**
   * Hands the socket to Hocuspocus. From here on every inbound frame is
   * checked, then passed on; no exception leaves a socket callback.
   */
  start(hocuspocus: Hocuspocus, request: Request): void {
    const context: ConnectionContext = { session: this };
    const { maxUnauthenticatedQueueSize: bytes, maxUnauthenticatedQueueMessages: messages } = hocuspocus.configuration;
    this.tenant = new SocketTenant(this.options.claimedTenant, { bytes, messages });
    this.client = hocuspocus.handleConnection(new SocketSession.HocuspocusSide(this), request, context);
    // Hocuspocus names the connection with a randomUUID() of its own, which
    // its connection objects and hook payloads share: flattened in place.
    const { socketId } = this.client as unknown as { socketId?: unknown };
    if (typeof socketId === "string") flatten(socketId);
    this.metrics.connections.inc();
    // The socket's authentication deadline is this timer: Hocuspocus' own check
    // is off (see keep-alive.ts), and it ran only once per timeout period.
    this.authTimer = setTimeout(() => {
      this.logger.info({ ms: this.options.authTimeoutMs }, "no authentication in time");
      this.close("Timeout");
    }, this.options.authTimeoutMs).unref();
    SocketSession.bySocket.set(this.socket, this);
    this.socket.on("message", SocketSession.listeners.message);
    this.socket.on("ping", SocketSession.listeners.pingOrPong);
    this.socket.on("pong", SocketSession.listeners.pingOrPong);
    this.socket.on("close", SocketSession.listeners.close);
    this.socket.on("error", SocketSession.listeners.error);
  }

  /** This socket's logger, made when first used: an idle connection that never logs does not pay for one. */
  get logger(): Logger {
    this.childLogger ??= this.options.logger.child({ socket: this.id });
    return this.childLogger;
  }

  /**
   * Logs `message` at info level with the socket's id, as {@link logger}
   * would, without making the child logger: every connection writes such a
   * line when it authenticates, and most never write another.
   */
  info(fields: Record<string, unknown>, message: string): void {
    if (this.childLogger) this.childLogger.info(fields, message);
    else this.options.logger.info({ socket: this.id, ...fields }, message);
  }

  /** Whether the socket is closing or closed; nothing more is accepted from it. */
  get isClosed(): boolean {
    return this.closing;
  }

  /** Records that a document on this socket authenticated, which lifts the authentication deadline. */
  authenticated(): void {
    clearTimeout(this.authTimer);
    // Dropped, not just cleared: a cleared timer kept in the field would stay for the connection's life.
    this.authTimer = undefined;
  }

  /**
   * Bytes Hocuspocus holds queued for this socket's documents that have not
   * authenticated yet. Hocuspocus keeps this count (ClientConnection's
   * `getQueuedBytes`) but does not export it; reading it keeps the server-wide
   * account exact instead of mirroring Hocuspocus's queueing rules here.
   */
  queuedBeforeAuthentication(): number {
    const client = this.client as unknown as { getQueuedBytes?: () => number } | undefined;
    if (client === undefined) return 0;
    if (typeof client.getQueuedBytes !== "function") {
      throw new TypeError("Hocuspocus's ClientConnection no longer has getQueuedBytes");
    }
    return client.getQueuedBytes() + (this.tenant?.bytesHeld ?? 0);
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
    this.clearTimers();
    const wasPaused = this.pausedBy !== 0;
    this.stopReceiving();
    const { code, reason } = CloseCodes[name];
    this.metrics.errors.inc({ code: String(code) });
    this.logger.info({ code, reason }, "closing connection");
    this.socket.close(code, reason);
    this.client?.handleClose({ code, reason });
    this.options.unauthenticated.forget(this);
    if (wasPaused) {
      // The peer's half of the closing handshake waits behind what it sent
      // while it was held back; read again (and ignore it), but not for long.
      this.socket.resume();
      this.cutOffAfterGrace();
    }
  }

  /**
   * Destroys the socket if the closing handshake has not finished within a
   * short grace, which releases its buffers now rather than after ws's 30 s
   * close timeout.
   */
  private cutOffAfterGrace(): void {
    if (this.cutOff !== undefined) return;
    const cutOff = setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS).unref();
    this.cutOff = cutOff;
    this.socket.once("close", () => clearTimeout(cutOff));
  }

  /** Drops what the throttle and the slicer hold: nothing more from this socket is handled. */
  private stopReceiving(): void {
    this.throttle.stop();
    this.slicer.stop();
  }

  private clearTimers(): void {
    clearTimeout(this.expiryTimer);
    clearTimeout(this.authTimer);
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
    this.cutOffAfterGrace();
  }

  /**
   * Every inbound frame: a binary one is paced by the throttle, which hands
   * it to the slicer, which hands it to {@link handle}.
   */
  private receive(data: RawData, isBinary: boolean): void {
    try {
      if (this.closing) return;
      this.lastReceivedAt = Date.now();
      // The collaboration protocol is binary; a text frame is not part of it.
      if (!isBinary || !Buffer.isBuffer(data)) {
        this.close("MalformedMessage");
        return;
      }
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      this.metrics.bytesIn.inc(bytes.byteLength);
      this.throttle.admit(bytes);
    } catch (error) {
      this.refuse(error);
    }
  }

  /** One frame, in arrival order, once the connection's budget allows it. */
  private handle(bytes: Uint8Array): void {
    try {
      if (this.closing) return;
      // A Pong costs its frame of the budget (above) but needs nothing else.
      if (isPong(bytes)) return;
      const frame = parseFrame(bytes);
      for (const scoped of this.tenant?.admit({ bytes, frame }) ?? []) {
        const { awareness } = scoped.frame;
        if (awareness && this.options.publishPresence?.(this, addressOf(scoped.bytes), awareness)) continue;
        // A sync step 1 (and a step 2 that holds nothing) is answered by the
        // sync-answers extension; Hocuspocus gets a stand-in in its place.
        const handed = isAnsweredByTandem(scoped.frame) ? standIn(scoped.bytes) : scoped.bytes;
        validated.set(handed, scoped.frame);
        this.client?.handleMessage(handed);
      }
      // Hocuspocus queues a frame for a document that has not authenticated
      // yet; past the server-wide cap on such bytes, the socket that adds
      // more goes (new sockets are refused at the upgrade meanwhile).
      if (!this.options.unauthenticated.record(this)) {
        this.logger.warn({ limit: this.options.unauthenticated.limit }, "too many bytes queued before authentication");
        this.metrics.errors.inc({ code: "unauthenticated-full" });
        this.close("ShuttingDown");
      }
    } catch (error) {
      this.refuse(error);
    }
  }

  private charge(byteLength: number): void {
    try {
      this.throttle.charge(frameCost(byteLength));
    } catch (error) {
      this.refuse(error);
    }
  }

  private refuse(error: unknown): void {
    if (error instanceof TooMuchBeforeTenant) {
      // What Hocuspocus does when too much waits for authentication (its ResetConnection).
      this.logger.warn({ reason: error.message }, "too much sent before a token");
      this.close("RateLimited");
      return;
    }
    if (error instanceof MalformedFrame) {
      this.logger.warn({ reason: error.message }, "malformed frame");
    } else {
      this.logger.error({ err: error }, "unexpected error while receiving a frame");
    }
    this.close("MalformedMessage");
  }

  private ended(code: number, reason: string): void {
    this.closing = true;
    this.clearTimers();
    this.stopReceiving();
    this.options.unauthenticated.forget(this);
    this.metrics.connections.dec();
    this.logger.debug({ code, reason }, "socket closed");
    this.client?.handleClose({ code, reason });
    this.options.onClosed(this);
  }

  /**
   * Sends one message (addressed as its clients know the document), unless
   * the socket is closing or its peer reads too slowly; counts it, as an
   * update if it `carriesUpdate`.
   */
  private deliver(scoped: Outgoing, carriesUpdate: boolean): void {
    const { socket, metrics } = this;
    const data = scoped instanceof FramedPayload ? scoped.withHead(this.shown(scoped.head)) : this.shown(scoped);
    if (socket.readyState !== WebSocket.OPEN) return;
    // The cap leaves room for the largest message sent so far, so that a
    // joining client's sync step 2 of a document larger than the cap, and
    // the messages right behind it, do not count as a slow reader.
    if (socket.bufferedAmount + this.outboxBytes > this.options.maxBufferedBytes + this.largestSent) {
      this.dropSlowReader();
      return;
    }
    if (data.byteLength > this.largestSent) this.largestSent = data.byteLength;
    if (carriesUpdate) metrics.updatesOut.inc();
    this.write(data);
  }

  /** A message as this socket's client knows it: readdressed for a tenant's client (see {@link SocketTenant}). */
  private shown(scoped: Uint8Array): Uint8Array {
    return this.tenant?.outbound(scoped) ?? scoped;
  }

  /**
   * Sends a sync message built as a head and a payload (see
   * {@link FramedPayload}), after everything sent before it, as Hocuspocus'
   * own sends go.
   */
  sendFramed(message: FramedPayload): void {
    this.deliver(message, true);
  }

  /** Writes `data` after whatever waits to go out before it, and counts it. */
  private write(data: Outgoing): void {
    this.metrics.messagesOut.inc();
    this.metrics.bytesOut.inc(data.byteLength);
    this.sentSinceVisit = true;
    this.corkUntilTicked();
    if (this.outbox !== undefined) {
      this.outbox.push(data);
      this.outboxBytes += data.byteLength;
    } else {
      this.transmit(data);
    }
  }

  /**
   * The keep-alive's visit, every few seconds (see `KeepAlive`). A peer that
   * has sent nothing for `idleTimeoutMs` is gone (a dead network path leaves
   * a socket open for good) and its socket is closed with 4408. Otherwise, a
   * socket that was sent nothing since the last visit gets a Ping: the
   * provider reconnects when it hears nothing for 30 s (its
   * `messageReconnectTimeout`), as a sole reader of a quiet document would,
   * and its Pong tells this side that it is still there.
   */
  keepAlive(now: number): void {
    if (this.closing || this.socket.readyState !== WebSocket.OPEN) return;
    // A socket this side has stopped reading (the rate limit or the turn slicer holds it) is not silent: what its
    // peer sent waits unread.
    if (this.pausedBy !== 0) this.lastReceivedAt = now;
    if (now - this.lastReceivedAt >= this.options.idleTimeoutMs) {
      this.logger.info({ ms: this.options.idleTimeoutMs }, "nothing received in time");
      this.close("Timeout");
      return;
    }
    if (!this.sentSinceVisit) this.write(PING);
    this.sentSinceVisit = false;
  }

  /**
   * Holds this socket's writes until the work of the current tick is done,
   * then writes them with one system call: the acknowledgments one commit
   * releases (hundreds, for a fast writer's batch) go out together instead of
   * one write each. One tick callback uncorks every socket corked in the tick:
   * a broadcast corks each of a document's sockets, and a callback each was
   * 5 KB of garbage per keystroke to 50 people.
   */
  private corkUntilTicked(): void {
    if (this.corkedStream !== undefined) return;
    const stream = streamOf(this.socket);
    if (stream === undefined) return;
    stream.cork();
    this.corkedStream = stream;
    if (SocketSession.corked.push(this) === 1) process.nextTick(SocketSession.uncorkAll);
  }

  /** The sessions whose sockets were corked in the current tick (see {@link corkUntilTicked}). */
  private static readonly corked: SocketSession[] = [];

  private static uncorkAll(this: void): void {
    // Emptied first: what an uncork sets off may cork again, for the next tick.
    for (const session of SocketSession.corked.splice(0)) {
      const stream = session.corkedStream;
      session.corkedStream = undefined;
      stream?.uncork();
    }
  }

  /**
   * Writes `data` to the socket: at once if it is small, else through the
   * fragment pump; true if it went to the pump, and what is sent after it
   * must wait in the outbox.
   */
  private transmit(data: Outgoing): boolean {
    const { socket } = this;
    if (data.byteLength <= this.options.fragments.fragmentBytes) {
      socket.send(data instanceof FramedPayload ? data.joined() : data);
      return false;
    }
    this.outbox = [];
    this.options.fragments.send({
      ...(data instanceof FramedPayload ? { head: data.head, data: data.payload } : { data }),
      write: (fragment, fin) => socket.send(fragment, { binary: true, fin }),
      isOpen: () => socket.readyState === WebSocket.OPEN,
      done: () => this.sendOutbox(),
    });
    return true;
  }

  /** Sends what waited behind a fragmented message; one of them may be large again, and the rest waits behind it. */
  private sendOutbox(): void {
    const waiting = this.outbox ?? [];
    this.outbox = undefined;
    this.outboxBytes = 0;
    if (this.socket.readyState !== WebSocket.OPEN) return;
    for (const [index, message] of waiting.entries()) {
      if (this.transmit(message)) {
        this.outbox = waiting.slice(index + 1);
        this.outboxBytes = this.outbox.reduce((sum, bytes) => sum + bytes.byteLength, 0);
        return;
      }
    }
  }
}
