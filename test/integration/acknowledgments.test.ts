import { type AppendOptions, createPostgresStore, PersistenceError, type TandemStore } from "@tandem/persistence";
import { CloseCodes } from "@tandem/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { containsAll, trackAcknowledgments } from "../support/acknowledgments.js";
import { databaseUrl, dropSchema, freshSchemaName } from "../support/postgres.js";
import { seededRandom, testSeed } from "../support/random.js";
import { type Client, connect, type RunningServer, startServer, storedDoc } from "../support/server-harness.js";
import { waitFor } from "../support/wait.js";

/** Whether an update holds a struct of Yjs client `clientId`. */
const writtenBy = (update: Uint8Array, clientId: number) =>
  Y.decodeUpdate(update).structs.some((struct) => struct.id.client === clientId);

/**
 * A real Postgres store instrumented around its commits: `committed` holds
 * every update whose append has resolved, applied the moment it resolves
 * (before the server hears of it), an append can be held back and then
 * failed on purpose, and `watch.appending` hears each append as it starts.
 */
function instrumented(inner: TandemStore, latency: () => number) {
  const committed = new Y.Doc();
  const committedUpdates: Uint8Array[] = [];
  const watch: { appending?: (name: string) => void } = {};
  let trap: { readonly when: (update: Uint8Array) => boolean; readonly caught: (fail: () => void) => void } | undefined;
  const store: TandemStore = new Proxy(inner, {
    get(target, property) {
      if (property === "append") {
        return async (name: string, update: Uint8Array, options?: AppendOptions) => {
          watch.appending?.(name);
          if (trap?.when(update)) {
            const { caught } = trap;
            trap = undefined;
            await new Promise<void>((_, reject) =>
              caught(() => reject(new PersistenceError("unavailable", "injected append failure"))),
            );
          }
          // A database that takes its time, a different time for each append.
          const ms = latency();
          if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
          await target.append(name, update, options);
          Y.applyUpdate(committed, update);
          committedUpdates.push(update);
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return {
    store,
    committed,
    committedUpdates,
    watch,
    /** Holds back the next append `when` accepts; resolves with a function that fails it. */
    holdNext(when: (update: Uint8Array) => boolean): Promise<() => void> {
      return new Promise((resolve) => {
        trap = { when, caught: resolve };
      });
    },
  };
}

describe("acknowledge after commit, deliver before", () => {
  const schema = freshSchemaName("acks");
  const seed = testSeed();
  const next = seededRandom(seed);
  let inner: TandemStore;
  let instrumentation: ReturnType<typeof instrumented>;
  let server: RunningServer;
  const clients: Client[] = [];
  const open = (name: string) => {
    const client = connect(server.wsUrl, name);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    inner = await createPostgresStore({ connectionString: databaseUrl, schema });
    instrumentation = instrumented(inner, () => (next() < 0.5 ? 0 : Math.floor(next() * 15)));
    server = await startServer({ databaseSchema: schema, store: instrumentation.store });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await server.close();
    await inner.close();
    await dropSchema(schema);
  });

  it(`no acknowledgment arrives before the commit of its edit and of all it was built on (seed ${seed})`, async () => {
    const writers = [open("spec/order"), open("spec/order"), open("spec/order")];
    await Promise.all(writers.map((writer) => writer.acknowledged()));
    const early: string[] = [];
    for (const [w, writer] of writers.entries()) {
      const tracker = trackAcknowledgments(writer);
      // Everything the writer held when it sent each update: its own edit and what it had received.
      const heldWhenSent: Uint8Array[] = [];
      writer.doc.on("update", (_update: Uint8Array, origin: unknown) => {
        if (origin !== writer.provider) heldWhenSent.push(Y.encodeStateAsUpdate(writer.doc));
      });
      tracker.onAcknowledged((index) => {
        const held = heldWhenSent[index];
        if (held === undefined || !containsAll(instrumentation.committed, [held])) early.push(`writer ${w} #${index}`);
      });
    }
    // Each writer types on top of what the others typed, which reached it before its commit.
    for (let round = 0; round < 30; round++) {
      for (const writer of writers) {
        const at = Math.floor(next() * (writer.text.length + 1));
        writer.text.insert(at, `${round}${"abc"[Math.floor(next() * 3)]} `);
      }
      if (round % 10 === 9) await Promise.all(writers.map((writer) => writer.acknowledged()));
    }
    await Promise.all(writers.map((writer) => writer.acknowledged()));
    expect(early).toEqual([]);
    const [first, ...others] = writers as [Client, ...Client[]];
    for (const other of others) expect(other.text.toString()).toBe(first.text.toString());
    expect((await storedDoc(schema, "spec/order")).getText("t").toString()).toBe(first.text.toString());
  });

  it("starts an edit's commit before Hocuspocus gathers the edit for its broadcast", async () => {
    const writer = open("spec/first");
    const reader = open("spec/first");
    await Promise.all([writer.acknowledged(), reader.acknowledged()]);
    // What Hocuspocus has gathered for the broadcast at the end of this turn, as each append starts.
    const gathered: number[] = [];
    instrumentation.watch.appending = (name) => {
      const live = server.server.hocuspocus?.documents.get(name) as unknown as { pendingUpdates: unknown[] };
      gathered.push(live.pendingUpdates.length);
    };
    try {
      writer.text.insert(0, "first");
      await writer.acknowledged();
    } finally {
      instrumentation.watch.appending = undefined;
    }
    await waitFor(() => reader.text.toString() === "first", "the edit is delivered");
    // Nothing yet: the append, and so the turn's batch for the group commit, comes first (durable-log.ts).
    expect(gathered).toEqual([0]);
  });

  it("an append that fails after another client typed on top of it: the document resets, nothing built on it is acknowledged, and it ends converged and stored", async () => {
    const author = open("spec/reset");
    const builder = open("spec/reset");
    await Promise.all([author.acknowledged(), builder.acknowledged()]);
    author.text.insert(0, "kept. ");
    await author.acknowledged();
    await waitFor(() => builder.text.toString() === "kept. ", "the builder has the first edit");

    const failing = instrumentation.holdNext((update) => writtenBy(update, author.doc.clientID));
    author.text.insert(6, "lost unless resent. ");
    const fail = await failing;
    // Delivered before its commit: the builder sees it, and types on top of it.
    await waitFor(() => builder.text.toString() === "kept. lost unless resent. ", "delivered before the commit");
    builder.text.insert(builder.text.length, "built on top.");
    await waitFor(
      () => instrumentation.committedUpdates.some((update) => writtenBy(update, builder.doc.clientID)),
      "the builder's own append commits",
    );
    // Its acknowledgment waits for the append it builds on, which is still in flight.
    expect(builder.provider.hasUnsyncedChanges).toBe(true);
    expect(author.provider.hasUnsyncedChanges).toBe(true);

    fail();
    await waitFor(
      () =>
        author.closeCodes.includes(CloseCodes.StorageUnavailable.code) &&
        builder.closeCodes.includes(CloseCodes.StorageUnavailable.code),
      "the document's connections are closed with 4500",
    );
    // Both reconnect to the document loaded from the log and send back what it lacks.
    await Promise.all([author.acknowledged(), builder.acknowledged()]);
    const expected = "kept. lost unless resent. built on top.";
    await waitFor(() => author.text.toString() === expected && builder.text.toString() === expected, "converged");
    const stored = await storedDoc(schema, "spec/reset");
    expect(stored.getText("t").toString()).toBe(expected);
    // Everything stored applies: nothing waits for content the log lacks.
    expect(stored.store.pendingStructs).toBeNull();
    expect(stored.store.pendingDs).toBeNull();
  });
});
