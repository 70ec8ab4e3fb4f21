import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** A counter the hot path bumps: `inc` adds to a number, which Prometheus reads when it scrapes. */
export interface HotCounter {
  inc(value?: number): void;
}

/**
 * A counter for what happens per message. prom-client's own `inc` allocates
 * two objects a call (an empty labels object, and a result nobody reads): at
 * three counts for each of the 49 messages a keystroke fans out to, that was
 * about 9 KB of garbage per keystroke, 7% of all the server allocated, and
 * young-generation collections in proportion.
 */
function hotCounter(registry: Registry, name: string, help: string): HotCounter {
  let total = 0;
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(total);
    },
  });
  return {
    inc(value = 1) {
      total += value;
    },
  };
}

/** A gauge the hot path moves, read as {@link hotCounter} is read. */
export interface HotGauge {
  inc(): void;
  dec(): void;
}

function hotGauge(registry: Registry, name: string, help: string): HotGauge {
  let value = 0;
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(value);
    },
  });
  return {
    inc() {
      value++;
    },
    dec() {
      value--;
    },
  };
}

/** Every Prometheus metric the server exports, on a registry of its own (no global state between instances). */
export function createMetrics(documentsLoaded: () => number, unauthenticatedBytes: () => number) {
  const registry = new Registry();
  // prom-client names its defaults process_* and nodejs_*: the prefix is only "tandem_".
  collectDefaultMetrics({ register: registry, prefix: "tandem_" });
  const metrics = {
    registry,
    connections: new Gauge({ name: "tandem_connections", help: "Open WebSocket connections", registers: [registry] }),
    documents: new Gauge({
      name: "tandem_documents_loaded",
      help: "Documents loaded in memory",
      registers: [registry],
      collect() {
        this.set(documentsLoaded());
      },
    }),
    updatesIn: hotCounter(registry, "tandem_updates_in_total", "Document updates received and made durable"),
    bytesIn: hotCounter(registry, "tandem_bytes_in_total", "WebSocket bytes received"),
    updatesOut: hotCounter(
      registry,
      "tandem_updates_out_total",
      "Document updates sent to clients (broadcasts and sync replies)",
    ),
    syncAnswers: new Counter({
      name: "tandem_sync_answers_total",
      help: "Answers to a client's sync step 1: encoded for it, or shared with earlier joiners (encoded once per document state)",
      labelNames: ["state"] as const,
      registers: [registry],
    }),
    messagesOut: hotCounter(registry, "tandem_messages_out_total", "WebSocket messages sent"),
    bytesOut: hotCounter(registry, "tandem_bytes_out_total", "WebSocket bytes sent"),
    throttled: new Counter({
      name: "tandem_rate_limit_pauses_total",
      help: "Times a connection's socket stopped being read because it sent faster than MAX_BYTES_PER_SECOND allows",
      registers: [registry],
    }),
    unauthenticatedBytes: new Gauge({
      name: "tandem_unauthenticated_bytes",
      help: "Bytes queued for documents that have not authenticated yet, across all connections",
      registers: [registry],
      collect() {
        this.set(unauthenticatedBytes());
      },
    }),
    appendsInFlight: hotGauge(
      registry,
      "tandem_appends_in_flight",
      "Updates waiting for their commit (their clients wait for the acknowledgment)",
    ),
    acceptedChangesWaiting: new Gauge({
      name: "tandem_accepted_changes_waiting",
      help: "Accepted suggestions' changes waiting for content they build on (their acceptors' comments wait)",
      registers: [registry],
    }),
    appendSeconds: new Histogram({
      name: "tandem_append_seconds",
      help: "Time from receiving an update to its commit",
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    commitBatchUpdates: new Histogram({
      name: "tandem_commit_batch_updates",
      help: "Updates committed per group-commit transaction",
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
      registers: [registry],
    }),
    commitSeconds: new Histogram({
      name: "tandem_commit_seconds",
      help: "Duration of one group-commit transaction",
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    webhookAttempts: new Counter({
      name: "tandem_webhook_attempts_total",
      help: "Webhook delivery attempts by outcome: delivered (2xx), retry (will be tried again), failed (given up)",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    errors: new Counter({
      name: "tandem_errors_total",
      help: "Errors by code: close codes sent (4400, 4403, 4413, 4429, 4500…), refused updates (comments-update-refused) and storage failures (append-failed, load-failed, compaction-failed…)",
      labelNames: ["code"] as const,
      registers: [registry],
    }),
  };
  return metrics;
}

/** The server's metrics, as made by {@link createMetrics}. */
export type Metrics = ReturnType<typeof createMetrics>;
