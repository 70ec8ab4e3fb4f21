import { execFileSync } from "node:child_process";
import type { ContenderName } from "./contenders/index.js";
import { currentLoad, describeMachine } from "./measure/machine.js";
import { postgresVersion } from "./measure/postgres.js";
import { saveRecord, writeReport } from "./report/markdown.js";
import type { ScenarioRecord } from "./report/record.js";
import { type ScenarioName, scenarioNames, scenarios } from "./scenarios/index.js";

/** How to run the benchmark. */
export interface BenchOptions {
  /** Tiny scale (seconds in all); results are neither saved nor reported. */
  readonly smoke?: boolean;
  /** Only these contenders. */
  readonly contenders?: readonly ContenderName[];
  readonly log?: (message: string) => void;
}

/** Times `taskset` is tried before the run gives up. */
const PIN_ATTEMPTS = 5;

/**
 * Keeps the generator to core 1 (every thread), the servers to core 0.
 * `taskset -a` goes through the process's threads one by one and fails when
 * one ends meanwhile (a run failed so, now and then, at its start): it is
 * tried again.
 */
function keepGeneratorToCoreOne(): void {
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync("taskset", ["-a", "-cp", "1", String(process.pid)], { stdio: "ignore" });
      return;
    } catch (error) {
      if (attempt === PIN_ATTEMPTS) throw error;
    }
  }
}

/**
 * Runs `names` one after another and returns their records. A full run saves
 * each record under bench/results/ and regenerates docs/benchmarks.md.
 */
export async function runBench(names: readonly ScenarioName[], options: BenchOptions = {}): Promise<ScenarioRecord[]> {
  const smoke = options.smoke ?? false;
  const log = options.log ?? (() => {});
  if (!smoke) keepGeneratorToCoreOne();
  const postgres = await postgresVersion();
  const records: ScenarioRecord[] = [];
  for (const name of names) {
    const scenario = scenarios[name];
    const loadBefore = currentLoad();
    const started = performance.now();
    log(`${scenario.title}`);
    const outcome = await scenario.run({
      smoke,
      log: (message) => log(`  ${message}`),
      ...(options.contenders ? { contenders: options.contenders } : {}),
    });
    const record: ScenarioRecord = {
      scenario: name,
      title: scenario.title,
      date: new Date().toISOString(),
      smoke,
      seconds: (performance.now() - started) / 1000,
      machine: describeMachine(postgres, loadBefore),
      ...outcome,
    };
    records.push(record);
    if (!smoke) await saveRecord(record);
  }
  if (!smoke) await writeReport(scenarioNames);
  return records;
}
