import { CloseCodes } from "@tandem/protocol";
import * as encoding from "lib0/encoding";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { dropSchema } from "../support/postgres.js";
import { frame, openRawSocket } from "../support/raw-socket.js";
import { type Client, connect, type RunningServer, startServer, synced } from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

const Sync = 0;
const Auth = 2;
const QueryAwareness = 3;
const SyncUpdate = 2;

function validUpdate(): Uint8Array {
  const doc = new Y.Doc();
  doc.getText("t").insert(0, "an honest sentence of some length");
  return Y.encodeStateAsUpdate(doc);
}

function authFrame(documentName: string): Uint8Array {
  return frame(documentName, Auth, (encoder) => {
    encoding.writeVarUint(encoder, 0);
    encoding.writeVarString(encoder, "");
  });
}

describe("raw WebSocket attackers get their documented close code; others keep working", () => {
  let server: RunningServer;
  let honest: Client;
  let witness: Client;

  beforeAll(async () => {
    server = await startServer({ maxMessageBytes: 64 * 1024, maxMessagesPerSecond: 50 });
    honest = connect(server.wsUrl, "spec/shared");
    witness = connect(server.wsUrl, "spec/shared");
    await Promise.all([synced(honest), synced(witness)]);
  });
  afterAll(async () => {
    honest.destroy();
    witness.destroy();
    await server.close();
    await dropSchema(server.schema);
  });

  async function expectClose(frames: (Uint8Array | string)[], code: number) {
    const socket = await openRawSocket(server.wsUrl);
    for (const data of frames) socket.send(data);
    expect((await socket.closed).code).toBe(code);
  }

  it("garbage bytes: 4400", () => expectClose([new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x01])], 4400));

  it("a text frame: 4400", () => expectClose(["hello"], 4400));

  it("a truncated update: 4400, and nothing of it is applied", async () => {
    const update = validUpdate();
    const truncated = update.slice(0, Math.floor(update.length / 2));
    await expectClose(
      [
        authFrame("spec/shared"),
        frame("spec/shared", Sync, (encoder) => {
          encoding.writeVarUint(encoder, SyncUpdate);
          encoding.writeVarUint8Array(encoder, truncated);
        }),
      ],
      4400,
    );
    expect(honest.text.toString()).not.toContain("honest");
  });

  it("an unknown message type: 4400", () => expectClose([frame("spec/shared", 42)], 4400));

  it("an invalid document name: 4400", () => expectClose([frame("../../etc/passwd", QueryAwareness)], 4400));

  it("an oversized frame: 1009, refused before it is buffered", () =>
    expectClose(
      [frame("spec/shared", QueryAwareness, (e) => encoding.writeUint8Array(e, new Uint8Array(128 * 1024)))],
      CloseCodes.MessageTooLarge.code,
    ));

  it("a flood beyond the rate limit: 4429", () =>
    expectClose(
      Array.from({ length: 500 }, () => frame("spec/flood", QueryAwareness)),
      CloseCodes.RateLimited.code,
    ));

  it("after all that, honest clients still collaborate", async () => {
    honest.text.insert(0, "still here");
    await honest.acknowledged();
    await waitFor(() => witness.text.toString() === "still here", "the witness sees the edit");
    expect(honest.closeCodes).toEqual([]);
  });
});
