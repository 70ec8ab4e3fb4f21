import * as encoding from "lib0/encoding";
import { describe, expect, it } from "vitest";
import { Awareness, encodeAwarenessUpdate } from "y-protocols/awareness";
import * as Y from "yjs";
import {
  describeOutbound,
  holdsNothing,
  isAnsweredByTandem,
  isPong,
  isStandIn,
  MalformedFrame,
  MessageType,
  parseFrame,
  standIn,
} from "./frames.js";

function frame(address: string, type: number, body: (encoder: encoding.Encoder) => void = () => {}): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, address);
  encoding.writeVarUint(encoder, type);
  body(encoder);
  return encoding.toUint8Array(encoder);
}

function update(text = "hello"): Uint8Array {
  const doc = new Y.Doc();
  doc.getText("t").insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

const syncUpdate = (bytes: Uint8Array, address = "spec/1") =>
  frame(address, MessageType.Sync, (e) => {
    encoding.writeVarUint(e, 2);
    encoding.writeVarUint8Array(e, bytes);
  });

describe("parseFrame", () => {
  it("accepts what a provider sends, and tells sync steps apart", () => {
    const doc = new Y.Doc();
    const step1 = frame("spec/1", MessageType.Sync, (e) => {
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint8Array(e, Y.encodeStateVector(doc));
    });
    expect(parseFrame(step1)).toEqual({
      documentName: "spec/1",
      type: 0,
      sync: "step1",
      stateVector: Y.encodeStateVector(doc),
    });
    const bytes = update();
    const step2 = frame("spec/1", MessageType.Sync, (e) => {
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint8Array(e, bytes);
    });
    expect(parseFrame(step2)).toMatchObject({ sync: "step2", update: bytes });
    expect(parseFrame(syncUpdate(bytes))).toMatchObject({ sync: "update", update: bytes });
    const auth = frame("spec/1#comments\0abc123", MessageType.Auth, (e) => {
      encoding.writeVarUint(e, 0);
      encoding.writeVarString(e, "token");
      encoding.writeVarString(e, "4.8.0");
    });
    expect(parseFrame(auth)).toEqual({ documentName: "spec/1#comments", type: MessageType.Auth, token: "token" });
    expect(parseFrame(frame("spec/1", MessageType.Close)).type).toBe(MessageType.Close);
  });

  it("reports the states an awareness frame sets, parsed, with their clocks", () => {
    const doc = new Y.Doc();
    const awareness = new Awareness(doc);
    awareness.setLocalStateField("cursor", 3);
    awareness.setLocalStateField("cursor", 4);
    const bytes = frame("spec/1", MessageType.Awareness, (e) =>
      encoding.writeVarUint8Array(e, encodeAwarenessUpdate(awareness, [doc.clientID])),
    );
    expect(parseFrame(bytes).awareness).toEqual(new Map([[doc.clientID, { clock: 2, state: { cursor: 4 } }]]));
    awareness.destroy();
  });

  const malformed: [string, Uint8Array][] = [
    ["empty", new Uint8Array()],
    ["garbage", new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x01])],
    ["a bad document name", frame("../etc/passwd", MessageType.QueryAwareness)],
    ["an over-long document name", frame("a".repeat(201), MessageType.QueryAwareness)],
    ["a bad session id", frame("spec/1\0../x", MessageType.QueryAwareness)],
    ["an unknown message type", frame("spec/1", 42)],
    ["BroadcastStateless, which only servers send", frame("spec/1", 6, (e) => encoding.writeVarString(e, "x"))],
    ["an unknown sync step", frame("spec/1", MessageType.Sync, (e) => encoding.writeVarUint(e, 7))],
    ["a truncated update", syncUpdate(update("a longer text to truncate").slice(0, 12))],
    ["a sync message without its update", frame("spec/1", MessageType.Sync, (e) => encoding.writeVarUint(e, 2))],
    [
      "an awareness state that is not JSON",
      frame("spec/1", MessageType.Awareness, (e) => {
        const inner = encoding.createEncoder();
        encoding.writeVarUint(inner, 1);
        encoding.writeVarUint(inner, 1);
        encoding.writeVarUint(inner, 1);
        encoding.writeVarString(inner, "{not json");
        encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
      }),
    ],
    ["an auth message of an unknown kind", frame("spec/1", MessageType.Auth, (e) => encoding.writeVarUint(e, 1))],
  ];

  it.each(malformed)("refuses %s", (_what, bytes) => {
    expect(() => parseFrame(bytes)).toThrow(MalformedFrame);
  });
});

describe("helpers", () => {
  it("make a stand-in for a sync step 1 that keeps its address and asks for nothing", () => {
    const step1 = frame("spec/1\0abc123", MessageType.Sync, (e) => {
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint8Array(e, Y.encodeStateVector(new Y.Doc()));
    });
    expect(isAnsweredByTandem(parseFrame(step1))).toBe(true);
    const made = standIn(step1);
    expect(made).toEqual(frame("spec/1\0abc123", MessageType.QueryAwareness));
    expect(isStandIn(made)).toBe(true);
    expect(isStandIn(step1)).toBe(false);
  });

  it("answer a sync step 2 that holds nothing, and leave one that holds content to Hocuspocus", () => {
    const stepTwo = (bytes: Uint8Array) =>
      parseFrame(
        frame("spec/1", MessageType.Sync, (e) => {
          encoding.writeVarUint(e, 1);
          encoding.writeVarUint8Array(e, bytes);
        }),
      );
    const empty = stepTwo(Y.encodeStateAsUpdate(new Y.Doc()));
    expect(empty.decoded && holdsNothing(empty.decoded)).toBe(true);
    expect(isAnsweredByTandem(empty)).toBe(true);
    const content = stepTwo(update());
    expect(content.decoded && holdsNothing(content.decoded)).toBe(false);
    expect(isAnsweredByTandem(content)).toBe(false);
    // Deletions alone are content too: a rejoining client may send only what it deleted offline.
    const doc = new Y.Doc();
    doc.getText("t").insert(0, "ab");
    const before = Y.encodeStateVector(doc);
    doc.getText("t").delete(0, 1);
    const deletion = stepTwo(Y.encodeStateAsUpdate(doc, before));
    expect(deletion.decoded?.structs).toHaveLength(0);
    expect(isAnsweredByTandem(deletion)).toBe(false);
  });

  it("recognise a Pong, outbound updates and acknowledgments", () => {
    expect(isPong(new Uint8Array([10]))).toBe(true);
    expect(isPong(new Uint8Array([10, 0]))).toBe(false);
    expect(describeOutbound(syncUpdate(update()))).toEqual({ carriesUpdate: true });
    expect(describeOutbound(frame("spec/1", MessageType.QueryAwareness))).toEqual({ carriesUpdate: false });
    expect(describeOutbound(new Uint8Array([0xff]))).toEqual({ carriesUpdate: false });
    const syncStatus = (address: string, applied: number) =>
      frame(address, 8, (encoder) => encoding.writeVarUint(encoder, applied));
    expect(describeOutbound(syncStatus("spec/1\0session", 1))).toEqual({
      carriesUpdate: false,
      acknowledges: "spec/1\0session",
    });
    expect(describeOutbound(syncStatus("spec/1", 0))).toEqual({ carriesUpdate: false });
  });
});
