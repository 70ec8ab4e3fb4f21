import { setTimeout as sleep } from "node:timers/promises";
import type { Contender } from "../contenders/index.js";
import { cpuMicros, memory, ownCpuMicros, postgresCpuMicros } from "../measure/process.js";
import type { Bot } from "./bot.js";
import { now } from "./clock.js";
import { DeliveryLedger, type LedgerCounts } from "./ledger.js";
import { type LatencySummary, Samples, summarize } from "./samples.js";

/** One step of load at a fixed rate. */
export interface RateStepOptions {
  /** Updates per second, all bots together, spread evenly over them. */
  readonly rate: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  /** How long to wait after the window for late deliveries before counting them missing. */
  readonly drainMs: number;
  /**
   * What each scheduled send is: a keystroke; a keystroke and a presence
   * (cursor) update, as an editor with cursors sends; or a cursor move alone.
   */
  readonly sends: "keystroke" | "keystroke+cursor" | "cursor";
  /** Called when the measurement window opens (to start something the window measures). */
  readonly onWindowOpen?: () => void;
}

/** What one step measured. */
export interface RateStepResult {
  readonly offeredRate: number;
  /** Sends per second in the window (below `offeredRate` when the generator lagged). */
  readonly sentRate: number;
  /** Updates delivered to other clients per second (fan-out included). */
  readonly deliveriesPerSecond: number;
  readonly delivery: LatencySummary;
  /** Acknowledgment latency (Hocuspocus protocol only). */
  readonly ack: LatencySummary | undefined;
  /** Presence latency, as the bots that observe presence saw it (none: undefined). */
  readonly presence: LatencySummary | undefined;
  /** Server CPU per send (a keystroke, or a cursor move where only cursors move). */
  readonly serverCpuMicrosPerUpdate: number;
  /** The server's CPU use over the window, as a share of one core. */
  readonly serverCpuShare: number;
  /** Every Postgres process's CPU per update over the window (machine-wide). */
  readonly postgresCpuMicrosPerUpdate: number;
  readonly serverRssBytes: number;
  readonly serverPeakRssBytes: number;
  /**
   * The generator's CPU use over the window, as a share of one core: near 1
   * means it was saturated. A generator of several threads reports its
   * busiest one.
   */
  readonly generatorCpuShare: number;
  /** How late the generator sent, p99 (ms): the open-loop schedule against the actual send. */
  readonly generatorLagP99: number;
  /** Bots the server disconnected during the step. */
  readonly disconnected: number;
}

/** One generator thread's part of a step's schedule, on the clock of {@link now}. */
export interface SendSchedule {
  /** This thread's sends per second. */
  readonly rate: number;
  readonly start: number;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly sends: RateStepOptions["sends"];
  /** Where this thread's sends fall in its interval (0 to 1), so that threads take turns. */
  readonly phase: number;
}

/** What one thread's sending did in the window. */
export interface SendOutcome {
  /** Sends due in the window (all are sent, late if the generator lagged). */
  readonly sendsInWindow: number;
  /** How late each of them left (ms). */
  readonly lag: Samples;
  /** When the last of them left. */
  readonly finishedAt: number;
}

/**
 * Drives `bots` open-loop: send i is due at start + (i + phase) / rate,
 * whatever the server does, so a slow server shows as latency instead of
 * silently slowing the load (no coordinated omission). A generator that falls
 * behind catches up in a burst, and its lag is recorded.
 */
export function sendOnSchedule(bots: readonly Bot[], schedule: SendSchedule): Promise<SendOutcome> {
  const { start, windowStart, windowEnd } = schedule;
  const interval = 1000 / schedule.rate;
  const typing = schedule.sends !== "cursor";
  const cursors = schedule.sends !== "keystroke";
  const lag = new Samples();
  let index = 0;
  let due = start + schedule.phase * interval;
  let sendsInWindow = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const at = now();
      while (due <= at && due < windowEnd) {
        const bot = bots[index % bots.length] as Bot;
        if (typing) bot.type();
        if (cursors) bot.sendAwareness();
        if (due >= windowStart) {
          lag.add(at - due);
          sendsInWindow++;
        }
        index++;
        due = start + (index + schedule.phase) * interval;
      }
      if (due >= windowEnd) resolve({ sendsInWindow, lag, finishedAt: now() });
      else setTimeout(tick, Math.max(0, due - now()));
    };
    tick();
  });
}

/** What the generator side of a step hands over: its counts and samples, however many threads it took. */
export interface GeneratorOutcome {
  readonly counts: LedgerCounts;
  readonly delivery: Samples;
  readonly ack: Samples;
  readonly presence: Samples;
  readonly lag: Samples;
  readonly sendsInWindow: number;
  readonly generatorCpuShare: number;
  readonly disconnected: number;
  readonly observed: boolean;
}

/** Whether deliveries, acknowledgments or cursor moves of the window are still on their way. */
export function awaited({ counts, observed }: Pick<GeneratorOutcome, "counts" | "observed">): boolean {
  return (
    counts.expectedDeliveries > counts.deliveredInWindow ||
    (counts.expectedAcks > 0 && counts.expectedAcks > counts.acks) ||
    (observed && counts.presenceSeen < counts.presenceSentInWindow)
  );
}

/** The server's side of a step: CPU and memory over the window. */
export interface ServerWindow {
  readonly cpuMicros: number;
  readonly postgresCpuMicros: number;
  readonly seconds: number;
  readonly rss: number;
  readonly peakRss: number;
}

/**
 * Samples the server's CPU when the window opens (`windowStart`, on the clock
 * of {@link now}) and once `sent` resolves with the time the generator's
 * last window send left.
 */
export async function measureServer(
  contender: Contender,
  windowStart: number,
  sent: Promise<number>,
  onWindowOpen?: () => void,
): Promise<ServerWindow> {
  await sleep(Math.max(0, windowStart - now()));
  const openedAt = now();
  const cpuBefore = cpuMicros(contender.pid);
  const postgresBefore = postgresCpuMicros();
  onWindowOpen?.();
  const finishedAt = await sent;
  const cpu = cpuMicros(contender.pid) - cpuBefore;
  const postgres = postgresCpuMicros() - postgresBefore;
  const { rss, peak } = memory(contender.pid);
  return {
    cpuMicros: cpu,
    postgresCpuMicros: postgres,
    seconds: (Math.max(finishedAt, now()) - openedAt) / 1000,
    rss,
    peakRss: peak,
  };
}

/** A step's result from both sides. */
export function stepResult(offeredRate: number, server: ServerWindow, generator: GeneratorOutcome): RateStepResult {
  const { counts, sendsInWindow: updates } = generator;
  const { seconds } = server;
  const missingAcks = Math.max(0, counts.expectedAcks - counts.acks);
  return {
    offeredRate,
    sentRate: updates / seconds,
    deliveriesPerSecond: counts.deliveredInWindow / seconds,
    delivery: summarize(generator.delivery, Math.max(0, counts.expectedDeliveries - counts.deliveredInWindow)),
    ack: counts.expectedAcks > 0 ? summarize(generator.ack, missingAcks) : undefined,
    presence: generator.observed
      ? summarize(generator.presence, Math.max(0, counts.presenceSentInWindow - counts.presenceSeen))
      : undefined,
    serverCpuMicrosPerUpdate: updates > 0 ? server.cpuMicros / updates : Number.NaN,
    serverCpuShare: server.cpuMicros / 1e6 / seconds,
    postgresCpuMicrosPerUpdate: updates > 0 ? server.postgresCpuMicros / updates : Number.NaN,
    serverRssBytes: server.rss,
    serverPeakRssBytes: server.peakRss,
    generatorCpuShare: generator.generatorCpuShare,
    generatorLagP99: generator.lag.percentile(99),
    disconnected: generator.disconnected,
  };
}

/**
 * Runs one step with the generator on this thread: `bots` send at
 * `options.rate` on an open-loop schedule ({@link sendOnSchedule}) and
 * `listeners` (by default the same bots) record what arrives. Latency counts
 * from the actual send; the generator's own lag is reported beside it.
 */
export async function runRateStep(
  contender: Contender,
  bots: readonly Bot[],
  options: RateStepOptions,
  listeners: readonly Bot[] = bots,
): Promise<RateStepResult> {
  const ledger = new DeliveryLedger();
  for (const bot of listeners) bot.ledger = ledger;
  const start = now();
  const windowStart = start + options.warmupMs;
  ledger.openWindow(windowStart);
  let ownBefore = 0;
  const sending = sendOnSchedule(bots, {
    rate: options.rate,
    start,
    windowStart,
    windowEnd: windowStart + options.measureMs,
    sends: options.sends,
    phase: 0,
  });
  const server = await measureServer(
    contender,
    windowStart,
    sending.then(({ finishedAt }) => finishedAt),
    () => {
      ownBefore = ownCpuMicros();
      options.onWindowOpen?.();
    },
  );
  const { sendsInWindow, lag, finishedAt } = await sending;
  const own = ownCpuMicros() - ownBefore;
  ledger.closeWindow(finishedAt);
  const observed = listeners.some((bot) => bot.observesPresence);
  const drainDeadline = now() + options.drainMs;
  while (now() < drainDeadline && awaited({ counts: ledger.counts, observed })) await sleep(20);
  for (const bot of listeners) bot.ledger = undefined;
  return stepResult(options.rate, server, {
    counts: ledger.counts,
    delivery: ledger.delivery,
    ack: ledger.ack,
    presence: ledger.presence,
    lag,
    sendsInWindow,
    generatorCpuShare: own / 1e6 / server.seconds,
    disconnected: listeners.filter((bot) => bot.closeCode !== undefined).length,
    observed,
  });
}
