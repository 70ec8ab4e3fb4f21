import { setTimeout as sleep } from "node:timers/promises";
import type { Contender } from "../contenders/index.js";
import { cpuMicros, memory, ownCpuMicros, postgresCpuMicros } from "../measure/process.js";
import type { Bot } from "./bot.js";
import { DeliveryLedger } from "./ledger.js";
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
  /** The generator's CPU use over the window, as a share of one core: near 1 means it was saturated. */
  readonly generatorCpuShare: number;
  /** How late the generator sent, p99 (ms): the open-loop schedule against the actual send. */
  readonly generatorLagP99: number;
  /** Bots the server disconnected during the step. */
  readonly disconnected: number;
}

/**
 * Drives `bots` open-loop at `rate` sends/s (`listeners`, by default the same
 * bots, record what arrives): send i is due at
 * t0 + i / rate, whatever the server does, so a slow server shows as latency
 * instead of silently slowing the load (no coordinated omission). Latency
 * counts from the actual send; the generator's own lag is reported beside it.
 */
export async function runRateStep(
  contender: Contender,
  bots: readonly Bot[],
  options: RateStepOptions,
  listeners: readonly Bot[] = bots,
): Promise<RateStepResult> {
  const ledger = new DeliveryLedger();
  for (const bot of listeners) bot.ledger = ledger;
  const lag = new Samples();
  const interval = 1000 / options.rate;
  const start = performance.now();
  let next = start;
  let index = 0;
  let measuring = false;
  let sendsInWindow = 0;
  const typing = options.sends !== "cursor";
  const cursors = options.sends !== "keystroke";
  const observed = listeners.some((bot) => bot.observesPresence);
  const sendUntil = (end: number) =>
    new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        while (next <= now && next < end) {
          const bot = bots[index % bots.length] as Bot;
          if (typing) bot.type();
          if (cursors) bot.sendAwareness();
          if (measuring) {
            lag.add(now - next);
            sendsInWindow++;
          }
          index++;
          next = start + index * interval;
        }
        if (next >= end) resolve();
        else setTimeout(tick, Math.max(0, next - performance.now()));
      };
      tick();
    });

  await sendUntil(start + options.warmupMs);
  const windowStart = performance.now();
  ledger.openWindow(windowStart);
  measuring = true;
  const cpuBefore = cpuMicros(contender.pid);
  const postgresBefore = postgresCpuMicros();
  const ownBefore = ownCpuMicros();
  options.onWindowOpen?.();
  await sendUntil(start + options.warmupMs + options.measureMs);
  const windowEnd = performance.now();
  ledger.closeWindow(windowEnd);
  const cpu = cpuMicros(contender.pid) - cpuBefore;
  const postgres = postgresCpuMicros() - postgresBefore;
  const own = ownCpuMicros() - ownBefore;
  const { rss, peak } = memory(contender.pid);
  const drainDeadline = performance.now() + options.drainMs;
  while (
    performance.now() < drainDeadline &&
    (ledger.missingDeliveries > 0 ||
      (ledger.expectedAcks > 0 && ledger.missingAcks > 0) ||
      (observed && ledger.presence.length < ledger.presenceSentInWindow))
  ) {
    await sleep(20);
  }
  for (const bot of listeners) bot.ledger = undefined;
  const seconds = (windowEnd - windowStart) / 1000;
  const updates = sendsInWindow;
  return {
    offeredRate: options.rate,
    sentRate: updates / seconds,
    deliveriesPerSecond: ledger.deliveredInWindow / seconds,
    delivery: summarize(ledger.delivery, ledger.missingDeliveries),
    ack: ledger.expectedAcks > 0 ? summarize(ledger.ack, ledger.missingAcks) : undefined,
    presence: observed
      ? summarize(ledger.presence, Math.max(0, ledger.presenceSentInWindow - ledger.presence.length))
      : undefined,
    serverCpuMicrosPerUpdate: updates > 0 ? cpu / updates : Number.NaN,
    serverCpuShare: cpu / 1e6 / seconds,
    postgresCpuMicrosPerUpdate: updates > 0 ? postgres / updates : Number.NaN,
    serverRssBytes: rss,
    serverPeakRssBytes: peak,
    generatorCpuShare: own / 1e6 / seconds,
    generatorLagP99: lag.percentile(99),
    disconnected: listeners.filter((bot) => bot.closeCode !== undefined).length,
  };
}
