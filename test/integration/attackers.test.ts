import { connect as tcpConnect } from "node:net";
import { CloseCodes } from "@tandem/protocol";
import * as encoding from "lib0/encoding";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { authFrame, frame, openRawSocket, updateFrame } from "../support/raw-socket.js";
import {
  type Client,
  connect,
  metric,
  type RunningServer,
  startServer,
  storedDoc,
  storedText,
  synced,
} from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

const Awareness = 1;
const QueryAwareness = 3;
const BroadcastStateless = 6;

function validUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText("t").insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

/** Sends one raw HTTP request and resolves with the status line of the answer ("" if the server hangs up). */
function rawHttp(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(Number(port), hostname, () => socket.write(request));
    let response = "";
    socket.on("data", (chunk) => {
      response += chunk.toString();
      const end = response.indexOf("\r\n");
      if (end === -1) return;
      resolve(response.slice(0, end));
      socket.destroy();
    });
    socket.on("close", () => resolve(""));
    socket.on("error", reject);
  });
}

describe("raw WebSocket attackers get their documented close code; honest clients keep working", () => {
  let server: RunningServer;
  let honest: Client;
  let witness: Client;

  beforeAll(async () => {
    server = await startServer({ maxMessageBytes: 64 * 1024 });
    honest = connect(server.wsUrl, "spec/shared");
    witness = connect(server.wsUrl, "spec/shared");
    await Promise.all([synced(honest), synced(witness)]);
  });
  afterAll(async () => {
    honest.destroy();
    witness.destroy();
    await server.closeAndDropSchema();
  });

  async function expectClose(frames: (Uint8Array | string)[], code: number) {
    const socket = await openRawSocket(server.wsUrl);
    for (const data of frames) socket.send(data);
    expect((await socket.closed).code).toBe(code);
  }

  const malformed = CloseCodes.MalformedMessage.code;

  it("garbage bytes: 4400", () => expectClose([new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x01])], malformed));

  it("a text frame: 4400", () => expectClose(["hello"], malformed));

  it("a truncated update: 4400, and nothing of it is applied or stored", async () => {
    const update = validUpdate("an attacker's sentence of some length");
    await expectClose(
      [authFrame("spec/shared"), updateFrame("spec/shared", update.slice(0, update.length - 3))],
      malformed,
    );
    // The honest client's next edit is applied and stored after anything the attacker sent.
    honest.text.insert(0, "marker ");
    await honest.acknowledged();
    await waitFor(() => witness.text.toString().includes("marker"), "the witness sees the marker");
    expect(witness.text.toString()).not.toContain("attacker");
    expect(await storedText(server.schema, "spec/shared")).not.toContain("attacker");
  });

  it("an update that decodes but would throw half-way through applying: 4400, nothing applied or stored", async () => {
    // An item whose origin is a later item of its own client: Y.decodeUpdate
    // reads it, applyUpdate would throw part-way through. The frame guard runs
    // the store's full validation, so it never reaches the live document.
    const poison = new Uint8Array([1, 1, 7, 40, 0x84, 7, 45, 1, 97, 0]);
    expect(() => Y.decodeUpdate(poison)).not.toThrow();
    await expectClose([authFrame("spec/shared"), updateFrame("spec/shared", poison)], malformed);
    honest.text.insert(0, "after the poison ");
    await honest.acknowledged();
    await waitFor(() => witness.text.toString().startsWith("after the poison"), "the witness sees the edit");
    const stored = await storedDoc(server.schema, "spec/shared");
    expect(Y.encodeStateVector(stored)).toEqual(Y.encodeStateVector(honest.doc));
    expect(stored.getText("t").toString()).toBe(honest.text.toString());
  });

  it("an unknown message type: 4400", () => expectClose([frame("spec/shared", 42)], malformed));

  it("BroadcastStateless, which only servers may send: 4400", () =>
    expectClose(
      [frame("spec/shared", BroadcastStateless, (e) => encoding.writeVarString(e, "to everyone"))],
      malformed,
    ));

  it("an invalid document name: 4400", () => expectClose([frame("../../etc/passwd", QueryAwareness)], malformed));

  it("an over-long document name: 4400", () =>
    expectClose([frame(`spec/${"x".repeat(300)}`, QueryAwareness)], malformed));

  it("an awareness state that is not JSON: 4400", () =>
    expectClose(
      [
        authFrame("spec/shared"),
        frame("spec/shared", Awareness, (e) => {
          const inner = encoding.createEncoder();
          encoding.writeVarUint(inner, 1);
          encoding.writeVarUint(inner, 12345);
          encoding.writeVarUint(inner, 1);
          encoding.writeVarString(inner, "{");
          encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
        }),
      ],
      malformed,
    ));

  it("an oversized frame: 4413, refused from its header", () =>
    expectClose(
      [frame("spec/shared", QueryAwareness, (e) => encoding.writeUint8Array(e, new Uint8Array(128 * 1024)))],
      CloseCodes.MessageTooLarge.code,
    ));

  it("a message in more than 16,384 fragments: ws closes with 1008", async () => {
    const socket = await openRawSocket(server.wsUrl);
    const piece = new Uint8Array([0]);
    for (let i = 0; i < 16_385; i++) socket.ws.send(piece, { binary: true, fin: false });
    socket.ws.send(piece, { binary: true, fin: true });
    expect((await socket.closed).code).toBe(1008);
  });

  it("counts every close by code", async () => {
    expect(await metric(server.url, 'tandem_errors_total{code="4400"}')).toBeGreaterThanOrEqual(7);
    expect(await metric(server.url, 'tandem_errors_total{code="4413"}')).toBe(1);
    expect(await metric(server.url, 'tandem_errors_total{code="1008"}')).toBe(1);
  });

  it("after all that, honest clients still collaborate", async () => {
    honest.text.insert(honest.text.length, " still here");
    await honest.acknowledged();
    await waitFor(() => witness.text.toString() === honest.text.toString(), "the witness sees the edit");
    expect(witness.text.toString()).toContain("still here");
    expect(honest.closeCodes).toEqual([]);
    expect(witness.closeCodes).toEqual([]);
  });
});

describe("raw HTTP attackers", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.closeAndDropSchema();
  });

  it("odd request targets get an answer, not a crash (`new URL('//', base)` throws)", async () => {
    expect(await rawHttp(server.url, "GET // HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).toMatch(
      /^HTTP\/1\.1 [234]\d\d /,
    );
    expect(await rawHttp(server.url, "GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).toBe(
      "HTTP/1.1 400 Bad Request",
    );
    expect(await rawHttp(server.url, "GET /%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).toMatch(
      /^HTTP\/1\.1 [234]\d\d /,
    );
  });

  it("a WebSocket upgrade anywhere but /collab gets 404, a malformed one too", async () => {
    const upgrade = (target: string) =>
      rawHttp(
        server.url,
        `GET ${target} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
      );
    expect(await upgrade("/other")).toBe("HTTP/1.1 404 Not Found");
    expect(await upgrade("//")).toBe("HTTP/1.1 404 Not Found");
    expect(await upgrade("/collab")).toBe("HTTP/1.1 101 Switching Protocols");
  });

  it("and the server still answers", async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
