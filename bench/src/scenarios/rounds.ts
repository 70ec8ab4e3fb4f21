import { type ContenderName, contenderLabels } from "../contenders/index.js";
import { Samples } from "../load/samples.js";
import type { ScenarioOutcome } from "../report/record.js";

type Values = Record<string, number | null>;

/**
 * Rounds a short scenario runs in (one in the smoke test). On a 2-core VM
 * one run of a few seconds moved by up to a third from run to run (the bulk
 * writer: Tandem 3.3–4.7 s, stock Hocuspocus 2.5–3.9 s over a dozen runs of
 * each on 2026-12-05), enough to flip a target either way.
 */
export const SHORT_SCENARIO_ROUNDS = 3;

/** How one metric's rounds become the number reported. */
export interface RoundsOptions {
  /** Rounds to run; each contender runs once per round on a fresh server. */
  readonly rounds: number;
  /**
   * Metrics that must hold in every round (disconnects, a text that must
   * match): reported as their worst round, the highest (`max`) or the lowest
   * (`min`), so a median cannot hide a failure. Every other metric is the
   * median of its rounds.
   */
  readonly worst?: Readonly<Record<string, "max" | "min">>;
  /** The metric whose every round the notes list, and how to show one value. */
  readonly listed: { readonly key: string; readonly label: string; readonly format: (value: number) => string };
}

/**
 * Runs `run` for every contender `rounds` times, the contenders' order
 * reversed every other round, so that none always runs first (on a load
 * generator whose code has not been optimised yet) or last; returns each
 * contender's median per metric (nearest rank: an actual round's value), and notes listing every round of one metric.
 */
export async function inRounds(
  contenders: readonly ContenderName[],
  { rounds, worst = {}, listed }: RoundsOptions,
  run: (name: ContenderName) => Promise<Values>,
): Promise<{ values: ScenarioOutcome["values"]; notes: string[] }> {
  const runs = new Map<ContenderName, Values[]>(contenders.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    for (const name of order) runs.get(name)?.push(await run(name));
  }
  const values: ScenarioOutcome["values"] = {};
  const notes: string[] = [];
  for (const [name, results] of runs) {
    const keys = new Set(results.flatMap((result) => Object.keys(result)));
    values[name] = Object.fromEntries(
      [...keys].map((key) => [
        key,
        summarise(
          results.map((result) => result[key] ?? null),
          worst[key],
        ),
      ]),
    );
    const listedValues = results.map((result) => result[listed.key]).filter((value) => typeof value === "number");
    if (rounds > 1 && listedValues.length > 0) {
      const shown = listedValues.map(listed.format).join(", ");
      notes.push(`${contenderLabels[name]}: ${listed.label} in each round: ${shown} (median reported)`);
    }
  }
  return { values, notes };
}

function summarise(values: readonly (number | null)[], worst: "max" | "min" | undefined): number | null {
  const numbers = values.filter((value): value is number => value !== null);
  if (numbers.length === 0) return null;
  if (worst === "max") return Math.max(...numbers);
  if (worst === "min") return Math.min(...numbers);
  const samples = new Samples();
  for (const value of numbers) samples.add(value);
  return samples.percentile(50);
}

/** The setup line of a scenario run {@link inRounds}. */
export function roundsSetup(rounds: number): string {
  return rounds === 1
    ? "one round"
    : `${rounds} rounds, each contender on a fresh server every round, their order reversed every other round; each number is the median of the rounds, but for what must hold in every round (its worst round)`;
}
