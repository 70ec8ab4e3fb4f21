import { Samples } from "./samples.js";

/** When each client's sends left (ms, 0: unknown), by the Yjs or awareness clock of the send. */
interface SendTimes {
  get(client: number, clock: number): number;
  set(client: number, clock: number, at: number): void;
}

/** Send times of any clients, in growable per-client logs (one generator thread). */
class LocalSendTimes implements SendTimes {
  private readonly logs = new Map<number, Float64Array>();

  get(client: number, clock: number): number {
    return this.logs.get(client)?.[clock] ?? 0;
  }

  set(client: number, clock: number, at: number): void {
    let times = this.logs.get(client);
    if (times === undefined || clock >= times.length) {
      const bigger = new Float64Array(Math.max(clock + 1, (times?.length ?? 512) * 2));
      if (times !== undefined) bigger.set(times);
      times = bigger;
      this.logs.set(client, times);
    }
    times[clock] = at;
  }
}

/**
 * Send times in memory every generator thread sees: one row of `clocks`
 * entries for each of `clients` consecutive client ids from `firstClient`.
 * The sender writes, whichever thread receives reads; fixed in size, so a
 * send beyond its row is an error, never silently dropped.
 */
export class SharedSendTimes implements SendTimes {
  private readonly times: Float64Array;

  constructor(
    readonly buffer: SharedArrayBuffer,
    readonly firstClient: number,
    readonly clocks: number,
  ) {
    this.times = new Float64Array(buffer);
  }

  static create(firstClient: number, clients: number, clocks: number): SharedSendTimes {
    return new SharedSendTimes(new SharedArrayBuffer(clients * clocks * 8), firstClient, clocks);
  }

  private slot(client: number, clock: number): number {
    const row = client - this.firstClient;
    return row >= 0 && clock < this.clocks ? row * this.clocks + clock : -1;
  }

  get(client: number, clock: number): number {
    const slot = this.slot(client, clock);
    return slot >= 0 && slot < this.times.length ? (this.times[slot] as number) : 0;
  }

  set(client: number, clock: number, at: number): void {
    const slot = this.slot(client, clock);
    if (slot < 0 || slot >= this.times.length)
      throw new Error(`no room for send ${client}:${clock} in the shared send times`);
    this.times[slot] = at;
  }
}

/** Where a threaded ledger keeps send times: a {@link SharedSendTimes} each for updates and presence. */
export interface SharedLedgerMemory {
  readonly updates: SharedSendTimes;
  readonly presence: SharedSendTimes;
}

/** A ledger's counts: summed over the ledgers of several generator threads, they are the measurement's. */
export interface LedgerCounts {
  sentInWindow: number;
  expectedDeliveries: number;
  deliveredInWindow: number;
  expectedAcks: number;
  acks: number;
  presenceSentInWindow: number;
  presenceSeen: number;
}

/**
 * The bookkeeping of one measurement: when every update was sent, who got it
 * when, and how long acknowledgments took. Only sends inside the measurement
 * window count; deliveries of those sends count whenever they arrive, and the
 * ones that never arrive are reported as missing.
 */
export class DeliveryLedger {
  private readonly updateTimes: SendTimes;
  private readonly presenceTimes: SendTimes;
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

  /** Send times in this thread only, or (`shared`) in memory the ledgers of other generator threads share. */
  constructor(shared?: SharedLedgerMemory) {
    this.updateTimes = shared?.updates ?? new LocalSendTimes();
    this.presenceTimes = shared?.presence ?? new LocalSendTimes();
  }

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
    this.updateTimes.set(client, clock, at);
    if (this.inWindow(at)) {
      this.sentInWindow++;
      this.expectedDeliveries += receivers;
      if (acknowledged) this.expectedAcks++;
    }
  }

  /** Records that the insertion (`client`, `clock`) arrived at another client at `at`. */
  delivered(client: number, clock: number, at: number): void {
    const sentAt = this.updateTimes.get(client, clock);
    if (sentAt === 0 || !this.inWindow(sentAt)) return;
    this.delivery.add(at - sentAt);
    this.deliveredInWindow++;
  }

  /** Records that `client` published its awareness state with clock `clock` at `at`. */
  presenceSent(client: number, clock: number, at: number): void {
    this.presenceTimes.set(client, clock, at);
    if (this.inWindow(at)) this.presenceSentInWindow++;
  }

  /**
   * Records that the observer saw `client`'s awareness state `clock` at `at`,
   * and with it every earlier state of that client it has not seen: a server
   * that batches presence sends only a client's latest state (a generator
   * that catches up sends several at once), and the watcher is then up to
   * date with all of them. Each counts once.
   */
  presenceSeen(client: number, clock: number, at: number): void {
    for (let earlier = clock; earlier >= 0; earlier--) {
      const sentAt = this.presenceTimes.get(client, earlier);
      if (sentAt === 0) return;
      if (this.inWindow(sentAt)) this.presence.add(at - sentAt);
      // One observer per document, so no other thread needs this time again.
      this.presenceTimes.set(client, earlier, 0);
    }
  }

  /** Records the acknowledgment of a send made at `sentAt`. */
  acknowledged(sentAt: number, at: number): void {
    if (this.inWindow(sentAt)) this.ack.add(at - sentAt);
  }

  /** This ledger's counts so far (see {@link LedgerCounts}). */
  get counts(): LedgerCounts {
    return {
      sentInWindow: this.sentInWindow,
      expectedDeliveries: this.expectedDeliveries,
      deliveredInWindow: this.deliveredInWindow,
      expectedAcks: this.expectedAcks,
      acks: this.ack.length,
      presenceSentInWindow: this.presenceSentInWindow,
      presenceSeen: this.presence.length,
    };
  }
}
