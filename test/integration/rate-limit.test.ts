import { CloseCodes } from "@tandem/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { frame, openRawSocket, type RawSocket } from "../support/raw-socket.js";
import {
  closeAfterTests,
  connect,
  metric,
  type RunningServer,
  startServer,
  storedText,
  synced,
} from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

const QueryAwareness = 3;
/** The provider's answer to Hocuspocus's Ping: one byte, no document. */
const Pong = new Uint8Array([10]);

const rateLimited = CloseCodes.RateLimited.code;

/**
 * Keeps sending as fast as the connection takes it (keeping a little unsent,
 * so the test process does not buffer without bound) until the server closes
 * the socket, and resolves with the close.
 */
async function floodUntilClosed(socket: RawSocket, send: () => void): Promise<{ code: number; reason: string }> {
  let open = true;
  void socket.closed.then(() => {
    open = false;
  });
  while (open) {
    if (socket.ws.readyState === WebSocket.OPEN && socket.ws.bufferedAmount < 256 * 1024) {
      for (let i = 0; i < 1_000; i++) send();
    }
    // The attacker's own pacing: let the socket drain and the close arrive.
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return socket.closed;
}

describe("a client that sends faster than the rate limit is slowed down, not disconnected", () => {
  let server: RunningServer;
  let atDefaults: RunningServer;

  beforeAll(async () => {
    // About 400 keystroke frames a second, after a burst of about 800.
    server = await startServer({ maxBytesPerSecond: 220_000, maxBurstBytes: 440_000 });
    atDefaults = await startServer();
  });
  afterAll(async () => {
    for (const running of [server, atDefaults]) {
      await running.closeAndDropSchema();
    }
  });

  it("a provider sending 2,000 transactions as fast as it can is never closed, and every one is acknowledged", async () => {
    const writer = connect(server.wsUrl, "spec/burst");
    const witness = connect(server.wsUrl, "spec/burst");
    try {
      await Promise.all([synced(writer), synced(witness)]);
      const pausesBefore = await metric(server.url, "tandem_rate_limit_pauses_total");
      // One message each: the provider sends every transaction's update at once.
      for (let i = 0; i < 2_000; i++) {
        writer.doc.transact(() => writer.text.insert(writer.text.length, `${i},`));
      }
      const expected = Array.from({ length: 2_000 }, (_, i) => `${i},`).join("");
      await waitFor(
        () => writer.provider.isSynced && !writer.provider.hasUnsyncedChanges,
        "every transaction acknowledged",
        120_000,
      );
      await waitFor(() => witness.text.toString() === expected, "the witness has every transaction", 30_000);
      expect(writer.closeCodes).toEqual([]);
      expect(await storedText(server.schema, "spec/burst")).toBe(expected);
      // It was held back on the way (or this test would prove nothing).
      expect(await metric(server.url, "tandem_rate_limit_pauses_total")).toBeGreaterThan(pausesBefore);
    } finally {
      writer.destroy();
      witness.destroy();
    }
  });

  it("a provider sending 5,000 transactions at once (a paste, a script) is never held back", async () => {
    const writer = connect(atDefaults.wsUrl, "spec/bulk");
    try {
      await synced(writer);
      const pausesBefore = await metric(atDefaults.url, "tandem_rate_limit_pauses_total");
      for (let i = 0; i < 5_000; i++) {
        writer.doc.transact(() => writer.text.insert(writer.text.length, "x"));
      }
      await waitFor(
        () => writer.provider.isSynced && !writer.provider.hasUnsyncedChanges,
        "every transaction acknowledged",
        120_000,
      );
      expect(writer.closeCodes).toEqual([]);
      expect(await metric(atDefaults.url, "tandem_rate_limit_pauses_total")).toBe(pausesBefore);
      expect(await storedText(atDefaults.schema, "spec/bulk")).toBe("x".repeat(5_000));
    } finally {
      writer.destroy();
    }
  });
});

describe("a client that stays over the rate limit is closed with 4429", () => {
  let server: RunningServer;
  const { sockets } = closeAfterTests(() => server);

  beforeAll(async () => {
    // About 50 small frames a second.
    server = await startServer({ maxBytesPerSecond: 27_000, maxBurstBytes: 54_000, maxThrottledMs: 1_000 });
  });

  async function flood(send: (socket: RawSocket) => void): Promise<number> {
    const socket = await openRawSocket(server.wsUrl);
    sockets.push(socket);
    return (await floodUntilClosed(socket, () => send(socket))).code;
  }

  it("a flood of messages", async () => {
    expect(await flood((socket) => socket.send(frame("spec/flood", QueryAwareness)))).toBe(rateLimited);
  });

  it("a flood of one-byte Pong messages, which count like any other", async () => {
    expect(await flood((socket) => socket.send(Pong))).toBe(rateLimited);
  });

  it("a flood of unsolicited WebSocket pongs, which ws swallows by itself", async () => {
    expect(await flood((socket) => socket.ws.pong(Pong))).toBe(rateLimited);
  });

  it("counts each in /metrics, and an honest client on the same server still works", async () => {
    expect(await metric(server.url, `tandem_errors_total{code="${rateLimited}"}`)).toBe(3);
    const honest = connect(server.wsUrl, "spec/after-the-floods");
    try {
      await synced(honest);
      honest.text.insert(0, "still here");
      await honest.acknowledged();
      expect(honest.closeCodes).toEqual([]);
    } finally {
      honest.destroy();
    }
  });
});
