import { Samples } from "./samples.js";

/** When each of one client's sends left, indexed by the Yjs clock of its insertion. */
class SendLog {
  times = new Float64Array(1024);

  set(clock: number, at: number): void {
    if (clock >= this.times.length) {
      const bigger = new Float64Array(Math.max(clock + 1, this.times.length * 2));
      bigger.set(this.times);
      this.times = bigger;
    }
    this.times[clock] = at;
  }
}

/**
 * The bookkeeping of one measurement: when every update was sent, who got it
 * when, and how long acknowledgments took. Only sends inside the measurement
 * window count; deliveries of those sends count whenever they arrive, and the
 * ones that never arrive are reported as missing.
 */
export class DeliveryLedger {
  private readonly logs = new Map<number, SendLog>();
  private readonly presenceLogs = new Map<number, SendLog>();
  private windowStart = Number.POSITIVE_INFINITY;
  private windowEnd = Number.POSITIVE_INFINITY;
  /** Delivery latency: one client sends, another receives (ms). */
  readonly delivery = new Samples();
  /** Acknowledgment latency: the sender hears the server's sync status (ms). */
  readonly ack = new Samples();
  /** Presence latency: one client publishes its awareness state, the observer sees it (ms). */
  readonly presence = new Samples();
  sentInWindow = 0;
  expectedDeliveries = 0;
  deliveredInWindow = 0;
  expectedAcks = 0;
  presenceSentInWindow = 0;

  /** Starts counting sends from now. */
  openWindow(at: number): void {
    this.windowStart = at;
  }

  /** Stops counting sends from now; their deliveries still count when they come. */
  closeWindow(at: number): void {
    this.windowEnd = at;
  }

  private inWindow(at: number): boolean {
    return at >= this.windowStart && at < this.windowEnd;
  }

  /** Records that `client` sent the insertion with clock `clock` at `at`, for `receivers` others to receive. */
  sent(client: number, clock: number, at: number, receivers: number, acknowledged: boolean): void {
    let log = this.logs.get(client);
    if (log === undefined) {
      log = new SendLog();
      this.logs.set(client, log);
    }
    log.set(clock, at);
    if (this.inWindow(at)) {
      this.sentInWindow++;
      this.expectedDeliveries += receivers;
      if (acknowledged) this.expectedAcks++;
    }
  }

  /** Records that the insertion (`client`, `clock`) arrived at another client at `at`. */
  delivered(client: number, clock: number, at: number): void {
    const sentAt = this.logs.get(client)?.times[clock];
    if (sentAt === undefined || sentAt === 0 || !this.inWindow(sentAt)) return;
    this.delivery.add(at - sentAt);
    this.deliveredInWindow++;
  }

  /** Records that `client` published its awareness state with clock `clock` at `at`. */
  presenceSent(client: number, clock: number, at: number): void {
    let log = this.presenceLogs.get(client);
    if (log === undefined) {
      log = new SendLog();
      this.presenceLogs.set(client, log);
    }
    log.set(clock, at);
    if (this.inWindow(at)) this.presenceSentInWindow++;
  }

  /** Records that the observer saw `client`'s awareness state `clock` at `at` (the first time only). */
  presenceSeen(client: number, clock: number, at: number): void {
    const log = this.presenceLogs.get(client);
    const sentAt = log?.times[clock];
    if (log === undefined || sentAt === undefined || sentAt === 0 || !this.inWindow(sentAt)) return;
    this.presence.add(at - sentAt);
    log.times[clock] = 0;
  }

  /** Records the acknowledgment of a send made at `sentAt`. */
  acknowledged(sentAt: number, at: number): void {
    if (this.inWindow(sentAt)) this.ack.add(at - sentAt);
  }

  get missingDeliveries(): number {
    return Math.max(0, this.expectedDeliveries - this.deliveredInWindow);
  }

  get missingAcks(): number {
    return Math.max(0, this.expectedAcks - this.ack.length);
  }
}
