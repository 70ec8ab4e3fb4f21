import { CloseCodes } from "@tandem/protocol";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { messageYjsSyncStep1, messageYjsSyncStep2, messageYjsUpdate, writeSyncStep1 } from "y-protocols/sync";
import * as Y from "yjs";
import { deriveStatus } from "../status/derive.js";
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

/** A Hocuspocus message to `documentName`: its name, then the rest. */
function message(documentName: string, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, documentName);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

const SYNC = 0;
const SYNC_STATUS = 8;

/** What the client sent, as the sync messages it holds: the document, the sync step, its update. */
function syncMessages(socket: FakeSocket): { documentName: string; step: number; update: Uint8Array | null }[] {
  return socket.sent.flatMap((bytes) => {
    const decoder = decoding.createDecoder(bytes);
    if (bytes.length === 1) return []; // a pong
    const documentName = decoding.readVarString(decoder);
    if (decoding.readVarUint(decoder) !== SYNC) return [];
    const step = decoding.readVarUint(decoder);
    return [{ documentName, step, update: step === messageYjsSyncStep1 ? null : decoding.readVarUint8Array(decoder) }];
  });
}

/**
 * Plays a server holding `server` for the state exchange of `documentName`:
 * its sync step 1 (the client answers with a step 2 of what the server lacks),
 * then its step 2 (the client is then synced).
 */
function exchangeState(socket: FakeSocket, documentName: string, server = new Y.Doc()): void {
  socket.receive(
    message(documentName, (encoder) => {
      encoding.writeVarUint(encoder, SYNC);
      writeSyncStep1(encoder, server);
    }),
  );
  socket.receive(
    message(documentName, (encoder) => {
      encoding.writeVarUint(encoder, SYNC);
      encoding.writeVarUint(encoder, messageYjsSyncStep2);
      encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(server));
    }),
  );
}

/** The server's acknowledgment of one message that changed `documentName` (stored, on a Tandem server). */
function acknowledge(socket: FakeSocket, documentName: string): void {
  socket.receive(
    message(documentName, (encoder) => {
      encoding.writeVarUint(encoder, SYNC_STATUS);
      encoding.writeVarInt(encoder, 1);
    }),
  );
}

const backoff = { initialDelayMs: 100, maxDelayMs: 1_000, busyMaxDelayMs: 3_000, factor: 2 };

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

let connection: TandemConnection | undefined;
beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.instances = [];
});
afterEach(() => {
  connection?.destroy();
  connection = undefined;
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe("TandemConnection close-code policy", () => {
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
    ...Object.values(CloseCodes).filter(
      (entry) =>
        (entry.retry === "backoff" || entry.retry === "elsewhere") && entry.code !== 4429 && entry.code !== 4503,
    ),
    { code: 1006, reason: "connection lost" },
  ])("reconnects after $code with a growing backoff, at most maxDelayMs apart", async ({ code }) => {
    await expectReconnectDelays(code, [100, 200, 400, 800, 1_000, 1_000]);
  });

  it.each([CloseCodes.RateLimited, CloseCodes.ShuttingDown])(
    "after $code (the server asked for room) backs off up to busyMaxDelayMs",
    async ({ code }) => {
      await expectReconnectDelays(code, [100, 200, 400, 800, 1_600, 3_000, 3_000]);
    },
  );

  async function expectReconnectDelays(code: number, delays: number[]): Promise<void> {
    ({ connection } = connect());
    let socket = await openSocket();
    for (const expectedDelay of delays) {
      const before = FakeSocket.instances.length;
      socket.closeFromServer(code);
      expect(connection.state.get().phase).toBe("waiting");
      await vi.advanceTimersByTimeAsync(expectedDelay - 1);
      expect(FakeSocket.instances).toHaveLength(before);
      await vi.advanceTimersByTimeAsync(1);
      expect(FakeSocket.instances).toHaveLength(before + 1);
      socket = await openSocket();
    }
  }

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

describe("TandemConnection while the socket is down", () => {
  /** A connection whose document has completed its first exchange, nothing waiting. */
  async function syncedDocument() {
    const opened = connect();
    connection = opened.connection;
    const socket = await openSocket();
    const document = opened.lease.document;
    for (const [name, provider] of [
      ["spec/42", document.contentProvider],
      ["spec/42#comments", document.commentsProvider],
    ] as const) {
      socket.receive(authenticated(name, "read-write"));
      exchangeState(socket, name);
      // The step 2, and on the comments the user's entry in the people list, written once synced.
      while (provider.unsyncedChanges > 0) acknowledge(socket, name);
    }
    expect(document.state.get()).toMatchObject({ synced: true, unsyncedChanges: 0 });
    return { connection: opened.connection, document, socket };
  }

  it("counts changes made offline, sends none of them on reconnect, and delivers them all in one sync step 2", async () => {
    const { connection, document, socket } = await syncedDocument();
    socket.closeFromServer(1006);
    const text = document.content.getText("t");
    for (let key = 0; key < 100; key++) text.insert(text.length, "x");
    expect(document.state.get().unsyncedChanges).toBe(100);
    expect(deriveStatus(connection.state.get(), document.state.get()).label).toBe("Offline – 100 changes waiting");

    await vi.advanceTimersByTimeAsync(100);
    const next = await openSocket();
    for (const name of ["spec/42", "spec/42#comments"]) next.receive(authenticated(name, "read-write"));
    // Stock, the 100 changes went out here: one queued update message each.
    expect(syncMessages(next).filter(({ step }) => step === messageYjsUpdate)).toEqual([]);

    for (const name of ["spec/42", "spec/42#comments"]) exchangeState(next, name);
    const replies = syncMessages(next).filter(({ step }) => step === messageYjsSyncStep2);
    expect(replies.map(({ documentName }) => documentName)).toEqual(["spec/42", "spec/42#comments"]);
    const server = new Y.Doc();
    Y.applyUpdate(server, replies[0]?.update ?? new Uint8Array());
    expect(server.getText("t").toString()).toBe("x".repeat(100));
    // Each half's step 2 is one change until the server acknowledges it.
    expect(deriveStatus(connection.state.get(), document.state.get())).toMatchObject({ unsyncedChanges: 2 });

    for (const name of ["spec/42", "spec/42#comments"]) acknowledge(next, name);
    expect(deriveStatus(connection.state.get(), document.state.get()).label).toBe("All changes saved");

    // Connected again, a change goes out at once.
    text.insert(0, "y");
    expect(syncMessages(next).filter(({ step }) => step === messageYjsUpdate)).toHaveLength(1);
    expect(document.state.get().unsyncedChanges).toBe(1);
  });

  it("closes the socket when the browser goes offline, and reconnects as soon as it is back", async () => {
    const events = new EventTarget();
    let onLine = true;
    vi.stubGlobal("addEventListener", events.addEventListener.bind(events));
    vi.stubGlobal("removeEventListener", events.removeEventListener.bind(events));
    vi.stubGlobal("navigator", {
      get onLine() {
        return onLine;
      },
    });
    const { connection, socket } = await syncedDocument();

    onLine = false;
    events.dispatchEvent(new Event("offline"));
    // Closed by the client (the server then drops this person's presence), and no retries while offline.
    expect(socket.readyState).toBe(3);
    expect(connection.state.get()).toMatchObject({ phase: "offline", retryAt: null });
    expect(deriveStatus(connection.state.get()).label).toBe("Offline");
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(FakeSocket.instances).toHaveLength(1);
    connection.reconnect();
    await settle();
    expect(FakeSocket.instances).toHaveLength(1);

    onLine = true;
    events.dispatchEvent(new Event("online"));
    await openSocket();
    expect(FakeSocket.instances).toHaveLength(2);
    expect(connection.state.get().phase).toBe("connected");
  });
});
