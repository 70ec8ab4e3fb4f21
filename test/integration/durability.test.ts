import { afterAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { dropSchema, freshSchemaName } from "../support/postgres.js";
import { type Client, connect, type ServerProcess, startServerProcess, synced } from "../support/server-harness.js";

// Seeded, and the seed is in the test's name: TEST_SEED=<n> replays a run.
const seed = Number(process.env.TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** mulberry32: a small seeded PRNG, so a failing run can be replayed. */
function random(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** One random edit: mostly inserts of a short word, sometimes a deletion. */
function edit(writer: Client, index: number, next: () => number): void {
  const { text } = writer;
  if (text.length > 10 && next() < 0.25) {
    const at = Math.floor(next() * (text.length - 3));
    text.delete(at, 1 + Math.floor(next() * 3));
  } else {
    text.insert(Math.floor(next() * (text.length + 1)), `w${index}.${Math.floor(next() * 1000)} `);
  }
}

/**
 * Resolves right after every client reports no unsynced changes, having run
 * `then` synchronously in that very event handler: no timer, no poll between
 * the acknowledgment and `then`.
 */
function whenAllAcknowledged(clients: Client[], then: () => void): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (clients.some((client) => client.provider.hasUnsyncedChanges)) return;
      for (const client of clients) client.provider.off("unsyncedChanges", check);
      then();
      resolve();
    };
    for (const client of clients) client.provider.on("unsyncedChanges", check);
    check();
  });
}

describe("acknowledged means durable", () => {
  const schema = freshSchemaName("kill");
  const processes: ServerProcess[] = [];
  afterAll(async () => {
    for (const process of processes) process.child.kill("SIGKILL");
    await Promise.all(processes.map((process) => process.exited));
    await dropSchema(schema);
  });

  it(`SIGKILL the moment the providers report synced loses no acknowledged edit (seed ${seed})`, async () => {
    const next = random(seed);
    const first = await startServerProcess({ DATABASE_SCHEMA: schema });
    processes.push(first);
    const writers = [0, 1, 2, 3].map(() => connect(first.wsUrl, "spec/durable"));
    await Promise.all(writers.map(synced));

    // 4 writers × 40 rounds × 5 edits, each edit its own update message; the
    // rounds wait for acknowledgments so that the edits interleave with commits.
    for (let round = 0; round < 40; round++) {
      writers.forEach((writer, index) => {
        for (let i = 0; i < 5; i++) edit(writer, index, next);
      });
      if (round % 10 === 9) await whenAllAcknowledged(writers, () => {});
    }
    let acknowledged: Uint8Array | undefined;
    await whenAllAcknowledged(writers, () => {
      // Kill first, in the same tick as the last acknowledgment, then take stock.
      first.child.kill("SIGKILL");
      acknowledged = Y.mergeUpdates(writers.map((writer) => Y.encodeStateAsUpdate(writer.doc)));
    });
    expect(await first.exited).toBe("SIGKILL");
    for (const writer of writers) writer.destroy();

    const second = await startServerProcess({ DATABASE_SCHEMA: schema });
    processes.push(second);
    const reader = connect(second.wsUrl, "spec/durable");
    await synced(reader);
    const expected = new Y.Doc();
    Y.applyUpdate(expected, acknowledged as Uint8Array);
    expect(reader.text.length).toBeGreaterThan(0);
    // Nothing else was sent, so the restored document is exactly what was acknowledged.
    expect(reader.text.toString()).toBe(expected.getText("t").toString());
    expect(Y.encodeStateVector(reader.doc)).toEqual(Y.encodeStateVector(expected));
    reader.destroy();
  });
});
