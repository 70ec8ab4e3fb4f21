import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { authFrame, openRawSocket, type RawSocket } from "../support/raw-socket.js";
import { type Client, connect, type RunningServer, startServer, synced } from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

const CROWD = 101;

describe("a crowd in one document", () => {
  let server: RunningServer;
  const sockets: RawSocket[] = [];
  const clients: Client[] = [];
  const flushDelay = () => server.server.hocuspocus?.documents.get("spec/crowd")?.flushDelay;
  const connections = () => server.server.hocuspocus?.documents.get("spec/crowd")?.getConnectionsCount() ?? 0;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    for (const socket of sockets) socket.ws.terminate();
    await server.closeAndDropSchema();
  });

  it("gathers broadcasts over a window while the crowd is there, and still delivers every change", async () => {
    const writer = connect(server.wsUrl, "spec/crowd");
    const reader = connect(server.wsUrl, "spec/crowd");
    clients.push(writer, reader);
    await Promise.all([synced(writer), synced(reader)]);
    expect(flushDelay()).toBe(0);

    for (let i = 0; i < CROWD - 2; i++) {
      const socket = await openRawSocket(server.wsUrl);
      socket.send(authFrame("spec/crowd"));
      sockets.push(socket);
    }
    await waitFor(() => connections() === CROWD, "the crowd to join");
    expect(flushDelay()).toBeGreaterThan(0);

    writer.text.insert(0, "Heard by everyone, a little later.");
    await waitFor(() => reader.text.toString() === writer.text.toString(), "the reader gets the edit");

    for (const socket of sockets.splice(0)) socket.ws.terminate();
    await waitFor(() => connections() === 2, "the crowd to leave");
    expect(flushDelay()).toBe(0);
    writer.text.insert(0, "At once again. ");
    await waitFor(() => reader.text.toString() === writer.text.toString(), "the reader gets the next edit");
    expect(Y.encodeStateVector(reader.doc)).toEqual(Y.encodeStateVector(writer.doc));
  });
});
