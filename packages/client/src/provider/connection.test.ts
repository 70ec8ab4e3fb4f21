import { CloseCodes } from "@tandem/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TandemConnection, type TandemConnectionOptions } from "./connection.js";

/**
 * A WebSocket the test plays the server for: it records what the client
 * sends and lets the test open it, deliver messages and close it with a code.
 */
class FakeSocket {
  static instances: FakeSocket[] = [];
  readyState = 0;
  binaryType = "arraybuffer";
  readonly sent: Uint8Array[] = [];
  private readonly listeners = new Map<string, Set<(event: unknown) => void>>();

  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }

  addEventListener(type: string, listener: (event: unknown) => void): void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener);
    this.listeners.set(type, set);
  }

  removeEventListener(type: string, listener: (event: unknown) => void): void {
    this.listeners.get(type)?.delete(listener);
  }

  send(data: Uint8Array): void {
    this.sent.push(new Uint8Array(data));
  }

  close(code = 1000, reason = ""): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.emit("close", { code, reason });
  }

  // The server's side.
  accept(): void {
    this.readyState = 1;
    this.emit("open", {});
  }

  receive(bytes: Uint8Array): void {
    this.emit("message", { data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
  }

  closeFromServer(code: number): void {
    this.readyState = 3;
    this.emit("close", { code, reason: "" });
  }

  sentText(): string {
    return this.sent.map((bytes) => new TextDecoder().decode(bytes)).join("|");
  }

  private emit(type: string, event: unknown): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) listener(event);
  }
}

function varUint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return bytes;
}

function varString(value: string): number[] {
  const utf8 = [...new TextEncoder().encode(value)];
  return [...varUint(utf8.length), ...utf8];
}

/** The Hocuspocus "authenticated" message for `documentName` with `scope`. */
function authenticated(documentName: string, scope: "read-write" | "readonly"): Uint8Array {
  return new Uint8Array([...varString(documentName), ...varUint(2), ...varUint(2), ...varString(scope)]);
}

const backoff = { initialDelayMs: 100, maxDelayMs: 1_000, factor: 2 };

function connect(options: Partial<TandemConnectionOptions> = {}) {
  const connection = new TandemConnection({
    url: "ws://tandem.test/collab",
    token: "first-token",
    WebSocketPolyfill: FakeSocket,
    backoff,
    random: () => 1, // no jitter: delays are exactly the backoff's
    ...options,
  });
  const lease = connection.openDocument("spec/42");
  return { connection, lease };
}

// The provider connects asynchronously; let its promises run without moving the clock.
const settle = () => vi.advanceTimersByTimeAsync(0);

async function openSocket(): Promise<FakeSocket> {
  await settle();
  const socket = FakeSocket.instances.at(-1);
  if (!socket) throw new Error("no socket was opened");
  socket.accept();
  await settle();
  return socket;
}

describe("TandemConnection close-code policy", () => {
  let connection: TandemConnection | undefined;
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.instances = [];
  });
  afterEach(() => {
    connection?.destroy();
    connection = undefined;
    vi.useRealTimers();
  });

  it("opens one socket for a document's content and comments, and learns the role from the server", async () => {
    const opened = connect();
    connection = opened.connection;
    const socket = await openSocket();
    expect(FakeSocket.instances).toHaveLength(1);
    // Both halves authenticate with the token on the one socket.
    expect(socket.sentText()).toContain("spec/42");
    expect(socket.sentText()).toContain("spec/42#comments");
    expect(socket.sentText()).toContain("first-token");

    // A commenter: content read-only, comments read-write.
    socket.receive(authenticated("spec/42", "readonly"));
    socket.receive(authenticated("spec/42#comments", "read-write"));
    const document = opened.lease.document;
    expect(document.state.get()).toMatchObject({ contentAccess: "read-only", commentsAccess: "read-write" });
    expect(document.canEdit).toBe(false);
    expect(document.canComment).toBe(true);
    expect(connection.state.get().phase).toBe("connected");
  });

  it.each(Object.values(CloseCodes).filter((entry) => entry.retry === "never"))(
    "does not reconnect after $code ($reason) and says why",
    async ({ code, reason }) => {
      ({ connection } = connect());
      const socket = await openSocket();
      socket.closeFromServer(code);
      await vi.advanceTimersByTimeAsync(10 * 60_000);
      expect(FakeSocket.instances).toHaveLength(1);
      expect(connection.state.get()).toMatchObject({ phase: "stopped", lastClose: { code, reason } });
    },
  );

  it.each([
    ...Object.values(CloseCodes).filter((entry) => entry.retry === "backoff" || entry.retry === "elsewhere"),
    {
      code: 1006,
      reason: "connection lost",
    },
  ])("reconnects after $code with a growing backoff", async ({ code }) => {
    ({ connection } = connect());
    let socket = await openSocket();
    for (const expectedDelay of [100, 200, 400, 800, 1_000, 1_000]) {
      const before = FakeSocket.instances.length;
      socket.closeFromServer(code);
      expect(connection.state.get().phase).toBe("waiting");
      await vi.advanceTimersByTimeAsync(expectedDelay - 1);
      expect(FakeSocket.instances).toHaveLength(before);
      await vi.advanceTimersByTimeAsync(1);
      expect(FakeSocket.instances).toHaveLength(before + 1);
      socket = await openSocket();
    }
  });

  it("after 4401 asks the host for a fresh token, then reconnects with it", async () => {
    const getToken = vi.fn(async () => "fresh-token");
    ({ connection } = connect({ getToken }));
    const socket = await openSocket();
    socket.closeFromServer(4401);
    await settle();
    expect(getToken).toHaveBeenCalledTimes(1);
    const next = await openSocket();
    expect(FakeSocket.instances).toHaveLength(2);
    expect(next.sentText()).toContain("fresh-token");
    expect(next.sentText()).not.toContain("first-token");
  });

  it("after 4401 without a way to refresh, waits for a new token instead of retrying", async () => {
    ({ connection } = connect());
    const socket = await openSocket();
    socket.closeFromServer(4401);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(FakeSocket.instances).toHaveLength(1);
    expect(connection.state.get()).toMatchObject({ phase: "unauthorized", lastClose: { code: 4401 } });

    connection.setToken("signed-in-again");
    const next = await openSocket();
    expect(next.sentText()).toContain("signed-in-again");
  });

  it("stops asking for tokens when fresh ones keep being refused", async () => {
    const getToken = vi.fn(async () => `token-${getToken.mock.calls.length}`);
    ({ connection } = connect({ getToken }));
    for (let round = 0; round < 4; round++) {
      const socket = await openSocket();
      socket.closeFromServer(4401);
      await settle();
    }
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(getToken).toHaveBeenCalledTimes(3);
    expect(FakeSocket.instances).toHaveLength(4);
    expect(connection.state.get().phase).toBe("unauthorized");
  });

  it("starts the backoff over once a connection has stayed healthy", async () => {
    ({ connection } = connect({ healthyAfterMs: 5_000 }));
    let socket = await openSocket();
    socket.closeFromServer(4429);
    await vi.advanceTimersByTimeAsync(100);
    socket = await openSocket();
    socket.receive(authenticated("spec/42", "read-write"));
    await vi.advanceTimersByTimeAsync(5_000);
    socket.closeFromServer(4429);
    expect(connection.state.get().attempt).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(FakeSocket.instances).toHaveLength(3);
  });

  it("closes the socket when the last document is released, and does not reconnect", async () => {
    const opened = connect();
    connection = opened.connection;
    const socket = await openSocket();
    opened.lease.release();
    await settle();
    expect(socket.readyState).toBe(3);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(FakeSocket.instances).toHaveLength(1);
    expect(connection.state.get().phase).toBe("idle");
  });
});
