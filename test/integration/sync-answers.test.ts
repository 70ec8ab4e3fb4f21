import { createPostgresStore } from "@tandem/persistence";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { databaseUrl, dropSchema } from "../support/postgres.js";
import { authFrame, frame, openRawSocket, type RawSocket } from "../support/raw-socket.js";
import { type Client, connect, metric, type RunningServer, startServer, synced } from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

const Sync = 0;
const Auth = 2;
const SyncStep1 = 0;
const SyncStep2 = 1;

/** One message the server sent: its type, its sync step (for sync messages) and that step's payload. */
interface Received {
  readonly type: number;
  readonly step?: number;
  readonly payload?: Uint8Array;
}

function decode(data: Uint8Array): Received {
  const decoder = decoding.createDecoder(data);
  decoding.readVarString(decoder);
  const type = decoding.readVarUint(decoder);
  if (type !== Sync) return { type };
  const step = decoding.readVarUint(decoder);
  return { type, step, payload: decoding.readVarUint8Array(decoder) };
}

/** A raw client that opens `documentName` with an empty document and collects what the server sends. */
async function join(wsUrl: string, documentName: string): Promise<{ socket: RawSocket; received: Received[] }> {
  const socket = await openRawSocket(wsUrl);
  const received: Received[] = [];
  socket.ws.on("message", (data: Buffer) => received.push(decode(new Uint8Array(data))));
  socket.send(authFrame(documentName));
  socket.send(
    frame(documentName, Sync, (encoder) => {
      encoding.writeVarUint(encoder, SyncStep1);
      encoding.writeVarUint8Array(encoder, Y.encodeStateVector(new Y.Doc()));
    }),
  );
  await waitFor(() => received.some((message) => message.step === SyncStep2), "the sync step 2");
  return { socket, received };
}

function textOf(update: Uint8Array | undefined): string {
  const doc = new Y.Doc();
  if (update) Y.applyUpdate(doc, update);
  return doc.getText("t").toString();
}

describe("sync step 1 answers are encoded once per document state and shared by joiners", () => {
  let server: RunningServer;
  let writer: Client;
  const sockets: RawSocket[] = [];
  const answers = async (state: "encoded" | "shared") =>
    metric(server.url, `tandem_sync_answers_total{state="${state}"}`);
  const joinAtOnce = async (count: number, documentName: string) => {
    const joiners = await Promise.all(Array.from({ length: count }, () => join(server.wsUrl, documentName)));
    sockets.push(...joiners.map((joiner) => joiner.socket));
    return joiners;
  };

  beforeAll(async () => {
    server = await startServer();
    writer = connect(server.wsUrl, "spec/storm");
    await synced(writer);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.ws.terminate();
    writer.destroy();
    await server.close();
    await dropSchema(server.schema);
  });

  it("answers as Hocuspocus does (its own step 1, then the whole document), encoding once for many joiners", async () => {
    writer.text.insert(0, "Written before the storm. ");
    await writer.acknowledged();
    const encodedBefore = await answers("encoded");
    const sharedBefore = await answers("shared");

    const joiners = await joinAtOnce(6, "spec/storm");
    for (const { received } of joiners) {
      // Hocuspocus' order: authenticated, then its own sync step 1 (its state vector), then the answer.
      const sync = received.filter((message) => message.type === Sync);
      expect(received[0]?.type).toBe(Auth);
      expect(sync.slice(0, 2).map((message) => message.step)).toEqual([SyncStep1, SyncStep2]);
      expect(sync[0]?.payload).toEqual(Y.encodeStateVector(writer.doc));
      expect(textOf(sync[1]?.payload)).toBe("Written before the storm. ");
    }
    // The writer's own sync answered before; the six joiners asked for the same state.
    expect((await answers("encoded")) - encodedBefore).toBe(1);
    expect((await answers("shared")) - sharedBefore).toBe(5);
  });

  it("a change drops the shared encoding: the next joiner gets the new state", async () => {
    writer.text.insert(0, "Then more. ");
    await writer.acknowledged();
    const encodedBefore = await answers("encoded");
    const late = await join(server.wsUrl, "spec/storm");
    sockets.push(late.socket);
    const answer = late.received.find((message) => message.step === SyncStep2);
    expect(textOf(answer?.payload)).toBe(writer.text.toString());
    expect((await answers("encoded")) - encodedBefore).toBe(1);
  });

  it("an answer larger than a WebSocket fragment arrives whole, and what is broadcast meanwhile after it", async () => {
    const big = connect(server.wsUrl, "spec/big");
    try {
      await synced(big);
      // 2 MB: 32 fragments, a few per turn of the event loop.
      big.text.insert(0, "0123456789abcdef".repeat(128 * 1024));
      await big.acknowledged();
      let typing = true;
      const typed = (async () => {
        while (typing) {
          big.text.insert(big.text.length, "!");
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      const joiner = await join(server.wsUrl, "spec/big");
      sockets.push(joiner.socket);
      typing = false;
      await typed;
      await big.acknowledged();
      const doc = new Y.Doc();
      await waitFor(() => {
        for (const { step, payload } of joiner.received.splice(0))
          if (payload && step !== SyncStep1) Y.applyUpdate(doc, payload);
        return doc.getText("t").toString() === big.text.toString();
      }, "the joiner has the whole document and every keystroke");
      expect(joiner.socket.ws.readyState).toBe(joiner.socket.ws.OPEN);
    } finally {
      big.destroy();
    }
  });

  it("a large document loaded in slices answers its first joiners from the state the load encoded", async () => {
    // Stored directly (never live): the server loads it cold, in slices, when the joiners come.
    const store = await createPostgresStore({ connectionString: databaseUrl, schema: server.schema });
    const original = new Y.Doc();
    original.getText("t").insert(0, "a large document ".repeat(32 * 1024));
    try {
      await store.append("spec/large-cold", Y.encodeStateAsUpdate(original));
    } finally {
      await store.close();
    }
    const encodedBefore = await answers("encoded");
    const sharedBefore = await answers("shared");
    const joiners = await joinAtOnce(3, "spec/large-cold");
    for (const { received } of joiners) {
      const answer = received.find((message) => message.step === SyncStep2);
      expect(textOf(answer?.payload)).toBe(original.getText("t").toString());
    }
    expect((await answers("encoded")) - encodedBefore).toBe(0);
    expect((await answers("shared")) - sharedBefore).toBe(3);
  });

  it("a provider that already holds part of the document gets only what it lacks", async () => {
    const offline = new Y.Doc();
    Y.applyUpdate(offline, Y.encodeStateAsUpdate(writer.doc));
    writer.text.insert(writer.text.length, " The end.");
    await writer.acknowledged();
    const rejoined = connect(server.wsUrl, "spec/storm", { doc: offline });
    try {
      await synced(rejoined);
      await waitFor(() => rejoined.text.toString() === writer.text.toString(), "the rejoined client catches up");
    } finally {
      rejoined.destroy();
    }
  });
});
