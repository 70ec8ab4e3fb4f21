import { createHash, randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";

/** What a {@link RawWebSocket} tells its owner. */
export interface RawWebSocketHandlers {
  /** One complete binary (or text) message; the bytes are only valid during the call. */
  onMessage(data: Uint8Array): void;
  /** The connection ended; `code` is the server's close code, or 1006 when there was none. */
  onClose(code: number): void;
  /**
   * When given, a message longer than 64 KiB, or sent in fragments, is not
   * put together: this gets its first bytes (up to 256, enough for every
   * header the benchmark reads) and its length, once all of it has arrived.
   * A join storm sends every client the whole document, and assembling
   * megabytes per client made the generator, not the server, the storm's
   * slowest part.
   */
  onLargeMessage?(head: Uint8Array, length: number): void;
}

/** Messages longer than this are skimmed, when the owner asks (see `onLargeMessage`). */
const SKIM_ABOVE_BYTES = 64 * 1024;
/** What a skimmed message's owner gets of its bytes. */
const SKIM_HEAD_BYTES = 256;

/** A message being skimmed: the bytes kept of its start, and its length so far. */
interface Skimmed {
  readonly head: Buffer[];
  headBytes: number;
  length: number;
}

const OPCODE_CONTINUATION = 0x0;
const OPCODE_TEXT = 0x1;
const OPCODE_BINARY = 0x2;
const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;
const OPCODE_PONG = 0xa;
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/**
 * A minimal WebSocket client (RFC 6455) straight on a TCP socket.
 *
 * The load generator runs thousands of these on one core, and it must stay far
 * cheaper than the server it measures: a `ws` client allocates an event, a
 * Buffer and a few closures per frame, while this parses every frame of a TCP
 * read in one loop and hands out views of the read buffer. It speaks only what
 * the benchmark needs: binary messages, ping/pong, close.
 */
export class RawWebSocket {
  // The start of a frame that has not fully arrived, in the chunks it came
  // in: joined only once the frame is complete (joining at every read made
  // receiving a megabytes-long frame quadratic), or while its header is unread.
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes the pending frame needs in all (0: its header has not arrived yet). */
  private pendingNeeds = 0;
  private fragments: Buffer[] = [];
  private skimmed: Skimmed | undefined;
  /** Payload bytes of the frame being skimmed that have not arrived yet. */
  private skimRemaining = 0;
  /** Whether the frame being skimmed ends its message. */
  private skimFin = false;
  private closed = false;
  private closeCode = 1006;
  // xorshift32 for mask keys: the key only has to vary, not be secret, here.
  private maskState = (Math.random() * 0xffffffff) >>> 0 || 1;

  private constructor(
    private readonly socket: Socket,
    private readonly handlers: RawWebSocketHandlers,
  ) {}

  /** Opens `url` (ws://host:port/path) and resolves once the upgrade succeeded. */
  static open(url: string, handlers: RawWebSocketHandlers): Promise<RawWebSocket> {
    const { hostname, port, pathname, search } = new URL(url);
    const key = randomBytes(16).toString("base64");
    const expected = createHash("sha1")
      .update(key + GUID)
      .digest("base64");
    return new Promise((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port), noDelay: true });
      let head: Buffer = Buffer.alloc(0);
      const onError = (error: Error) => reject(error);
      const onHandshake = (chunk: Buffer) => {
        head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
        const end = head.indexOf("\r\n\r\n");
        if (end === -1) return;
        socket.off("data", onHandshake);
        socket.off("error", onError);
        const response = head.subarray(0, end).toString("latin1");
        const accept = /\r\nsec-websocket-accept:\s*(\S+)/i.exec(response)?.[1];
        if (!response.startsWith("HTTP/1.1 101") || accept !== expected) {
          socket.destroy();
          reject(new Error(`WebSocket upgrade to ${url} refused: ${response.split("\r\n")[0]}`));
          return;
        }
        const ws = new RawWebSocket(socket, handlers);
        socket.on("data", (data: Buffer) => ws.receive(data));
        socket.on("error", () => socket.destroy());
        socket.on("close", () => ws.finish());
        resolve(ws);
        const rest = head.subarray(end + 4);
        if (rest.length > 0) ws.receive(rest);
      };
      socket.on("data", onHandshake);
      socket.on("error", onError);
      socket.on("close", () => reject(new Error(`connection to ${url} closed during the upgrade`)));
      socket.write(
        `GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Sends one binary message. */
  send(payload: Uint8Array): void {
    this.sendFrame(OPCODE_BINARY, payload);
  }

  /** Starts the closing handshake. */
  close(code = 1000): void {
    if (this.closed) return;
    const body = Buffer.alloc(2);
    body.writeUInt16BE(code);
    this.sendFrame(OPCODE_CLOSE, body);
    this.socket.end();
  }

  /** Drops the TCP connection without a closing handshake. */
  destroy(): void {
    this.socket.destroy();
  }

  private nextMask(): number {
    let x = this.maskState;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.maskState = x >>> 0;
    return this.maskState;
  }

  private sendFrame(opcode: number, payload: Uint8Array): void {
    if (this.closed || this.socket.destroyed) return;
    const length = payload.length;
    const lengthBytes = length < 126 ? 0 : length < 65536 ? 2 : 8;
    const headerLength = 2 + lengthBytes + 4;
    const frame = Buffer.allocUnsafe(headerLength + length);
    frame[0] = 0x80 | opcode;
    if (lengthBytes === 0) frame[1] = 0x80 | length;
    else if (lengthBytes === 2) {
      frame[1] = 0x80 | 126;
      frame.writeUInt16BE(length, 2);
    } else {
      frame[1] = 0x80 | 127;
      frame.writeBigUInt64BE(BigInt(length), 2);
    }
    const mask = this.nextMask();
    frame.writeUInt32BE(mask, 2 + lengthBytes);
    const m0 = mask >>> 24;
    const m1 = (mask >>> 16) & 0xff;
    const m2 = (mask >>> 8) & 0xff;
    const m3 = mask & 0xff;
    for (let i = 0; i < length; i++) {
      const m = (i & 3) === 0 ? m0 : (i & 3) === 1 ? m1 : (i & 3) === 2 ? m2 : m3;
      frame[headerLength + i] = (payload[i] as number) ^ m;
    }
    this.socket.write(frame);
  }

  private receive(chunk: Buffer): void {
    let data = chunk;
    if (this.skimRemaining > 0) {
      data = data.subarray(this.skim(data, 0));
      if (data.length === 0 || this.closed) return;
    }
    if (this.pending.length > 0) {
      this.pending.push(data);
      this.pendingBytes += data.length;
      if (this.pendingBytes < this.pendingNeeds) return;
      data = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      this.pendingNeeds = 0;
    }
    let offset = 0;
    while (data.length - offset >= 2) {
      const b0 = data[offset] as number;
      const b1 = data[offset + 1] as number;
      let length = b1 & 0x7f;
      let header = 2;
      if (length === 126) {
        if (data.length - offset < 4) break;
        length = data.readUInt16BE(offset + 2);
        header = 4;
      } else if (length === 127) {
        if (data.length - offset < 10) break;
        length = Number(data.readBigUInt64BE(offset + 2));
        header = 10;
      }
      if (this.skims(b0, length)) {
        this.startSkim(b0, length);
        offset = this.skim(data, offset + header);
        if (this.skimRemaining > 0 || this.closed) return;
        continue;
      }
      // Servers never mask; a masked frame would be a protocol error we need not survive.
      if (data.length - offset < header + length) {
        this.pendingNeeds = header + length;
        break;
      }
      const payload = data.subarray(offset + header, offset + header + length);
      offset += header + length;
      this.frame(b0 & 0x80, b0 & 0x0f, payload);
      if (this.closed) return;
    }
    if (offset < data.length) {
      // A view, not a copy: every read hands out a buffer of its own, which nothing reuses.
      const rest = data.subarray(offset);
      this.pending = [rest];
      this.pendingBytes = rest.length;
    } else {
      this.pendingNeeds = 0;
    }
  }

  /** Whether the data frame starting with `b0`, of `length` bytes, is skimmed (see `onLargeMessage`). */
  private skims(b0: number, length: number): boolean {
    if (this.handlers.onLargeMessage === undefined) return false;
    const opcode = b0 & 0x0f;
    if (opcode === OPCODE_CONTINUATION) return this.skimmed !== undefined;
    return (opcode === OPCODE_BINARY || opcode === OPCODE_TEXT) && (!(b0 & 0x80) || length > SKIM_ABOVE_BYTES);
  }

  /** Starts skimming the payload, `length` bytes, of the frame starting with `b0`. */
  private startSkim(b0: number, length: number): void {
    if ((b0 & 0x0f) !== OPCODE_CONTINUATION) this.skimmed = { head: [], headBytes: 0, length: 0 };
    (this.skimmed as Skimmed).length += length;
    this.skimRemaining = length;
    this.skimFin = (b0 & 0x80) !== 0;
  }

  /** Skims what `data` holds of the frame being skimmed, from `offset`; returns where the rest starts. */
  private skim(data: Buffer, offset: number): number {
    const skimmed = this.skimmed as Skimmed;
    const taken = Math.min(this.skimRemaining, data.length - offset);
    const kept = Math.min(taken, SKIM_HEAD_BYTES - skimmed.headBytes);
    if (kept > 0) {
      // A view: every read hands out a buffer of its own, which nothing reuses (see `receive`).
      skimmed.head.push(data.subarray(offset, offset + kept));
      skimmed.headBytes += kept;
    }
    this.skimRemaining -= taken;
    if (this.skimRemaining === 0 && this.skimFin) {
      this.skimmed = undefined;
      this.handlers.onLargeMessage?.(Buffer.concat(skimmed.head, skimmed.headBytes), skimmed.length);
    }
    return offset + taken;
  }

  private frame(fin: number, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case OPCODE_BINARY:
      case OPCODE_TEXT:
      case OPCODE_CONTINUATION:
        if (!fin) {
          // A view of the read buffer, which stays ours (see `receive`).
          this.fragments.push(payload);
          return;
        }
        if (this.fragments.length > 0) {
          this.fragments.push(payload);
          const whole = Buffer.concat(this.fragments);
          this.fragments = [];
          this.handlers.onMessage(whole);
          return;
        }
        this.handlers.onMessage(payload);
        return;
      case OPCODE_PING:
        this.sendFrame(OPCODE_PONG, payload);
        return;
      case OPCODE_CLOSE:
        this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        this.sendFrame(OPCODE_CLOSE, payload.subarray(0, 2));
        this.socket.end();
        this.finish();
        return;
      default:
        return;
    }
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers.onClose(this.closeCode);
  }
}
