import { type Contender, type ContenderName, contenderLabels } from "../contenders/index.js";
import type { BotConfig } from "../load/bot.js";
import type { RateStepResult } from "../load/rate-step.js";

/**
 * Bot configurations for `documents` documents with `perDocument` clients
 * each, interleaved so that consecutive sends of the round-robin schedule go
 * to different documents.
 */
export function botConfigs(
  contender: Contender,
  documents: number,
  perDocument: number,
  prefix = "bench/doc",
): BotConfig[] {
  const configs: BotConfig[] = [];
  for (let client = 0; client < perDocument; client++) {
    for (let document = 0; document < documents; document++) {
      configs.push({
        protocol: contender.protocol,
        baseUrl: contender.baseUrl,
        documentName: `${prefix}-${document}`,
        name: `Bot ${document}.${client}`,
      });
    }
  }
  return configs;
}

const MB = 1024 * 1024;

/** The numbers of one rate step, keyed as the load metrics table expects. */
export function stepValues(result: RateStepResult): Record<string, number | null> {
  return {
    p50: result.delivery.p50,
    p95: result.delivery.p95,
    p99: result.delivery.p99,
    ackP99: result.ack?.p99 ?? null,
    presenceP50: result.presence?.p50 ?? null,
    presenceP99: result.presence?.p99 ?? null,
    throughput: result.sentRate,
    deliveries: result.deliveriesPerSecond,
    missing: result.delivery.missing,
    cpuPerUpdate: result.serverCpuMicrosPerUpdate,
    cpuShare: result.serverCpuShare,
    postgresCpuPerUpdate: result.postgresCpuMicrosPerUpdate,
    rss: result.serverRssBytes / MB,
    disconnected: result.disconnected,
    generatorCpu: result.generatorCpuShare,
    generatorLag: result.generatorLagP99,
  };
}

/** {@link stepValues} of each contender's step. */
export function stepValuesOf(
  results: Partial<Record<ContenderName, RateStepResult>>,
): Partial<Record<ContenderName, Record<string, number | null>>> {
  const values: Partial<Record<ContenderName, Record<string, number | null>>> = {};
  for (const [name, result] of Object.entries(results) as [ContenderName, RateStepResult][]) {
    values[name] = stepValues(result);
  }
  return values;
}

/**
 * A generator more than this late (p99, ms) was not sending on its schedule:
 * a tenth of the second between one client's sends in the crowd scenarios.
 */
const LAG_LIMIT_MS = 100;

/**
 * A note for each contender whose step the generator could not drive as
 * intended (below 95% of the offered rate, or late by more than
 * {@link LAG_LIMIT_MS} at p99): its numbers measure less load than the
 * scenario names, and the report must say so.
 */
export function generatorNotes(results: Partial<Record<ContenderName, RateStepResult>>, what: string): string[] {
  const notes: string[] = [];
  for (const [name, result] of Object.entries(results) as [ContenderName, RateStepResult][]) {
    if (result.sentRate >= result.offeredRate * 0.95 && result.generatorLagP99 <= LAG_LIMIT_MS) continue;
    notes.push(
      `**The generator fell behind against ${contenderLabels[name]}:** it sent ${Math.round(result.sentRate).toLocaleString("en")} of ` +
        `${result.offeredRate.toLocaleString("en")} ${what}/s, ${result.generatorLagP99.toFixed(0)} ms late at p99 ` +
        `(its busiest thread at ${(result.generatorCpuShare * 100).toFixed(0)}% of a core): that column measures less than the scenario's load.`,
    );
  }
  return notes;
}
