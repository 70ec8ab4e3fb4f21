import { describe, expect, it } from "vitest";
import { FragmentPump, type OutboundMessage } from "./fragment-pump.js";

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A message of `bytes` bytes whose fragments are recorded as `name:length[:fin]`, with the turn they were written in. */
function message(name: string, bytes: number, log: string[], turn: { value: number }, open = () => true) {
  const done: string[] = [];
  const outbound: OutboundMessage = {
    data: new Uint8Array(bytes),
    write: (fragment, fin) => log.push(`${turn.value} ${name}:${fragment.byteLength}${fin ? ":fin" : ""}`),
    isOpen: open,
    done: () => done.push(name),
  };
  return { outbound, done };
}

describe("FragmentPump", () => {
  it("sends messages one after another, about its budget a turn, whole when they fit, and says when each is done", async () => {
    const pump = new FragmentPump(10, 20);
    const log: string[] = [];
    const turn = { value: 0 };
    const a = message("a", 25, log, turn);
    const b = message("b", 12, log, turn);
    const c = message("c", 15, log, turn);
    pump.send(a.outbound);
    pump.send(b.outbound);
    pump.send(c.outbound);
    expect(log).toEqual([]); // nothing in the turn that sent them
    for (turn.value = 1; turn.value <= 3; turn.value++) await nextTurn();
    // a is larger than a turn's budget: fragments. Its rest, then b, fit in the next turn: whole.
    // c does not fit in what is left (3): a fragment, past the budget; its rest next turn.
    expect(log).toEqual(["1 a:10", "1 a:10", "2 a:5:fin", "2 b:12:fin", "2 c:10", "3 c:5:fin"]);
    expect([...a.done, ...b.done, ...c.done]).toEqual(["a", "b", "c"]);
  });

  it("writes a message's head as a fragment of its own before its data", async () => {
    const pump = new FragmentPump(10, 20);
    const written: [number[], boolean][] = [];
    const done: string[] = [];
    pump.send({
      head: Uint8Array.of(1, 2, 3),
      data: Uint8Array.from({ length: 25 }, (_, i) => 10 + i),
      write: (fragment, fin) => written.push([[...fragment], fin]),
      isOpen: () => true,
      done: () => done.push("framed"),
    });
    for (let turn = 1; turn <= 3; turn++) await nextTurn();
    expect(written.map(([bytes, fin]) => `${bytes.length}${fin ? ":fin" : ""}`)).toEqual(["3", "10", "10", "5:fin"]);
    expect(written.flatMap(([bytes]) => bytes)).toEqual([1, 2, 3, ...Array.from({ length: 25 }, (_, i) => 10 + i)]);
    expect(done).toEqual(["framed"]);
  });

  it("drops the message of a socket that closed, and carries on with the others", async () => {
    const pump = new FragmentPump(10, 20);
    const log: string[] = [];
    const turn = { value: 0 };
    let open = true;
    const done: string[] = [];
    // Its socket closes after the first fragment.
    pump.send({
      data: new Uint8Array(30),
      write: (fragment) => {
        log.push(`closing:${fragment.byteLength}`);
        open = false;
      },
      isOpen: () => open,
      done: () => done.push("closing"),
    });
    const other = message("other", 30, log, turn);
    pump.send(other.outbound);
    for (turn.value = 1; turn.value <= 2; turn.value++) await nextTurn();
    expect(log).toEqual(["closing:10", "1 other:10", "2 other:20:fin"]);
    expect([...done, ...other.done]).toEqual(["closing", "other"]);
  });
});
