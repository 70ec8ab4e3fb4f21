import type { ContenderName } from "../contenders/index.js";
import type { MachineInfo } from "../measure/machine.js";

/** How one number of a scenario is shown, and what the issue aims for. */
export interface Metric {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  /** Which direction is better, for the ratio columns; omitted when neither is. */
  readonly better?: "lower" | "higher";
  /** The target for Tandem, if it sets one. */
  readonly target?: Target;
  /** Decimal places (default: 2 below 100, else 0). */
  readonly digits?: number;
}

/**
 * A target: `value` itself, or, with `relativeTo`, `value` times another
 * contender's number in the same run: stock Hocuspocus', or the best of the
 * others' (the lowest, or the highest where higher is better). Targets are
 * met at the bound (≤ where lower is better, ≥ where higher is).
 */
export interface Target {
  readonly value: number;
  readonly text: string;
  readonly relativeTo?: "hocuspocus" | "best";
}

/** One point of a latency-against-rate curve. */
export interface RatePoint {
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  readonly sustained: boolean;
  /**
   * Server CPU per update at this rate (µs). Comparable between contenders
   * only at equal rates: fan-out gets cheaper per update as the rate rises and
   * a server merges more updates into each broadcast.
   */
  readonly cpuPerUpdate?: number;
  /** The generator's share of its core at this rate: near 1, the generator was the limit. */
  readonly generatorCpu?: number;
}

/** One scenario's results, as saved under bench/results/ and drawn into docs/benchmarks.md. */
export interface ScenarioRecord {
  readonly scenario: string;
  readonly title: string;
  readonly date: string;
  readonly smoke: boolean;
  readonly seconds: number;
  readonly machine: MachineInfo;
  /** What the scenario did, in words (clients, rates, windows…). */
  readonly setup: readonly string[];
  readonly metrics: readonly Metric[];
  /** metric key → value per contender; null where the metric does not apply. */
  readonly values: Partial<Record<ContenderName, Record<string, number | null>>>;
  /** Latency against offered rate, per contender, for the scenarios that ramp. */
  readonly series?: Partial<Record<ContenderName, readonly RatePoint[]>>;
  readonly notes: readonly string[];
}

/** What a scenario's run returns; the harness adds the date, timing and machine. */
export type ScenarioOutcome = Omit<ScenarioRecord, "scenario" | "title" | "date" | "smoke" | "seconds" | "machine">;
