import { describe, expect, it } from "vitest";
import { TurnSlicer } from "./turn-slicer.js";

/** Resolves after the current event-loop turn (and its setImmediate callbacks scheduled so far) has ended. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

function slicer(perTurn: number, onDeliver?: (message: number) => void) {
  const delivered: number[] = [];
  const events: string[] = [];
  const instance = new TurnSlicer<number, string>(
    {
      perTurn,
      deliver: (subject, message) => {
        expect(subject).toBe("the socket");
        delivered.push(message);
        onDeliver?.(message);
      },
      pause: (subject) => events.push(`pause ${subject}`),
      resume: (subject) => events.push(`resume ${subject}`),
    },
    "the socket",
  );
  return { instance, delivered, events };
}

describe("TurnSlicer", () => {
  it("hands on at most perTurn messages a turn, in order, pausing while any wait", async () => {
    const { instance, delivered, events } = slicer(3);
    for (let message = 1; message <= 8; message++) instance.admit(message);
    expect(delivered).toEqual([1, 2, 3]);
    expect(events).toEqual(["pause the socket"]);
    await nextTurn();
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events).toEqual(["pause the socket"]);
    await nextTurn();
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(events).toEqual(["pause the socket", "resume the socket"]);
  });

  it("keeps a message that comes while others wait behind them, even when the turn has room", async () => {
    const { instance, delivered } = slicer(2);
    for (const message of [1, 2, 3]) instance.admit(message);
    await nextTurn(); // hands 3: this turn has room for one more
    instance.admit(4);
    expect(delivered).toEqual([1, 2, 3, 4]);
    instance.admit(5); // the turn is full: 5 waits
    expect(delivered).toEqual([1, 2, 3, 4]);
    await nextTurn();
    expect(delivered).toEqual([1, 2, 3, 4, 5]);
  });

  it("starts a fresh budget every turn", async () => {
    const { instance, delivered, events } = slicer(2);
    instance.admit(1);
    instance.admit(2);
    await nextTurn();
    instance.admit(3);
    instance.admit(4);
    expect(delivered).toEqual([1, 2, 3, 4]);
    expect(events).toEqual([]);
  });

  it("drops what waits once stopped, also when a delivery stops it", async () => {
    let stop = () => {};
    const { instance, delivered, events } = slicer(2, (message) => {
      if (message === 3) stop();
    });
    stop = () => instance.stop();
    for (let message = 1; message <= 6; message++) instance.admit(message);
    await nextTurn();
    await nextTurn();
    expect(delivered).toEqual([1, 2, 3]);
    expect(events).toEqual(["pause the socket"]);
    instance.admit(7);
    expect(delivered).toEqual([1, 2, 3]);
  });
});
