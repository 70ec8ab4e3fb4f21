/**
 * What a frame costs on top of its length, in bytes of budget: the server's
 * fixed work per message (parse, hooks, fan-out, metrics) is about what
 * applying half a kilobyte of update costs, so a flood of tiny frames is paid
 * for like the work it causes, not like the few bytes it carries.
 */
export const FRAME_COST_BYTES = 512;

/** The clock buckets read unless given another: one function for all of them, not a closure each. */
const monotonicNow = (): number => performance.now();

/** What a frame of `byteLength` bytes costs of a connection's budget. */
export function frameCost(byteLength: number): number {
  return byteLength + FRAME_COST_BYTES;
}

/**
 * A token bucket: `perSecond` tokens a second, holding at most `capacity`
 * (a provider that reconnects sends an auth, a sync step and an awareness
 * update for every document on its socket at once, a client coming back
 * online its queued edits, a paste or a script thousands of transactions).
 * Tokens may go into debt: a WebSocket ping or pong has been handled by ws
 * before the server hears of it, so it is paid for afterwards, and a single
 * message larger than the whole bucket passes once the bucket is full.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    /** The most tokens the bucket holds: the largest burst that passes at once. */
    readonly capacity: number,
    private readonly now: () => number = monotonicNow,
  ) {
    this.tokens = this.capacity;
    this.last = now();
  }

  /** Whether the bucket is full again: the client has sent less than its rate for a while. */
  get isFull(): boolean {
    this.refill();
    return this.tokens >= this.capacity;
  }

  /**
   * Takes `count` tokens; false (taking nothing) when fewer are left. More
   * than the bucket holds are taken once it is full, leaving it in debt.
   */
  take(count: number): boolean {
    this.refill();
    if (this.tokens < Math.min(count, this.capacity)) return false;
    this.tokens -= count;
    return true;
  }

  /** Takes `count` tokens whether or not there are as many; true while the bucket is in debt afterwards. */
  spend(count: number): boolean {
    this.refill();
    this.tokens -= count;
    return this.tokens < 0;
  }

  /** Milliseconds until the bucket holds `count` tokens (at most its capacity); 0 if it does now. */
  msUntil(count: number): number {
    this.refill();
    const missing = Math.min(count, this.capacity) - this.tokens;
    return missing <= 0 ? 0 : Math.ceil((missing / this.perSecond) * 1000);
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
  }
}

/**
 * Settings and effects of a {@link Throttle}. One object serves every
 * throttle of a server: each effect is told which throttle's `subject` it is
 * for, so that an idle connection does not carry closures of its own.
 */
export interface ThrottleOptions<T, S> {
  /** Budget a second on average (bytes, each message counted at {@link frameCost}). */
  readonly perSecond: number;
  /** The most budget saved up: a burst this large passes at once. */
  readonly burst: number;
  /** What `message` costs of the budget. */
  readonly cost: (message: T) => number;
  /** How long a client may be held back without a break before {@link onSustained} is called. */
  readonly maxThrottledMs: number;
  /** Stops reading the client's socket, so that TCP pushes back on the sender. */
  readonly pause: (subject: S) => void;
  /** Reads the client's socket again. */
  readonly resume: (subject: S) => void;
  /** Handles one message; called in the order the messages arrived. */
  readonly deliver: (subject: S, message: T) => void;
  /**
   * Called once, instead of holding any more, when the client has been held
   * back for `maxThrottledMs` without a break; the throttle is stopped.
   */
  readonly onSustained: (subject: S) => void;
  /** Called each time the socket is paused (for the metric). */
  readonly onPause?: (subject: S) => void;
  readonly now?: () => number;
}

/**
 * Paces one connection's messages at its rate limit by back-pressure instead
 * of disconnection: a client that sends faster than the limit is not read
 * from until its budget refills (TCP then slows the sender down), and what it
 * sent meanwhile is held and delivered later, in order, none lost. Messages
 * that ws had already read when the socket was paused arrive while paused;
 * they are what is held, so the backlog is bounded by one read from the
 * socket.
 *
 * Only a client held back for `maxThrottledMs` without a break (its budget
 * never refilled completely in between, because every time its socket was
 * read again it was over the limit at once) is given up on. An honest client
 * catching up on thousands of edits passes in seconds; one that keeps its
 * socket full for a minute is a loop or a flood.
 */
export class Throttle<T, S> {
  private readonly bucket: RateLimiter;
  private readonly now: () => number;
  private held: T[] = [];
  /** What {@link held} costs in all. */
  private heldCost = 0;
  private paused = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  /** When the current stretch of being held back began; undefined while the client keeps within its budget. */
  private throttledSince: number | undefined;

  /** `subject` is what the effects in `options` are called with: the connection this throttle paces. */
  constructor(
    private readonly options: ThrottleOptions<T, S>,
    private readonly subject: S,
  ) {
    this.now = options.now ?? monotonicNow;
    this.bucket = new RateLimiter(options.perSecond, options.burst, this.now);
  }

  /** Whether the socket is paused: the client is being held back. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Delivers `message` now if the budget allows and nothing is held before it, else holds it. */
  admit(message: T): void {
    if (this.stopped) return;
    this.endStretchIfRested();
    const cost = this.options.cost(message);
    if (this.held.length === 0 && this.bucket.take(cost)) {
      this.options.deliver(this.subject, message);
      return;
    }
    this.held.push(message);
    this.heldCost += cost;
    this.holdBack();
  }

  /** Charges `cost` for a frame that was handled already (a WebSocket ping or pong). */
  charge(cost: number): void {
    if (this.stopped) return;
    this.endStretchIfRested();
    if (this.bucket.spend(cost)) this.holdBack();
  }

  /** Drops whatever is held and cancels the timer; the throttle does nothing after. */
  stop(): void {
    this.stopped = true;
    this.held = [];
    this.heldCost = 0;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private endStretchIfRested(): void {
    if (this.throttledSince !== undefined && !this.paused && this.bucket.isFull) this.throttledSince = undefined;
  }

  private holdBack(): void {
    this.throttledSince ??= this.now();
    if (this.now() - this.throttledSince >= this.options.maxThrottledMs) {
      this.stop();
      this.options.onSustained(this.subject);
      return;
    }
    if (!this.paused) {
      this.paused = true;
      this.options.pause(this.subject);
      this.options.onPause?.(this.subject);
    }
    this.schedule();
  }

  /**
   * Wakes once there is budget for the whole backlog (up to a full burst),
   * rather than for every single message.
   */
  private schedule(): void {
    if (this.timer !== undefined) return;
    // Woken at the end of the allowed stretch at the latest, however deep the debt.
    const untilGivingUp = (this.throttledSince ?? this.now()) + this.options.maxThrottledMs - this.now();
    const wait = Math.max(0, Math.min(this.bucket.msUntil(this.heldCost), untilGivingUp));
    this.timer = setTimeout(() => this.release(), wait);
  }

  private release(): void {
    this.timer = undefined;
    if (this.stopped) return;
    // The backlog may have grown since the timer was set (what the socket had
    // read already when it was paused): wait for its budget too.
    if (this.bucket.msUntil(this.heldCost) > 0) {
      this.holdBack();
      return;
    }
    // deliver may close the connection, which stops the throttle and empties `held`.
    while (this.held.length > 0) {
      const message = this.held[0] as T;
      const cost = this.options.cost(message);
      if (!this.bucket.take(cost)) break;
      this.held.shift();
      this.heldCost -= cost;
      this.options.deliver(this.subject, message);
    }
    if (this.stopped) return;
    // Read again once nothing is held and pings and pongs are paid for.
    if (this.held.length > 0 || this.bucket.msUntil(0) > 0) {
      this.holdBack();
      return;
    }
    this.paused = false;
    this.options.resume(this.subject);
  }
}
