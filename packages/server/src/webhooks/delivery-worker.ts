import { type ClaimedDelivery, isPersistenceError, type WebhookStore } from "@tandem/persistence";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { retryDelay } from "./backoff.js";
import { isAcknowledged, type SendResult } from "./send.js";

/** Settings of a {@link DeliveryWorker}. */
export interface DeliveryWorkerOptions {
  readonly store: WebhookStore;
  /** Sends one delivery; never rejects (see `sendDelivery`). */
  readonly send: (delivery: ClaimedDelivery) => Promise<SendResult>;
  /** How long one attempt may take at most: claims are leased for longer than this. */
  readonly timeoutMs: number;
  /** Attempts before a delivery is given up (marked failed). */
  readonly maxAttempts: number;
  /** The first retry's delay (see `retryDelay`). */
  readonly retryBaseMs: number;
  /** How often to look for due deliveries queued or retried by other instances. */
  readonly pollMs: number;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** Deliveries sent at once by one instance. */
const MAX_IN_FLIGHT = 16;

// Margin of a lease over the attempt's timeout: signing, and recording the outcome.
const LEASE_MARGIN_MS = 30_000;

/** How long delivered and failed deliveries are kept, with their attempts, for the deliveries API. */
const FINISHED_RETENTION_MS = 30 * 24 * 3600_000;

const PRUNE_EVERY_MS = 3600_000;

/**
 * Sends what the outbox holds: claims due deliveries (leased, so no other
 * instance sends them meanwhile), sends up to {@link MAX_IN_FLIGHT} at once,
 * and records each attempt: a 2xx is final, anything else is retried with
 * exponential backoff until `maxAttempts`, then marked failed.
 *
 * It claims when this instance queues an event ({@link wake}), when a retry
 * it scheduled falls due, and every `pollMs` for what other instances queued
 * or left behind (a lease that ran out because its sender died). Once an
 * hour it deletes deliveries finished {@link FINISHED_RETENTION_MS} ago.
 */
export class DeliveryWorker {
  private readonly leaseMs: number;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private draining: Promise<void> | undefined;
  private wokenWhileDraining = false;
  private stopped = false;
  private nextPruneAt = 0;

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.leaseMs = options.timeoutMs + LEASE_MARGIN_MS;
  }

  /** Starts claiming: what an earlier run left queued is sent now. */
  start(): void {
    this.schedule(0);
  }

  /** Claims now: an event was just queued. */
  wake(): void {
    if (this.draining !== undefined) this.wokenWhileDraining = true;
    else this.schedule(0);
  }

  /**
   * Stops claiming and waits for the attempts under way to be sent and
   * recorded (each is bounded by the timeout). What is still queued stays
   * queued for the next start, here or on another instance.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.draining;
    while (this.inFlight.size > 0) await Promise.allSettled(this.inFlight);
  }

  /** Runs a round in `ms`, unless one is due sooner. */
  private schedule(ms: number): void {
    if (this.stopped) return;
    const at = Date.now() + ms;
    if (at >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timerAt = Number.POSITIVE_INFINITY;
      void this.round();
    }, ms);
    // Queued deliveries wait in the database: they must not keep the process alive.
    this.timer.unref();
  }

  private async round(): Promise<void> {
    if (this.stopped || this.draining !== undefined) return;
    this.wokenWhileDraining = false;
    this.draining = this.prune().then(() => this.drain());
    await this.draining;
    this.draining = undefined;
    this.schedule(this.wokenWhileDraining ? 0 : this.options.pollMs);
  }

  /** Deletes old finished deliveries, once an hour (every instance does; it is idempotent). */
  private async prune(): Promise<void> {
    if (Date.now() < this.nextPruneAt) return;
    this.nextPruneAt = Date.now() + PRUNE_EVERY_MS;
    try {
      const pruned = await this.options.store.pruneDeliveries(FINISHED_RETENTION_MS);
      if (pruned > 0) this.options.logger.info({ pruned }, "deleted webhook deliveries finished 30 days ago");
    } catch (error) {
      if (isPersistenceError(error, "closed")) return;
      this.options.metrics.errors.inc({ code: "webhook-prune-failed" });
      this.options.logger.error({ err: error }, "could not delete old webhook deliveries; trying again in an hour");
    }
  }

  /** Claims as long as full batches come back, keeping at most MAX_IN_FLIGHT attempts under way. */
  private async drain(): Promise<void> {
    const { store, logger, metrics } = this.options;
    while (!this.stopped) {
      if (this.inFlight.size >= MAX_IN_FLIGHT) await Promise.race(this.inFlight);
      const room = MAX_IN_FLIGHT - this.inFlight.size;
      let claimed: ClaimedDelivery[];
      try {
        claimed = await store.claim(room, this.leaseMs);
      } catch (error) {
        if (isPersistenceError(error, "closed")) return;
        metrics.errors.inc({ code: "webhook-claim-failed" });
        logger.error({ err: error }, "could not claim webhook deliveries; trying again at the next poll");
        return;
      }
      for (const delivery of claimed) {
        const attempt = this.attempt(delivery);
        this.inFlight.add(attempt);
        void attempt.finally(() => this.inFlight.delete(attempt));
      }
      if (claimed.length < room) return;
    }
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const { store, send, maxAttempts, retryBaseMs, logger, metrics } = this.options;
    const result = await send(delivery);
    const delivered = isAcknowledged(result.statusCode);
    const next = delivered
      ? "delivered"
      : delivery.attempt >= maxAttempts
        ? "failed"
        : retryDelay(delivery.attempt, retryBaseMs);
    const outcome = typeof next === "number" ? "retry" : next;
    metrics.webhookAttempts.inc({ outcome });
    const log = {
      delivery: delivery.id,
      event: delivery.messageId,
      attempt: delivery.attempt,
      status: result.statusCode,
    };
    if (outcome === "failed") logger.warn({ ...log, reason: result.error }, "webhook delivery failed for good");
    else if (outcome === "retry")
      logger.info({ ...log, reason: result.error, retryInMs: next }, "webhook delivery failed; retrying");
    try {
      await store.record(delivery, { ...result, next });
    } catch (error) {
      // Unrecorded, the delivery is claimed again once its lease ends: sent again, never lost.
      metrics.errors.inc({ code: "webhook-record-failed" });
      logger.error({ err: error, ...log }, "could not record a webhook attempt; it is retried when its lease ends");
      return;
    }
    if (typeof next === "number") this.schedule(next);
  }
}
