import { createPostgresStore } from "@tandem/persistence";
import { signToken } from "@tandem/server";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { databaseUrl } from "../support/postgres.js";
import { authFrame, frame, openRawSocket, type RawSocket } from "../support/raw-socket.js";
import {
  type Client,
  connect,
  metric,
  type RunningServer,
  startServer,
  storedInfo,
  storedText,
  synced,
} from "../support/server-harness.js";
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
    await server.closeAndDropSchema();
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
      // 2 MB: larger than a turn's budget, so in fragments over several turns of the event loop.
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

describe("a joiner's sync step 2 that holds nothing is acknowledged, and neither applied nor stored", () => {
  const secret = "a-secret-for-the-join-tests-long-enough!!";
  let server: RunningServer;
  const clients: Client[] = [];
  const open = async (name: string, sub: string, role: "editor" | "viewer", doc?: Y.Doc) => {
    const token = await signToken(secret, { sub, name: sub, access: { "spec/*": role } });
    const client = connect(server.wsUrl, name, { token, ...(doc ? { doc } : {}) });
    clients.push(client);
    return client;
  };
  /** Counts the positive SyncStatus messages (acknowledgments) a client receives. */
  const countAcknowledgments = (client: Client) => {
    const counted = { acknowledgments: 0 };
    client.provider.on("message", ({ event }: { event: { data: ArrayBuffer } }) => {
      const decoder = decoding.createDecoder(new Uint8Array(event.data));
      decoding.readVarString(decoder);
      if (decoding.readVarUint(decoder) === 8 && decoding.readVarInt(decoder) === 1) counted.acknowledgments++;
    });
    return counted;
  };
  const storedRows = async (name: string) => (await storedInfo(server.schema, name))?.pendingUpdates ?? 0;

  beforeAll(async () => {
    server = await startServer({ authSecret: secret });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await server.closeAndDropSchema();
  });

  it("new editors and viewers each get the acknowledgment of their step 2; the log gains nothing", async () => {
    const writer = await open("spec/joins", "writer", "editor");
    await synced(writer);
    writer.text.insert(0, "Before the joiners. ");
    await writer.acknowledged();
    const rows = await storedRows("spec/joins");
    const updatesIn = await metric(server.url, "tandem_updates_in_total");
    // Hocuspocus would apply each editor's empty step 2 in a transaction of its own.
    const live = server.server.hocuspocus?.documents.get("spec/joins");
    let transactions = 0;
    live?.on("afterTransaction", () => transactions++);

    const joiners = await Promise.all(
      ["editor", "editor", "viewer", "viewer"].map((role, i) =>
        open("spec/joins", `joiner-${i}`, role as "editor" | "viewer"),
      ),
    );
    const counts = joiners.map(countAcknowledgments);
    for (const joiner of joiners) await synced(joiner);
    await waitFor(() => counts.every((count) => count.acknowledgments === 1), "every joiner's step 2 acknowledged");
    for (const joiner of joiners) expect(joiner.text.toString()).toBe("Before the joiners. ");
    expect(live).toBeDefined();
    expect(transactions).toBe(0);
    expect(await storedRows("spec/joins")).toBe(rows);
    expect(await metric(server.url, "tandem_updates_in_total")).toBe(updatesIn);
  });

  it("an editor's step 2 carrying what it typed offline is still applied, stored and acknowledged", async () => {
    const writer = await open("spec/offline-join", "writer", "editor");
    await synced(writer);
    writer.text.insert(0, "Online. ");
    await writer.acknowledged();
    const offline = new Y.Doc();
    Y.applyUpdate(offline, Y.encodeStateAsUpdate(writer.doc));
    offline.getText("t").insert(offline.getText("t").length, "Typed offline.");

    const rejoined = await open("spec/offline-join", "rejoined", "editor", offline);
    const count = countAcknowledgments(rejoined);
    await synced(rejoined);
    await waitFor(() => count.acknowledgments >= 1, "the offline step 2 acknowledged");
    await waitFor(() => writer.text.toString() === "Online. Typed offline.", "the writer receives the offline edit");
    // Acknowledged means committed: the store holds it, read by a store of its own.
    expect(await storedText(server.schema, "spec/offline-join")).toBe("Online. Typed offline.");
  });
});
