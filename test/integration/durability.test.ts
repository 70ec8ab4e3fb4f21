import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { type AcknowledgmentTracker, containsAll, trackAcknowledgments } from "../support/acknowledgments.js";
import { dropSchema, freshSchemaName, redisUrl } from "../support/postgres.js";
import { seededRandom, testSeed } from "../support/random.js";
import {
  type Client,
  connect,
  type ServerProcess,
  startServerProcess,
  storedDoc,
  synced,
} from "../support/server-harness.js";

// Seeded, and the seed is in each test's name: TEST_SEED=<n> replays a run.
const seed = testSeed();

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

/** A schema, and server processes and clients that are killed, destroyed and dropped after the suite. */
function killingStage(prefix: string) {
  const stage = { schema: freshSchemaName(prefix), processes: [] as ServerProcess[], clients: [] as Client[] };
  afterAll(async () => {
    for (const client of stage.clients) client.destroy();
    for (const process of stage.processes) process.child.kill("SIGKILL");
    await Promise.all(stage.processes.map((process) => process.exited));
    await dropSchema(stage.schema);
  });
  return stage;
}

describe("acknowledged means durable", () => {
  const { schema, processes } = killingStage("kill");

  it(`SIGKILL the moment the providers report synced loses no acknowledged edit (seed ${seed})`, async () => {
    const next = seededRandom(seed);
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

/** Connects `count` writers to `name`, each tracked from its first acknowledged sync on. */
async function trackedWriters(wsUrl: string, name: string, count: number) {
  const writers = Array.from({ length: count }, () => connect(wsUrl, name));
  await Promise.all(writers.map((writer) => writer.acknowledged()));
  return { writers, trackers: writers.map(trackAcknowledgments) };
}

/**
 * Random edits by random writers, a few to each event-loop turn or timer, so
 * that they interleave with deliveries, commits and acknowledgments; runs
 * `stop` synchronously right after edit number `stopAfter`.
 */
async function typeUntil(writers: Client[], next: () => number, stopAfter: number, stop: () => void): Promise<void> {
  for (let index = 1; index <= stopAfter; index++) {
    edit(writers[Math.floor(next() * writers.length)] as Client, index, next);
    if (index === stopAfter) stop();
    else if (next() < 0.3) await new Promise((resolve) => setTimeout(resolve, Math.floor(next() * 4)));
    else if (next() < 0.5) await new Promise((resolve) => setImmediate(resolve));
  }
}

const acknowledgedBy = (trackers: AcknowledgmentTracker[]) => trackers.flatMap((tracker) => tracker.acknowledged());

/**
 * At least this many kill rounds, and more (up to {@link MAX_KILL_ROUNDS})
 * until something was acknowledged before a kill: on a loaded machine every
 * kill of a seed (932184083) once came before the first acknowledgment, which
 * left the final check with nothing to check.
 */
const KILL_ROUNDS = 3;
const MAX_KILL_ROUNDS = 10;

/**
 * Servers killed at random moments of concurrent typing, one after another
 * on `stage`'s schema; everything acknowledged before each kill must be in
 * the next server's document and, at the end, in storage.
 */
async function killAtRandomMoments(stage: ReturnType<typeof killingStage>, runSeed: number): Promise<void> {
  const { schema, processes, clients } = stage;
  const next = seededRandom(runSeed);
  const acknowledged: Uint8Array[] = [];
  for (let round = 0; round < KILL_ROUNDS || (acknowledged.length === 0 && round < MAX_KILL_ROUNDS); round++) {
    const server = await startServerProcess({ DATABASE_SCHEMA: schema });
    processes.push(server);
    const { writers, trackers } = await trackedWriters(server.wsUrl, "spec/random-kill", 4);
    clients.push(...writers);
    // Everything acknowledged before every earlier kill came back.
    expect(containsAll(writers[0]?.doc as Y.Doc, acknowledged)).toBe(true);
    await typeUntil(writers, next, 20 + Math.floor(next() * 300), () => {
      server.child.kill("SIGKILL");
      acknowledged.push(...acknowledgedBy(trackers));
    });
    expect(await server.exited).toBe("SIGKILL");
    for (const writer of writers) writer.destroy();
  }
  expect(acknowledged.length).toBeGreaterThan(0);
  const stored = await storedDoc(schema, "spec/random-kill");
  expect(containsAll(stored, acknowledged)).toBe(true);
}

describe("SIGKILL at random moments", () => {
  const stage = killingStage("randomkill");
  const namedStage = killingStage("randomkill");

  it(`during concurrent typing loses nothing acknowledged, restart after restart (seed ${seed})`, () =>
    killAtRandomMoments(stage, seed));

  it("the same with seed 932184083, whose kills all once came before any acknowledgment", () =>
    killAtRandomMoments(namedStage, 932184083));
});

describe("two instances over Redis, one killed", () => {
  const { schema, processes, clients } = killingStage("killone");
  const redisPrefix = `tandem-test-${randomBytes(4).toString("hex")}`;

  it(`lose nothing acknowledged on either, and the survivor's clients converge (seed ${seed})`, async () => {
    const next = seededRandom(seed + 1);
    const env = { DATABASE_SCHEMA: schema, REDIS_URL: redisUrl, REDIS_PREFIX: redisPrefix };
    const doomed = await startServerProcess(env);
    const survivor = await startServerProcess(env);
    processes.push(doomed, survivor);
    const onDoomed = await trackedWriters(doomed.wsUrl, "spec/two", 2);
    const onSurvivor = await trackedWriters(survivor.wsUrl, "spec/two", 2);
    const writers = [...onDoomed.writers, ...onSurvivor.writers];
    clients.push(...writers);
    const acknowledged: Uint8Array[] = [];
    await typeUntil(writers, next, 40 + Math.floor(next() * 300), () => {
      doomed.child.kill("SIGKILL");
      acknowledged.push(...acknowledgedBy(onDoomed.trackers));
    });
    expect(await doomed.exited).toBe("SIGKILL");
    for (const writer of onDoomed.writers) writer.destroy();

    // The survivor's clients go on typing, and get everything acknowledged.
    const [first, second] = onSurvivor.writers as [Client, Client];
    await typeUntil(onSurvivor.writers, next, 50, () => {});
    await Promise.all(onSurvivor.writers.map((writer) => writer.acknowledged()));
    acknowledged.push(...acknowledgedBy(onSurvivor.trackers));
    expect(first.text.toString()).toBe(second.text.toString());

    // What either instance acknowledged is stored (and so is everything it was built on).
    const stored = await storedDoc(schema, "spec/two");
    expect(containsAll(stored, acknowledged)).toBe(true);
    expect(containsAll(stored, [Y.encodeStateAsUpdate(first.doc)])).toBe(true);
  });
});
