import { availableParallelism } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type { Contender } from "../contenders/index.js";
import type { ProtocolName } from "../wire/protocols.js";
import type { BotConfig } from "./bot.js";
import { now } from "./clock.js";
import { type LedgerCounts, SharedSendTimes } from "./ledger.js";
import {
  awaited,
  measureServer,
  type RateStepOptions,
  type RateStepResult,
  type SendSchedule,
  stepResult,
} from "./rate-step.js";
import { Samples } from "./samples.js";
import { typescriptWorker } from "./typescript-worker.js";

/** A bot's configuration as it crosses to a thread: its protocol by name. */
export type ThreadBotConfig = Omit<BotConfig, "protocol"> & { readonly protocol: ProtocolName };

interface SharedTimes {
  readonly buffer: SharedArrayBuffer;
  readonly firstClient: number;
  readonly clocks: number;
}

/** What the main thread asks a generator thread (generator-thread.ts). */
export type ThreadRequest =
  | {
      readonly kind: "connect";
      readonly configs: readonly ThreadBotConfig[];
      /** Bots of the document that receive each send (every thread's). */
      readonly receivers: number;
      readonly wave: number;
      /** Whether the last of `configs` is the document's presence observer. */
      readonly observer: boolean;
    }
  | { readonly kind: "presence" }
  | {
      readonly kind: "run";
      readonly schedule: SendSchedule;
      readonly updates: SharedTimes;
      readonly presence: SharedTimes;
    }
  | { readonly kind: "counts" }
  | { readonly kind: "finish" }
  | { readonly kind: "destroy" };

/** A generator thread's answers, by request. */
export type ThreadReply =
  | { readonly kind: "connected" }
  | { readonly kind: "done" }
  | {
      readonly kind: "sent";
      readonly sendsInWindow: number;
      readonly lag: Float64Array;
      readonly finishedAt: number;
      readonly cpuShare: number;
    }
  | { readonly kind: "counts"; readonly counts: LedgerCounts | null }
  | {
      readonly kind: "finished";
      readonly counts: LedgerCounts;
      readonly delivery: Float64Array;
      readonly ack: Float64Array;
      readonly presence: Float64Array;
      readonly disconnected: number;
    };

type ReplyTo<K extends ThreadReply["kind"]> = Extract<ThreadReply, { kind: K }>;

/** The first Yjs client id of a threaded run's bots: consecutive ids index the shared send times. */
const FIRST_CLIENT = 1;

/**
 * Every core of the machine. The server under test is pinned to core 0 and
 * the main generator thread to core 1 (run.ts), but one core cannot read what
 * a server sends to a thousand clients: the threads may use both, and, at a
 * lower priority than the server (nice 10), take from core 0 only what the
 * server leaves idle there.
 */
const cores = `0-${availableParallelism() - 1}`;

class GeneratorThread {
  private readonly worker = typescriptWorker(new URL("./generator-thread.ts", import.meta.url), { cores });
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(reply: ThreadReply): void; reject(error: Error): void }>();

  constructor() {
    this.worker.on("message", (message: { id: number; reply?: ThreadReply; error?: string }) => {
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) waiting?.reject(new Error(`generator thread: ${message.error}`));
      else if (message.reply) waiting?.resolve(message.reply);
    });
    this.worker.on("error", (error) => this.failAll(error));
    this.worker.on("exit", (code) => this.failAll(new Error(`generator thread exited with ${code}`)));
  }

  ask<K extends ThreadReply["kind"]>(request: ThreadRequest, expected: K): Promise<ReplyTo<K>> {
    const id = this.nextId++;
    return new Promise<ThreadReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, request });
    }).then((reply) => {
      if (reply.kind !== expected) throw new Error(`generator thread answered ${reply.kind}, not ${expected}`);
      return reply as ReplyTo<K>;
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}

/**
 * A load generator of several threads, one per core, for loads one thread
 * cannot generate: a thousand clients each reading every presence update, or
 * five hundred each reading every keystroke. Each thread holds a share of the
 * bots (their sockets and everything they receive) and sends its share of the
 * open-loop schedule; send times live in memory they all share, on one clock,
 * so a delivery is timed whichever thread sent it. Every contender meets the
 * same generator.
 */
export class GeneratorThreads {
  private constructor(
    private readonly threads: readonly GeneratorThread[],
    private readonly senders: readonly number[],
    private readonly observed: boolean,
  ) {}

  /**
   * Connects `configs` (one document's bots; with `observer`, the last one
   * only watches presence) spread over the threads, at most `wave` joining at
   * a time in all.
   */
  static async connect(configs: readonly BotConfig[], observer: boolean, wave: number): Promise<GeneratorThreads> {
    const count = Math.min(availableParallelism(), configs.length);
    const threads = Array.from({ length: count }, () => new GeneratorThread());
    const shares: ThreadBotConfig[][] = threads.map(() => []);
    configs.forEach(({ protocol, ...config }, index) => {
      // The observer goes to the last thread, so that it ends that thread's list.
      const thread = observer && index === configs.length - 1 ? count - 1 : index % count;
      shares[thread]?.push({ ...config, protocol: protocol.name, clientID: FIRST_CLIENT + index });
    });
    const generator = new GeneratorThreads(
      threads,
      shares.map((share, thread) => share.length - (observer && thread === count - 1 ? 1 : 0)),
      observer,
    );
    try {
      await Promise.all(
        threads.map((thread, index) =>
          thread.ask(
            {
              kind: "connect",
              configs: shares[index] ?? [],
              receivers: configs.length - 1,
              wave: Math.max(1, Math.floor(wave / count)),
              observer: observer && index === count - 1,
            },
            "connected",
          ),
        ),
      );
    } catch (error) {
      await generator.destroy();
      throw error;
    }
    return generator;
  }

  /** Every sending bot publishes its presence once. */
  async publishPresence(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.ask({ kind: "presence" }, "done")));
  }

  /** One step at `options.rate` in all, measured as {@link runRateStep} measures one. */
  async runStep(contender: Contender, options: RateStepOptions): Promise<RateStepResult> {
    const totalSenders = this.senders.reduce((sum, count) => sum + count, 0);
    const bots = totalSenders + (this.observed ? 1 : 0);
    // Each bot's sends in the step, and room for those before it (its first presence, say).
    const clocks = Math.ceil(((options.rate / totalSenders) * (options.warmupMs + options.measureMs)) / 1000) * 2 + 64;
    const updates = SharedSendTimes.create(FIRST_CLIENT, bots, clocks);
    const presence = SharedSendTimes.create(FIRST_CLIENT, bots, clocks);
    // Far enough ahead for every thread to have its schedule before the first send is due.
    const start = now() + 100;
    const windowStart = start + options.warmupMs;
    const windowEnd = windowStart + options.measureMs;
    const sent = Promise.all(
      this.threads.map((thread, index) =>
        thread.ask(
          {
            kind: "run",
            schedule: {
              rate: (options.rate * (this.senders[index] ?? 0)) / totalSenders,
              start,
              windowStart,
              windowEnd,
              sends: options.sends,
              phase: index / this.threads.length,
            },
            updates: { buffer: updates.buffer, firstClient: FIRST_CLIENT, clocks },
            presence: { buffer: presence.buffer, firstClient: FIRST_CLIENT, clocks },
          },
          "sent",
        ),
      ),
    );
    const server = await measureServer(
      contender,
      windowStart,
      sent.then((replies) => Math.max(...replies.map((reply) => reply.finishedAt))),
      options.onWindowOpen,
    );
    const sends = await sent;
    const drainDeadline = now() + options.drainMs;
    while (now() < drainDeadline && awaited({ counts: await this.counts(), observed: this.observed })) await sleep(20);
    const finished = await Promise.all(this.threads.map((thread) => thread.ask({ kind: "finish" }, "finished")));
    const samples = (pick: (reply: ReplyTo<"finished">) => Float64Array) => {
      const merged = new Samples();
      for (const reply of finished) merged.addAll(pick(reply));
      return merged;
    };
    const lag = new Samples();
    for (const reply of sends) lag.addAll(reply.lag);
    return stepResult(options.rate, server, {
      counts: sum(finished.map((reply) => reply.counts)),
      delivery: samples((reply) => reply.delivery),
      ack: samples((reply) => reply.ack),
      presence: samples((reply) => reply.presence),
      lag,
      sendsInWindow: sends.reduce((total, reply) => total + reply.sendsInWindow, 0),
      generatorCpuShare: Math.max(...sends.map((reply) => reply.cpuShare)),
      disconnected: finished.reduce((total, reply) => total + reply.disconnected, 0),
      observed: this.observed,
    });
  }

  /** Closes every bot and ends the threads. */
  async destroy(): Promise<void> {
    await Promise.allSettled(this.threads.map((thread) => thread.ask({ kind: "destroy" }, "done")));
    await Promise.allSettled(this.threads.map((thread) => thread.terminate()));
  }

  private async counts(): Promise<LedgerCounts> {
    const replies = await Promise.all(this.threads.map((thread) => thread.ask({ kind: "counts" }, "counts")));
    return sum(replies.map((reply) => reply.counts));
  }
}

function sum(counts: readonly (LedgerCounts | null)[]): LedgerCounts {
  const total: LedgerCounts = {
    sentInWindow: 0,
    expectedDeliveries: 0,
    deliveredInWindow: 0,
    expectedAcks: 0,
    acks: 0,
    presenceSentInWindow: 0,
    presenceSeen: 0,
  };
  for (const each of counts) {
    if (each === null) continue;
    for (const key of Object.keys(total) as (keyof LedgerCounts)[]) total[key] += each[key];
  }
  return total;
}
