import { CloseCodes } from "@tandem/protocol";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { authFrame, frame, openRawSocket } from "../support/raw-socket.js";
import { metric, type RunningServer, startServer, storedDoc, storedInfo } from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

const Sync = 0;
const SyncStep1 = 0;
const SyncStep2 = 1;
const SyncUpdate = 2;
const SyncStatus = 8;

function syncFrame(documentName: string, step: number, update: Uint8Array): Uint8Array {
  return frame(documentName, Sync, (encoder) => {
    encoding.writeVarUint(encoder, step);
    encoding.writeVarUint8Array(encoder, update);
  });
}

/** A sync step 1 of a client that has nothing yet: the server answers with the whole document. */
const syncStep1 = (documentName: string) =>
  frame(documentName, Sync, (encoder) => {
    encoding.writeVarUint(encoder, SyncStep1);
    encoding.writeVarUint8Array(encoder, Y.encodeStateVector(new Y.Doc()));
  });

/**
 * One editor's updates, each captured alone (text `t<i>` of `bytesEach`
 * characters): every one after the first starts at a clock only the ones
 * before it reach.
 */
function editorUpdates(count: number, bytesEach: number): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < count; i++) doc.getText(`t${i}`).insert(0, "x".repeat(bytesEach));
  return updates;
}

/** A raw client of one document that counts what the server answers. */
async function openClient(wsUrl: string, documentName: string) {
  const socket = await openRawSocket(wsUrl);
  const acknowledgments: number[] = [];
  let syncReplies = 0;
  socket.ws.on("message", (data: Buffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(data));
    decoding.readVarString(decoder);
    const type = decoding.readVarUint(decoder);
    if (type === SyncStatus) acknowledgments.push(decoding.readVarUint(decoder));
    if (type === Sync && decoding.readVarUint(decoder) === SyncStep2) syncReplies++;
  });
  socket.send(authFrame(documentName));
  const client = {
    socket,
    acknowledgments,
    send: (step: number, update: Uint8Array) => socket.send(syncFrame(documentName, step, update)),
    /**
     * Resolves once the server has handled everything sent before: it handles
     * a connection's messages in order, and answers a sync step 1 at once.
     */
    async roundTrip() {
      const expected = syncReplies + 1;
      socket.send(syncStep1(documentName));
      await waitFor(() => syncReplies >= expected || socket.ws.readyState !== socket.ws.OPEN, "a sync reply");
    },
  };
  // Opened and synced first, so that what follows is not mistaken for a flood before authentication.
  await client.roundTrip();
  return client;
}

describe("updates that can never apply are neither stored nor kept", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.closeAndDropSchema();
  });

  it("an editor sending 300 updates past a clock gap (32 KB each) is closed with 4400 and nothing of them is stored", async () => {
    // The first update, which all the others build on, is never sent.
    const [, ...gapped] = editorUpdates(301, 32 * 1024);
    const { socket, send } = await openClient(server.wsUrl, "spec/gap");
    for (const update of gapped) {
      if (socket.ws.readyState !== socket.ws.OPEN) break;
      send(SyncUpdate, update);
    }
    expect((await socket.closed).code).toBe(CloseCodes.MalformedMessage.code);
    expect(await metric(server.url, 'tandem_errors_total{code="unapplicable-update"}')).toBe(1);
    // Nothing of them was ever integrated, so nothing was stored: no log row, no document.
    expect(await storedInfo(server.schema, "spec/gap")).toBeNull();
  });

  it("an update that builds on what the same connection sends next waits for it; both are stored and acknowledged", async () => {
    // A provider back from offline: what it types now reaches the server before the sync step 2 that carries what it builds on.
    const [offline, typedNow] = editorUpdates(2, 10) as [Uint8Array, Uint8Array];
    const { socket, send, roundTrip, acknowledgments } = await openClient(server.wsUrl, "spec/offline");
    send(SyncUpdate, typedNow);
    await roundTrip();
    expect(acknowledgments).toEqual([]);
    send(SyncStep2, Y.mergeUpdates([offline, typedNow]));
    await waitFor(() => acknowledgments.length === 2, "both acknowledged");
    expect(acknowledgments).toEqual([1, 1]);
    const stored = await storedDoc(server.schema, "spec/offline");
    expect([stored.getText("t0").toString(), stored.getText("t1").toString()]).toEqual([
      "x".repeat(10),
      "x".repeat(10),
    ]);
    expect(stored.store.pendingStructs).toBeNull();
    socket.ws.close();
  });

  it("connections that each stay under their own cap cannot make a document hold more than 1 MiB pending", async () => {
    const closes: number[] = [];
    for (let editor = 0; editor < 6; editor++) {
      // 200 KiB from an editor of its own, past a gap: each connection stays under 256 KiB.
      const [, gapped] = editorUpdates(2, 200 * 1024) as [Uint8Array, Uint8Array];
      const client = await openClient(server.wsUrl, "spec/many-gaps");
      void client.socket.closed.then(({ code }) => closes.push(code));
      client.send(SyncUpdate, gapped);
      await client.roundTrip();
    }
    const document = server.server.hocuspocus?.documents.get("spec/many-gaps");
    const pending = (document?.store.pendingStructs?.update.length ?? 0) + (document?.store.pendingDs?.length ?? 0);
    expect(pending).toBeLessThanOrEqual(1024 * 1024);
    await waitFor(() => closes.includes(CloseCodes.MalformedMessage.code), "the connection that went over is closed");
    expect(await storedInfo(server.schema, "spec/many-gaps")).toBeNull();
  });
});
