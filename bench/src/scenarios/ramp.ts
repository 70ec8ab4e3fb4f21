import type { Contender } from "../contenders/index.js";
import type { Bot } from "../load/bot.js";
import { type RateStepOptions, type RateStepResult, runRateStep } from "../load/rate-step.js";
import type { RatePoint } from "../report/record.js";

/** The latency bound a rate must hold to count as sustained (p99, ms). */
export const P99_LIMIT_MS = 10;

/** Whether a step held: p99 within the limit, the offered rate really sent, nothing lost, nobody disconnected. */
export function sustained(step: RateStepResult): boolean {
  return (
    step.delivery.p99 <= P99_LIMIT_MS &&
    step.sentRate >= step.offeredRate * 0.95 &&
    step.delivery.missing === 0 &&
    step.disconnected === 0
  );
}

/** A ramp's outcome: every step tried, and the highest one that held. */
export interface RampResult {
  readonly steps: readonly RateStepResult[];
  readonly points: readonly RatePoint[];
  readonly best: RateStepResult | undefined;
}

/** A ramp's steps: each warms up for `warmupMs` at its rate, the first for `firstWarmupMs`. */
export interface RampStepOptions extends Omit<RateStepOptions, "rate"> {
  /**
   * The first step meets a server that has only just started: its code is not
   * yet optimised and its connection pools are cold. A failed first step ends
   * the ramp, so it gets a longer warm-up (the same for every contender) to
   * measure the server, not its start-up.
   */
  readonly firstWarmupMs: number;
}

/**
 * Raises the rate step by step until a step no longer holds (see
 * {@link sustained}); the first failing step ends the ramp, so an overloaded
 * server's backlog never leaks into a later step.
 */
export async function ramp(
  contender: Contender,
  bots: readonly Bot[],
  rates: readonly number[],
  { firstWarmupMs, ...step }: RampStepOptions,
  log: (message: string) => void,
): Promise<RampResult> {
  const steps: RateStepResult[] = [];
  const points: RatePoint[] = [];
  let best: RateStepResult | undefined;
  for (const rate of rates) {
    const warmupMs = steps.length === 0 ? firstWarmupMs : step.warmupMs;
    const result = await runRateStep(contender, bots, { ...step, warmupMs, rate });
    const held = sustained(result);
    steps.push(result);
    points.push({
      rate,
      p50: result.delivery.p50,
      p99: result.delivery.p99,
      sustained: held,
      cpuPerUpdate: result.serverCpuMicrosPerUpdate,
      generatorCpu: result.generatorCpuShare,
    });
    log(
      `  ${rate}/s: p99 ${result.delivery.p99.toFixed(2)} ms, sent ${Math.round(result.sentRate)}/s, ` +
        `server CPU ${(result.serverCpuShare * 100).toFixed(0)}% (${result.serverCpuMicrosPerUpdate.toFixed(0)} µs/update), ` +
        `generator ${(result.generatorCpuShare * 100).toFixed(0)}% (lag p99 ${result.generatorLagP99.toFixed(1)} ms)` +
        (held ? "" : " (not sustained)"),
    );
    if (!held) break;
    best = result;
  }
  return { steps, points, best };
}
