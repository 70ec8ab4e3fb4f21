import { CloseCodes } from "@tandem/protocol";
import * as encoding from "lib0/encoding";
import { beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import * as Y from "yjs";
import { authFrame, frame, openRawSocket, type RawSocket, updateFrame } from "../support/raw-socket.js";
import { closeAfterTests, metric, type RunningServer, startServer } from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

const Sync = 0;
const SyncStep1 = 0;
const QueryAwareness = 3;

/** A sync update frame carrying `bytes` of text: what a socket queues for a document it has not authenticated. */
function bulkyUpdateFrame(documentName: string, bytes: number): Uint8Array {
  const doc = new Y.Doc();
  doc.getText("t").insert(0, "x".repeat(bytes));
  return updateFrame(documentName, Y.encodeStateAsUpdate(doc));
}

/** A sync step 1 of an empty document, which the server answers with its own state. */
function syncStep1Frame(documentName: string): Uint8Array {
  return frame(documentName, Sync, (encoder) => {
    encoding.writeVarUint(encoder, SyncStep1);
    encoding.writeVarUint8Array(encoder, Y.encodeStateVector(new Y.Doc()));
  });
}

describe("a socket must authenticate within the deadline", () => {
  const deadlineMs = 400;
  let server: RunningServer;
  const { sockets } = closeAfterTests(() => server);

  beforeAll(async () => {
    server = await startServer({ authTimeoutMs: deadlineMs });
  });

  it("is closed with 4408 at the deadline", async () => {
    const opened = Date.now();
    const silent = await openRawSocket(server.wsUrl);
    const chatty = await openRawSocket(server.wsUrl);
    const authenticated = await openRawSocket(server.wsUrl);
    sockets.push(silent, chatty, authenticated);
    authenticated.send(authFrame("spec/deadline"));
    // Messages without authentication do not count as authenticating.
    chatty.send(frame("spec/deadline", QueryAwareness));
    let silentClose: number | undefined;
    void silent.closed.then(({ code }) => {
      silentClose = code;
    });
    await waitFor(() => silentClose !== undefined, "the silent socket is closed");
    expect(Date.now() - opened).toBeGreaterThanOrEqual(deadlineMs);
    expect(silentClose).toBe(CloseCodes.Timeout.code);
    expect((await chatty.closed).code).toBe(CloseCodes.Timeout.code);
    // The one that authenticated lives on past the deadline, and still gets answers.
    expect(authenticated.ws.readyState).toBe(WebSocket.OPEN);
    const answered = new Promise((resolve) => authenticated.ws.once("message", resolve));
    authenticated.send(syncStep1Frame("spec/deadline"));
    await answered;
    expect(authenticated.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe("bytes queued before authentication are capped across all connections", () => {
  const limit = 1024 * 1024;
  let server: RunningServer;
  const { sockets } = closeAfterTests(() => server);

  beforeAll(async () => {
    server = await startServer({ maxUnauthenticatedBytes: limit });
  });

  const queued = () => metric(server.url, "tandem_unauthenticated_bytes");

  async function queueing(bytes: number): Promise<RawSocket> {
    const socket = await openRawSocket(server.wsUrl);
    sockets.push(socket);
    socket.send(bulkyUpdateFrame("spec/unauthenticated", bytes));
    return socket;
  }

  it("closes the socket that passes the cap with 4503, and refuses new sockets while the total is near it", async () => {
    // Each socket stays under Hocuspocus's own per-socket cap (5 MiB); together they would not.
    const first = await queueing(300_000);
    const second = await queueing(300_000);
    await waitFor(async () => (await queued()) >= 600_000, "two sockets' frames are queued");
    const third = await queueing(500_000);
    expect((await third.closed).code).toBe(CloseCodes.ShuttingDown.code);
    expect(await queued()).toBeLessThanOrEqual(limit);
    expect(first.ws.readyState).toBe(WebSocket.OPEN);

    // Above three quarters of the cap, new sockets are refused at the upgrade.
    await queueing(200_000);
    await waitFor(async () => (await queued()) > (limit * 3) / 4, "the total is above three quarters of the cap");
    await expect(openRawSocket(server.wsUrl)).rejects.toThrow(/503/);
    expect(await metric(server.url, 'tandem_errors_total{code="unauthenticated-full"}')).toBeGreaterThanOrEqual(2);

    // Once sockets go, their bytes go with them and new sockets are welcome again.
    first.ws.terminate();
    second.ws.terminate();
    await waitFor(async () => (await queued()) < 300_000, "the closed sockets' bytes are released");
    const later = await openRawSocket(server.wsUrl);
    sockets.push(later);
    later.send(authFrame("spec/unauthenticated"));
    await new Promise((resolve) => later.ws.once("message", resolve));
  });

  it("frees a socket's queued bytes once its document authenticates", async () => {
    const socket = await queueing(300_000);
    await waitFor(async () => (await queued()) >= 300_000, "the frame is queued");
    socket.send(authFrame("spec/unauthenticated"));
    await waitFor(async () => (await queued()) === 0, "the queue is handed to the document");
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
  });
});
