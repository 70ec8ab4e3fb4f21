import { type CommitBatch, createPGliteStore, createPostgresStore, type TandemStore } from "@tandem/persistence";
import type { ResolvedConfig } from "./config.js";
import type { Logger } from "./logger.js";
import type { Metrics } from "./metrics.js";
import { collectGrownYoungGeneration } from "./young-generation.js";

/**
 * Opens the store the settings describe: Postgres with `databaseUrl`, else
 * PGlite in `dataDir`. Commit batches feed the metrics; background failures
 * (automatic compaction) are logged and counted, never swallowed; a large
 * document's load collects the young generation between its slices.
 */
export function openStore(config: ResolvedConfig, metrics: Metrics, logger: Logger): Promise<TandemStore> {
  const options = {
    maxQueuedBytes: config.maxQueuedBytes,
    betweenLoadSlices: () => collectGrownYoungGeneration(),
    onBatchCommitted: (batch: CommitBatch) => {
      metrics.commitBatchUpdates.observe(batch.updates);
      metrics.commitSeconds.observe(batch.seconds);
    },
    onBackgroundError: (error: Error) => {
      metrics.errors.inc({ code: "storage-background" });
      logger.error({ err: error }, "background storage work failed");
    },
  };
  if (config.databaseUrl !== undefined) {
    return createPostgresStore({ connectionString: config.databaseUrl, schema: config.databaseSchema, ...options });
  }
  return createPGliteStore({ dataDir: config.dataDir, ...options });
}
