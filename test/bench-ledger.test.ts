import { describe, expect, it } from "vitest";
import { DeliveryLedger, SharedSendTimes } from "../bench/src/load/ledger.js";

// The generator's bookkeeping decides every latency the benchmark reports;
// these check what the threaded generator relies on.
describe("the benchmark's delivery ledger", () => {
  const shared = () => ({
    updates: SharedSendTimes.create(1, 3, 8),
    presence: SharedSendTimes.create(1, 3, 8),
  });

  it("times a delivery sent on one thread's ledger and received on another's", () => {
    const memory = shared();
    const sender = new DeliveryLedger(memory);
    const receiver = new DeliveryLedger({
      updates: new SharedSendTimes(memory.updates.buffer, memory.updates.firstClient, memory.updates.clocks),
      presence: new SharedSendTimes(memory.presence.buffer, memory.presence.firstClient, memory.presence.clocks),
    });
    for (const ledger of [sender, receiver]) ledger.openWindow(100);
    sender.sent(2, 0, 50, 2, false); // warm-up: not counted
    sender.sent(2, 1, 110, 2, false);
    receiver.delivered(2, 0, 60);
    receiver.delivered(2, 1, 117);
    expect(receiver.delivery.values()).toEqual(Float64Array.of(7));
    expect(sender.counts.expectedDeliveries).toBe(2);
    expect(receiver.counts.deliveredInWindow).toBe(1);
  });

  it("counts a presence state the server replaced by a later one as seen with it, once", () => {
    const ledger = new DeliveryLedger(shared());
    ledger.openWindow(100);
    ledger.presenceSent(3, 1, 90);
    ledger.presenceSent(3, 2, 110);
    ledger.presenceSent(3, 3, 120);
    ledger.presenceSeen(3, 3, 130); // a batch that held only the latest state
    ledger.presenceSeen(3, 2, 140); // a late copy of a replaced one
    expect([...ledger.presence.values()].sort()).toEqual([10, 20]);
    expect(ledger.counts.presenceSentInWindow).toBe(2);
    expect(ledger.counts.presenceSeen).toBe(2);
  });

  it("refuses a send it has no room for rather than losing it", () => {
    const ledger = new DeliveryLedger(shared());
    expect(() => ledger.sent(2, 8, 0, 1, false)).toThrow(/no room/);
    expect(() => ledger.sent(4, 0, 0, 1, false)).toThrow(/no room/);
  });
});
