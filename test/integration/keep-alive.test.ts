import { HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import { CloseCodes } from "@tandem/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { authFrame, openRawSocket } from "../support/raw-socket.js";
import { closeAfterTests, connect, type RunningServer, startServer, synced } from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

/** The connection-level Ping and Pong of the Hocuspocus protocol: one byte each, no document. */
const Ping = 9;
const Pong = 10;

/** A raw socket that counts the server's Pings, and answers them as a provider does when `answers`. */
async function pingCounter(wsUrl: string, documentName: string, answers: boolean) {
  const socket = await openRawSocket(wsUrl);
  let pings = 0;
  socket.ws.on("message", (data: Buffer) => {
    if (data.length !== 1 || data[0] !== Ping) return;
    pings++;
    if (answers) socket.send(new Uint8Array([Pong]));
  });
  socket.send(authFrame(documentName));
  return { socket, pings: () => pings };
}

describe("keep-alive: quiet connections stay open, silent ones are closed", () => {
  const idleTimeoutMs = 600;
  let server: RunningServer;
  const { clients, sockets } = closeAfterTests(() => server);

  beforeAll(async () => {
    server = await startServer({ idleTimeoutMs });
  });

  it("keeps an idle editor connected: pinged, it answers, and neither side gives up", async () => {
    // A provider that gives up after 500 ms without a word from the server (30 s by default).
    const quiet = new HocuspocusProviderWebsocket({ url: server.wsUrl, messageReconnectTimeout: 500 });
    const editor = connect(server.wsUrl, "spec/quiet", { socket: quiet });
    clients.push(editor);
    editor.provider.setAwarenessField("user", { name: "Ada" });
    await synced(editor);
    const witness = await pingCounter(server.wsUrl, "spec/quiet-witness", true);
    sockets.push(witness.socket);
    // Pings come a third of the idle timeout apart: after six, the editor has sat
    // idle for three idle timeouts and six of its provider's 500 ms.
    await waitFor(() => witness.pings() >= 6, "six pings to the witness");
    expect(editor.closeCodes).toEqual([]);
    expect(editor.provider.isSynced).toBe(true);
    expect(witness.socket.ws.readyState).toBe(WebSocket.OPEN);
    // Hocuspocus' own idle check, which sees neither Pongs nor presence's short way, must not close anyone.
    expect(server.server.hocuspocus?.configuration.timeout).toBe(2 ** 31 - 1);
  });

  it("closes a socket whose peer sends nothing, not even a Pong, with 4408", async () => {
    const opened = Date.now();
    const silent = await pingCounter(server.wsUrl, "spec/silent", false);
    sockets.push(silent.socket);
    const { code } = await silent.socket.closed;
    expect(code).toBe(CloseCodes.Timeout.code);
    expect(Date.now() - opened).toBeGreaterThanOrEqual(idleTimeoutMs);
    expect(silent.pings()).toBeGreaterThan(0);
  });
});

describe("keep-alive: a writer the rate limit holds back is not silent", () => {
  let server: RunningServer;
  closeAfterTests(() => server);

  beforeAll(async () => {
    // About 400 keystroke frames a second after a burst of about 800 (as in rate-limit.test.ts), and an idle
    // timeout far shorter than the seconds 2,000 frames are held back.
    server = await startServer({ maxBytesPerSecond: 220_000, maxBurstBytes: 440_000, idleTimeoutMs: 600 });
  });

  it("keeps the connection of a provider whose 2,000 transactions wait unread, and acknowledges them all", async () => {
    const writer = connect(server.wsUrl, "spec/held");
    try {
      await synced(writer);
      const heldSince = Date.now();
      for (let i = 0; i < 2_000; i++) writer.doc.transact(() => writer.text.insert(writer.text.length, `${i},`));
      await waitFor(
        () => writer.provider.isSynced && !writer.provider.hasUnsyncedChanges,
        "every transaction acknowledged",
        60_000,
      );
      // Held back for longer than the idle timeout (or this test would prove nothing), and never closed.
      expect(Date.now() - heldSince).toBeGreaterThan(1_000);
      expect(writer.closeCodes).toEqual([]);
    } finally {
      writer.destroy();
    }
  });
});
