import { type DigestBatch, isPersistenceError, type NotificationStore } from "@tandem/persistence";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { renderDigest } from "./digest-mail.js";
import type { Mailer } from "./mailer.js";
import { maySee } from "./visibility.js";

/** Settings of a {@link DigestWorker}. */
export interface DigestWorkerOptions {
  readonly store: NotificationStore;
  readonly mailer: Mailer;
  /** How long after the first unread notification a digest is sent. */
  readonly delayMs: number;
  /** How often to look for due digests. */
  readonly pollMs: number;
  /** The link of a notification's place. */
  readonly linkOf: (document: string, threadId: string | null) => string;
  /** The titles of a tenant's documents, by name (those without one are left out). */
  readonly titles: (tenant: string, names: readonly string[]) => Promise<ReadonlyMap<string, string>>;
  /** The signed unsubscribe link of a person. */
  readonly unsubscribeUrl: (batch: DigestBatch) => string;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

const BATCH = 10;
// Long enough for an SMTP exchange; a sender that dies leaves the digest to whoever claims after this.
const LEASE_MS = 120_000;

/**
 * Sends due digests: every `pollMs` it claims people whose digest is due
 * (the schedule is in the database, so a restart loses none and one instance
 * sends each), leaves out what they may no longer see, and emails the rest.
 * A digest that failed to send is tried again when its lease ends.
 */
export class DigestWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: DigestWorkerOptions) {}

  start(): void {
    this.schedule(0);
  }

  /** Stops claiming and waits for the round under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    this.options.mailer.close();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.round().finally(() => {
        this.running = undefined;
        this.schedule(this.options.pollMs);
      });
    }, ms);
    // Due digests wait in the database: they must not keep the process alive.
    this.timer.unref();
  }

  private async round(): Promise<void> {
    const { store, logger, metrics } = this.options;
    while (!this.stopped) {
      let batches: DigestBatch[];
      try {
        batches = await store.claimDigests(BATCH, LEASE_MS);
      } catch (error) {
        if (isPersistenceError(error, "closed")) return;
        metrics.errors.inc({ code: "digest-claim-failed" });
        logger.error({ err: error }, "could not claim digests; trying again at the next poll");
        return;
      }
      for (const batch of batches) await this.send(batch);
      if (batches.length < BATCH) return;
    }
  }

  private async send(batch: DigestBatch): Promise<void> {
    const { store, mailer, delayMs, linkOf, logger, metrics } = this.options;
    const { person, notifications } = batch;
    const visible = notifications.filter((notification) => maySee(person.access, notification.document));
    try {
      if (person.email !== null && person.emailMode !== "none" && visible.length > 0) {
        const unsubscribeUrl = this.options.unsubscribeUrl(batch);
        const titles = await this.options.titles(
          person.tenant,
          visible.map((notification) => notification.document),
        );
        const mail = renderDigest(visible, { linkOf: (n) => linkOf(n.document, n.threadId), titles, unsubscribeUrl });
        await mailer.send(person.email, mail, unsubscribeUrl);
        logger.info({ tenant: person.tenant, user: person.userId, notifications: visible.length }, "sent a digest");
      }
      // What was left out (no access, no address) is settled too: it must not keep a digest due.
      await store.finishDigest(
        person,
        notifications.map((notification) => notification.id),
        delayMs,
      );
    } catch (error) {
      if (isPersistenceError(error, "closed")) return;
      metrics.errors.inc({ code: "digest-failed" });
      logger.error(
        { err: error, tenant: person.tenant, user: person.userId },
        "could not send a digest; retrying later",
      );
    }
  }
}
