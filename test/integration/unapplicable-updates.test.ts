import { CloseCodes } from "@tandem/protocol";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { dropSchema } from "../support/postgres.js";
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

describe("updates that can never apply are neither stored nor kept", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.close();
    await dropSchema(server.schema);
  });

  it("an editor sending 300 updates past a clock gap (32 KB each) is closed with 4400 and nothing of them is stored", async () => {
    // The first update, which all the others build on, is never sent.
    const [, ...gapped] = editorUpdates(301, 32 * 1024);
    const socket = await openRawSocket(server.wsUrl);
    // Opened and synced first, so that this is not mistaken for a flood before authentication.
    const synced = new Promise<void>((resolve) =>
      socket.ws.on("message", (data: Buffer) => {
        const decoder = decoding.createDecoder(new Uint8Array(data));
        decoding.readVarString(decoder);
        if (decoding.readVarUint(decoder) === Sync && decoding.readVarUint(decoder) === SyncStep2) resolve();
      }),
    );
    socket.send(authFrame("spec/gap"));
    socket.send(syncStep1("spec/gap"));
    await synced;
    for (const update of gapped) {
      if (socket.ws.readyState !== socket.ws.OPEN) break;
      socket.send(syncFrame("spec/gap", SyncUpdate, update));
    }
    expect((await socket.closed).code).toBe(CloseCodes.MalformedMessage.code);
    expect(await metric(server.url, 'tandem_errors_total{code="unapplicable-update"}')).toBe(1);
    // Nothing of them was ever integrated, so nothing was stored: no log row, no document.
    expect(await storedInfo(server.schema, "spec/gap")).toBeNull();
  });

  it("an update that builds on what the same connection sends next waits for it; both are stored and acknowledged", async () => {
    // A provider back from offline: what it types now reaches the server before the sync step 2 that carries what it builds on.
    const [offline, typedNow] = editorUpdates(2, 10) as [Uint8Array, Uint8Array];
    const socket = await openRawSocket(server.wsUrl);
    const acknowledgments: number[] = [];
    let syncReplies = 0;
    socket.ws.on("message", (data: Buffer) => {
      const decoder = decoding.createDecoder(new Uint8Array(data));
      decoding.readVarString(decoder);
      const type = decoding.readVarUint(decoder);
      if (type === SyncStatus) acknowledgments.push(decoding.readVarUint(decoder));
      if (type === Sync && decoding.readVarUint(decoder) === SyncStep2) syncReplies++;
    });
    socket.send(authFrame("spec/offline"));
    socket.send(syncFrame("spec/offline", SyncUpdate, typedNow));
    // The server handles a connection's messages in order: once it answers this, it has handled the update.
    socket.send(syncStep1("spec/offline"));
    await waitFor(() => syncReplies === 1, "the answer to the sync step 1");
    expect(acknowledgments).toEqual([]);
    socket.send(syncFrame("spec/offline", SyncStep2, Y.mergeUpdates([offline, typedNow])));
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
});
