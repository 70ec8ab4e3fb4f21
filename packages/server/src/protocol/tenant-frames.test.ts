import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { describe, expect, it } from "vitest";
import { type Frame, MessageType } from "./frames.js";
import { readdress, SocketTenant, TooMuchBeforeTenant } from "./tenant-frames.js";

/** A message addressed to `address`, of `type`, with one trailing byte. */
function message(address: string, type: number = MessageType.Sync): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, address);
  encoding.writeVarUint(encoder, type);
  encoding.writeUint8(encoder, 42);
  return encoding.toUint8Array(encoder);
}

function addressOf(data: Uint8Array): string {
  return decoding.readVarString(decoding.createDecoder(data));
}

const update = (name: string) => ({ bytes: message(name), frame: { documentName: name, type: MessageType.Sync } });
const auth = (name: string, token: string) => ({
  bytes: message(name, MessageType.Auth),
  frame: { documentName: name, type: MessageType.Auth, token } satisfies Frame,
});

describe("readdress", () => {
  it("replaces the address and keeps the rest of the message", () => {
    const renamed = readdress(message("spec/1\0s1"), (address) => `acme!${address}`);
    expect(addressOf(renamed)).toBe("acme!spec/1\0s1");
    expect([...renamed.subarray(-2)]).toEqual([MessageType.Sync, 42]);
    const same = message("spec/1");
    expect(readdress(same, (address) => address)).toBe(same);
  });
});

describe("SocketTenant", () => {
  const limits = { bytes: 1000, messages: 3 };

  it("holds frames until the first token, then hands them on in order, scoped by its tenant", () => {
    const tenant = new SocketTenant(() => "acme", limits);
    expect(tenant.admit(update("spec/1"))).toEqual([]);
    expect(tenant.bytesHeld).toBeGreaterThan(0);
    const handed = tenant.admit(auth("spec/1", "token"));
    expect(handed.map(({ bytes }) => addressOf(bytes))).toEqual(["acme!spec/1", "acme!spec/1"]);
    expect(handed.map(({ frame }) => frame.type)).toEqual([MessageType.Sync, MessageType.Auth]);
    expect(tenant.bytesHeld).toBe(0);
    // The tenant stays the first token's, whatever a later one claims.
    expect(tenant.admit(auth("spec/2", "another")).map(({ bytes }) => addressOf(bytes))).toEqual(["acme!spec/2"]);
  });

  it("leaves the default tenant's names bare, and strips the tenant from what the server sends", () => {
    const plain = new SocketTenant(() => "default", limits);
    const frame = auth("spec/1", "token");
    expect(plain.admit(frame)[0]?.bytes).toBe(frame.bytes);
    const acme = new SocketTenant(() => "acme", limits);
    acme.admit(auth("spec/1", "token"));
    expect(addressOf(acme.outbound(message("acme!spec/1\0s1")))).toBe("spec/1\0s1");
    const noAddress = new Uint8Array([9]);
    expect(acme.outbound(noAddress)).toBe(noAddress);
  });

  it("refuses to hold more than Hocuspocus would queue before authentication", () => {
    const tenant = new SocketTenant(() => "acme", limits);
    for (let i = 0; i < 3; i++) tenant.admit(update(`spec/${i}`));
    expect(() => tenant.admit(update("spec/3"))).toThrow(TooMuchBeforeTenant);
    const big = new SocketTenant(() => "acme", { bytes: 10, messages: 100 });
    expect(() => big.admit(update("spec/a-name-longer-than-ten-bytes"))).toThrow(TooMuchBeforeTenant);
  });
});
