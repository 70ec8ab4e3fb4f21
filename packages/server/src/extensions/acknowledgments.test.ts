import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { SocketSession } from "../protocol/socket-session.js";
import { AcknowledgmentLedger, isIntegrated } from "./acknowledgments.js";

const openSession = { isClosed: false } as SocketSession;

describe("AcknowledgmentLedger", () => {
  it("sends an acknowledgment once every append started before it has committed, whatever their order", () => {
    const ledger = new AcknowledgmentLedger();
    const sent: string[] = [];
    const first = ledger.begin();
    ledger.hold(() => sent.push("a")); // waits for first
    const second = ledger.begin();
    ledger.hold(() => sent.push("b")); // waits for first and second
    ledger.committed(second);
    expect(sent).toEqual([]);
    ledger.committed(first);
    expect(sent).toEqual(["a", "b"]);
    ledger.hold(() => sent.push("c")); // nothing in flight
    expect(sent).toEqual(["a", "b", "c"]);
  });

  it("an acknowledgment does not wait for appends that start after it", () => {
    const ledger = new AcknowledgmentLedger();
    const sent: string[] = [];
    const first = ledger.begin();
    ledger.hold(() => sent.push("a"));
    ledger.begin(); // still in flight
    ledger.committed(first);
    expect(sent).toEqual(["a"]);
  });

  it("never sends anything once discarded", () => {
    const ledger = new AcknowledgmentLedger();
    const sent: string[] = [];
    const append = ledger.begin();
    ledger.hold(() => sent.push("held"));
    ledger.discard(new Error("the append failed"));
    ledger.committed(append);
    ledger.hold(() => sent.push("later"));
    expect(sent).toEqual([]);
  });

  it("promises the commit of everything started so far, or rejects with why the ledger was discarded", async () => {
    const ledger = new AcknowledgmentLedger();
    const first = ledger.begin();
    const second = ledger.begin();
    let settled = false;
    const committed = ledger.whenCommitted().then(() => {
      settled = true;
    });
    ledger.committed(second);
    await Promise.resolve();
    expect(settled).toBe(false);
    ledger.committed(first);
    await committed;

    ledger.begin();
    const lost = ledger.whenCommitted();
    const failure = new Error("the append failed");
    ledger.discard(failure);
    await expect(lost).rejects.toBe(failure);
    await expect(ledger.whenCommitted()).rejects.toBe(failure);
  });

  it("holds the acknowledgment of an update that did not integrate until it does, then for its append", () => {
    const source = new Y.Doc();
    const updates: Uint8Array[] = [];
    source.on("update", (update: Uint8Array) => updates.push(update));
    source.getText("t").insert(0, "first");
    source.getText("t").insert(5, " second");
    const [first, second] = updates as [Uint8Array, Uint8Array];

    const live = new Y.Doc();
    const ledger = new AcknowledgmentLedger();
    const sent: string[] = [];
    Y.applyUpdate(live, second); // pending: it builds on the first
    const decoded = Y.decodeUpdate(second);
    expect(isIntegrated(decoded, live)).toBe(false);
    expect(ledger.holdUntilIntegrated(openSession, decoded, second.length, () => sent.push("second"))).toBe(
      second.length,
    );
    ledger.integrated(live);
    expect(sent).toEqual([]);

    Y.applyUpdate(live, first); // integrates both, and starts their append
    const append = ledger.begin();
    ledger.integrated(live);
    expect(sent).toEqual([]);
    ledger.committed(append);
    expect(sent).toEqual(["second"]);
  });
});
