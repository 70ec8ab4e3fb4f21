import { CloseCodes } from "@tandem/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authFrame, openRawSocket, type RawSocket } from "../support/raw-socket.js";
import { type Client, connect, metric, type RunningServer, startServer, synced } from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

const MiB = 1024 * 1024;
const document = "spec/broadcast";

/** A raw socket that opens `document`, then stops reading: its TCP socket is paused, so the server's sends pile up. */
async function stopsReading(wsUrl: string): Promise<RawSocket> {
  const socket = await openRawSocket(wsUrl);
  const answered = new Promise((resolve) => socket.ws.once("message", resolve));
  socket.send(authFrame(document));
  await answered; // authenticated: it is one of the document's connections and gets every broadcast
  socket.ws.pause();
  return socket;
}

describe("a connection that stops reading is closed with 4420; the server and everyone else carry on", () => {
  let server: RunningServer;
  let writer: Client;
  let witness: Client;
  const slowReaders: RawSocket[] = [];
  const slowReaderCloses = () => metric(server.url, `tandem_errors_total{code="${CloseCodes.SlowReader.code}"}`);

  beforeAll(async () => {
    server = await startServer({ maxBufferedBytes: MiB });
    writer = connect(server.wsUrl, document);
    witness = connect(server.wsUrl, document);
    await Promise.all([synced(writer), synced(witness)]);
  });
  afterAll(async () => {
    for (const socket of slowReaders) socket.ws.terminate();
    writer.destroy();
    witness.destroy();
    await server.closeAndDropSchema();
  });

  it("closes both slow readers once their backlog passes MAX_BUFFERED_BYTES, and frees what was buffered", async () => {
    // One will read again and get its close code; the other never reads again.
    const resumes = await stopsReading(server.wsUrl);
    const neverReads = await stopsReading(server.wsUrl);
    slowReaders.push(resumes, neverReads);
    expect(await metric(server.url, "tandem_connections")).toBe(4);

    // The kernel's socket buffers take several MiB before anything stays in the
    // server's send buffer, so the writer writes until the server gives up on
    // both (bounded, so a server that never does fails the test).
    const chunk = "x".repeat(256 * 1024);
    for (let written = 0; (await slowReaderCloses()) < 2; written += chunk.length) {
      if (written > 64 * MiB) throw new Error("the slow readers were never closed");
      writer.text.insert(writer.text.length, chunk);
      await writer.acknowledged();
    }

    resumes.ws.resume();
    expect(await resumes.closed).toMatchObject({ code: CloseCodes.SlowReader.code, reason: "slow-reader" });
    // The one that never reads cannot finish the closing handshake; its socket
    // is destroyed after a short grace all the same, and its buffers with it.
    await waitFor(async () => (await metric(server.url, "tandem_connections")) === 2, "both slow sockets released");
  });

  it("the well-behaved clients kept up and keep converging", async () => {
    await waitFor(() => witness.text.length === writer.text.length, "the witness has every chunk");
    writer.text.insert(0, "still here ");
    await writer.acknowledged();
    await waitFor(() => witness.text.toString() === writer.text.toString(), "the witness converges");
    expect(writer.closeCodes).toEqual([]);
    expect(witness.closeCodes).toEqual([]);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
