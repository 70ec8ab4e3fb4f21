// One storm of joining clients (see storm.ts), run in a thread of its own:
// its heap holds nothing but the storm's clients. On the generator's main
// thread, whose heap holds the replayed traces (over 100 MB), the 15 MB of
// answers a join storm reads set off a full garbage collection of all of it
// during most storms, 30–110 ms of the generator's core, and the time
// measured was the generator's. Here a full collection marks a few megabytes.
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { hocuspocusProtocol, type ProtocolName, yWebsocketProtocol } from "../wire/protocols.js";
import { Bot } from "./bot.js";
import { now } from "./clock.js";
import { withDeadline } from "./connect.js";
import { Samples } from "./samples.js";
import { linuxThreadId } from "./thread-id.js";

/** What a storm thread is asked. */
export interface StormRequest {
  readonly protocol: ProtocolName;
  readonly baseUrl: string;
  readonly documentName: string;
  readonly clients: number;
  /** Whether the storm is background load, not what is measured: its thread then runs at {@link BACKGROUND_NICE}. */
  readonly background: boolean;
}

/** A storm's outcome, as the thread reports it. */
export interface StormResult {
  readonly lastMs: number;
  readonly p50Ms: number;
  /** Size of the sync step 2 each joiner received. */
  readonly bytes: number;
}

/**
 * Nice level of a storm's thread when it is the background of what a
 * scenario measures (isolation): the lowest. Its clients stand for other
 * people's machines, but they share the generator's core with the clients
 * whose latency is measured, and reading what the server sends (an 8 MB
 * document for each of twenty joiners) took that core from them: their
 * sends' lag p99 rose from 1.1-2.1 ms quiet to 3.5-4.1 ms during an
 * isolation storm at the same priority, 3.0-3.6 ms at this one. A storm
 * that is itself measured (join storm) keeps the generator's priority.
 */
const BACKGROUND_NICE = 19;

const port = parentPort;
if (port === null) throw new Error("storm-thread.ts runs as a worker thread");

/**
 * Opens `clients` raw bots at once and waits until each has its sync step 2:
 * the whole document, as the server sends it. Bots do not apply it, so the
 * time is the server's (and the network's), not the generator's.
 */
async function storm({ protocol, baseUrl, documentName, clients }: StormRequest): Promise<StormResult> {
  const bots = Array.from(
    { length: clients },
    (_, i) =>
      new Bot({
        protocol: protocol === "y-websocket" ? yWebsocketProtocol : hocuspocusProtocol,
        baseUrl,
        documentName,
        name: `joiner ${i}`,
        skimsLargeMessages: true,
      }),
  );
  const started = now();
  try {
    await Promise.all(bots.map((bot) => bot.open()));
    await withDeadline(Promise.all(bots.map((bot) => bot.synced)), Date.now() + 120_000, `${clients} joiners to sync`);
    const times = new Samples();
    for (const bot of bots) times.add((bot.syncedAt ?? Number.NaN) - started);
    return { lastMs: times.percentile(100), p50Ms: times.percentile(50), bytes: bots[0]?.syncBytes ?? 0 };
  } finally {
    for (const bot of bots) bot.destroy();
  }
}

const request = workerData as StormRequest;
if (request.background) setPriority(linuxThreadId(), BACKGROUND_NICE);
storm(request).then(
  (result) => port.postMessage({ result }),
  (error: unknown) => port.postMessage({ error: error instanceof Error ? error.message : String(error) }),
);
