// One thread of a threaded load generator (see generator-threads.ts): it
// holds its share of the bots, sends its share of the schedule, and records
// into a ledger whose send times every thread shares.
import { execFileSync } from "node:child_process";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { threadCpuMicros } from "../measure/process.js";
import { hocuspocusProtocol, yWebsocketProtocol } from "../wire/protocols.js";
import type { Bot } from "./bot.js";
import { now } from "./clock.js";
import { connectBots } from "./connect.js";
import type { ThreadReply, ThreadRequest } from "./generator-threads.js";
import { DeliveryLedger, SharedSendTimes } from "./ledger.js";
import { sendOnSchedule } from "./rate-step.js";
import { linuxThreadId } from "./thread-id.js";

/** Nice level of a generator thread: the server under test (nice 0) wins a core they share. */
const GENERATOR_NICE = 10;

const port = parentPort;
if (port === null) throw new Error("generator-thread.ts runs as a worker thread");

// Placement (see generator-threads.ts): this thread's own, since threads start on their creator's cores;
// and a lower priority than the server's, so that on core 0 it takes only what the server leaves idle.
const tid = linuxThreadId();
execFileSync("taskset", ["-cp", (workerData as { cores: string }).cores, String(tid)], { stdio: "ignore" });
setPriority(tid, GENERATOR_NICE);

let bots: Bot[] = [];
let senders: Bot[] = [];
let ledger: DeliveryLedger | undefined;

async function handle(request: ThreadRequest): Promise<ThreadReply> {
  switch (request.kind) {
    case "connect": {
      bots = await connectBots(
        request.configs.map(({ protocol, ...config }) => ({
          ...config,
          protocol: protocol === "y-websocket" ? yWebsocketProtocol : hocuspocusProtocol,
        })),
        request.wave,
      );
      for (const bot of bots) bot.receivers = request.receivers;
      const observer = request.observer ? bots.at(-1) : undefined;
      if (observer) observer.observesPresence = true;
      senders = observer ? bots.slice(0, -1) : bots;
      return { kind: "connected" };
    }
    case "presence":
      for (const bot of senders) bot.sendAwareness();
      return { kind: "done" };
    case "run": {
      const { schedule, updates, presence } = request;
      ledger = new DeliveryLedger({
        updates: new SharedSendTimes(updates.buffer, updates.firstClient, updates.clocks),
        presence: new SharedSendTimes(presence.buffer, presence.firstClient, presence.clocks),
      });
      // Sends stop at the window's end: the window stays open for deliveries of the late ones from any thread.
      ledger.openWindow(schedule.windowStart);
      for (const bot of bots) bot.ledger = ledger;
      let cpuBefore = Number.NaN;
      let openedAt = Number.NaN;
      setTimeout(
        () => {
          cpuBefore = threadCpuMicros();
          openedAt = now();
        },
        Math.max(0, schedule.windowStart - now()),
      );
      const { sendsInWindow, lag, finishedAt } = await sendOnSchedule(senders, schedule);
      const cpuShare = (threadCpuMicros() - cpuBefore) / 1000 / (Math.max(finishedAt, now()) - openedAt);
      return { kind: "sent", sendsInWindow, lag: lag.values(), finishedAt, cpuShare };
    }
    case "counts":
      return { kind: "counts", counts: ledger?.counts ?? null };
    case "finish": {
      for (const bot of bots) bot.ledger = undefined;
      const finished = ledger;
      ledger = undefined;
      if (finished === undefined) throw new Error("finish before run");
      return {
        kind: "finished",
        counts: finished.counts,
        delivery: finished.delivery.values(),
        ack: finished.ack.values(),
        presence: finished.presence.values(),
        disconnected: bots.filter((bot) => bot.closeCode !== undefined).length,
      };
    }
    case "destroy":
      for (const bot of bots) bot.destroy();
      bots = [];
      senders = [];
      return { kind: "done" };
  }
}

port.on("message", (message: { id: number; request: ThreadRequest }) => {
  handle(message.request).then(
    (reply) => port.postMessage({ id: message.id, reply }),
    (error: unknown) =>
      port.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
