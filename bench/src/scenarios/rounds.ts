import { allContenders, type ContenderName, contenderLabels } from "../contenders/index.js";
import { Samples } from "../load/samples.js";
import type { ScenarioOutcome } from "../report/record.js";
import type { ScenarioContext } from "./context.js";

type Values = Record<string, number | null>;

/**
 * Rounds a short scenario runs in (one in the smoke test). On a 2-core VM
 * one run of a few seconds moved by up to a third from run to run (the bulk
 * writer: Tandem 3.3–4.7 s, stock Hocuspocus 2.5–3.9 s over a dozen runs of
 * each on 2026-12-05), enough to flip a target either way.
 */
const SHORT_SCENARIO_ROUNDS = 3;

/** How one metric's rounds become the number reported. */
export interface RoundsOptions {
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

/** What {@link inRounds} gives a scenario's outcome. */
export interface RoundsOutcome {
  readonly values: ScenarioOutcome["values"];
  /** One line per contender listing each round of the listed metric (none after one round). */
  readonly notes: string[];
  /** The setup line saying how the rounds ran. */
  readonly setup: string;
}

/**
 * Runs `run` for each of the context's contenders in three rounds (one in
 * the smoke test), the contenders' order reversed every other round, so that
 * none always runs first (on a load generator whose code has not been
 * optimised yet) or last. Each metric is reported as its median round
 * (nearest rank: a value one round measured), but for those in `worst`.
 */
export async function inRounds(
  context: ScenarioContext,
  { worst = {}, listed }: RoundsOptions,
  run: (name: ContenderName) => Promise<Values>,
): Promise<RoundsOutcome> {
  const contenders = context.contenders ?? allContenders;
  const rounds = context.smoke ? 1 : SHORT_SCENARIO_ROUNDS;
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
  const setup =
    rounds === 1
      ? "one round"
      : `${rounds} rounds, each contender on a fresh server every round, their order reversed every other round; each number is the median of the rounds, but for what must hold in every round (its worst round)`;
  return { values, notes, setup };
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
