import { describe, expect, it } from "vitest";
import { Encoding } from "./encoding.js";
import { packUpdates, transferablesOf, unpackUpdates } from "./packed-updates.js";

describe("packed updates", () => {
  it("give back every row's bytes, encoding, author and acceptor, empty rows included, without touching the rows", () => {
    const rows = [
      { data: new Uint8Array([1, 2, 3]), encoding: Encoding.V1, author: "ada", acceptedBy: "grace" },
      { data: new Uint8Array(), encoding: Encoding.V2, author: null },
      { data: new Uint8Array([4]), encoding: Encoding.V2 },
      { data: new Uint8Array([9, 8, 7, 6, 5]).subarray(1, 3), encoding: Encoding.V1, author: "bob", acceptedBy: "cy" },
    ];
    const packed = packUpdates(rows);
    expect(unpackUpdates(packed)).toEqual([
      { data: new Uint8Array([1, 2, 3]), encoding: Encoding.V1, author: "ada", acceptedBy: "grace" },
      { data: new Uint8Array(), encoding: Encoding.V2, author: null, acceptedBy: null },
      { data: new Uint8Array([4]), encoding: Encoding.V2, author: null, acceptedBy: null },
      { data: new Uint8Array([8, 7]), encoding: Encoding.V1, author: "bob", acceptedBy: "cy" },
    ]);
    expect(rows[3]?.data).toEqual(new Uint8Array([8, 7]));
  });

  it("travel in three buffers however many rows there are", () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ data: new Uint8Array([i % 256]), encoding: Encoding.V1 }));
    const packed = packUpdates(rows);
    expect(transferablesOf(packed)).toHaveLength(3);
    expect(unpackUpdates(structuredClone(packed, { transfer: transferablesOf(packed) }))).toHaveLength(10_000);
  });
});
