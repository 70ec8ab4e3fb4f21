/**
 * A token bucket: `perSecond` tokens a second, holding at most twice that (a
 * provider that reconnects sends an auth, a sync step and an awareness update
 * for every document on its socket at once, and a client coming back online
 * sends its queued edits). Tokens may go into debt: a WebSocket ping or pong
 * has been handled by ws before the server hears of it, so it is paid for
 * afterwards.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = this.capacity;
    this.last = now();
  }

  /** The most tokens the bucket holds: the largest burst that passes at once. */
  get capacity(): number {
    return this.perSecond * 2;
  }

  /** Whether the bucket is full again: the client has sent less than its rate for a while. */
  get isFull(): boolean {
    this.refill();
    return this.tokens >= this.capacity;
  }

  /** Takes one token; false (taking nothing) when less than one is left. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Takes one token whether or not there is one; true while the bucket is in debt afterwards. */
  spend(): boolean {
    this.refill();
    this.tokens -= 1;
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

/** Settings and effects of a {@link Throttle}. */
export interface ThrottleOptions<T> {
  /** Messages a second on average; bursts of up to twice that pass at once. */
  readonly perSecond: number;
  /** How long a client may be held back without a break before {@link onSustained} is called. */
  readonly maxThrottledMs: number;
  /** Stops reading the client's socket, so that TCP pushes back on the sender. */
  readonly pause: () => void;
  /** Reads the client's socket again. */
  readonly resume: () => void;
  /** Handles one message; called in the order the messages arrived. */
  readonly deliver: (message: T) => void;
  /**
   * Called once, instead of holding any more, when the client has been held
   * back for `maxThrottledMs` without a break; the throttle is stopped.
   */
  readonly onSustained: () => void;
  /** Called each time the socket is paused (for the metric). */
  readonly onPause?: () => void;
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
export class Throttle<T> {
  private readonly bucket: RateLimiter;
  private readonly now: () => number;
  private held: T[] = [];
  private paused = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  /** When the current stretch of being held back began; undefined while the client keeps within its budget. */
  private throttledSince: number | undefined;

  constructor(private readonly options: ThrottleOptions<T>) {
    this.now = options.now ?? (() => performance.now());
    this.bucket = new RateLimiter(options.perSecond, this.now);
  }

  /** Whether the socket is paused: the client is being held back. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Delivers `message` now if the budget allows and nothing is held before it, else holds it. */
  admit(message: T): void {
    if (this.stopped) return;
    this.endStretchIfRested();
    if (this.held.length === 0 && this.bucket.take()) {
      this.options.deliver(message);
      return;
    }
    this.held.push(message);
    this.holdBack();
  }

  /** Charges a frame that was handled already (a WebSocket ping or pong): it costs a token like any message. */
  charge(): void {
    if (this.stopped) return;
    this.endStretchIfRested();
    if (this.bucket.spend()) this.holdBack();
  }

  /** Drops whatever is held and cancels the timer; the throttle does nothing after. */
  stop(): void {
    this.stopped = true;
    this.held = [];
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
      this.options.onSustained();
      return;
    }
    if (!this.paused) {
      this.paused = true;
      this.options.pause();
      this.options.onPause?.();
    }
    this.schedule();
  }

  /**
   * Wakes once there is budget for the whole backlog (up to a full burst),
   * rather than for every single token.
   */
  private schedule(): void {
    if (this.timer !== undefined) return;
    // Woken at the end of the allowed stretch at the latest, however deep the debt.
    const untilGivingUp = (this.throttledSince ?? this.now()) + this.options.maxThrottledMs - this.now();
    const wait = Math.max(0, Math.min(this.bucket.msUntil(Math.max(1, this.held.length)), untilGivingUp));
    this.timer = setTimeout(() => this.release(), wait);
  }

  private release(): void {
    this.timer = undefined;
    if (this.stopped) return;
    // The backlog may have grown since the timer was set (what the socket had
    // read already when it was paused): wait for its budget too.
    if (this.bucket.msUntil(Math.max(1, this.held.length)) > 0) {
      this.holdBack();
      return;
    }
    // deliver may close the connection, which stops the throttle and empties `held`.
    while (this.held.length > 0 && this.bucket.take()) this.options.deliver(this.held.shift() as T);
    if (this.stopped) return;
    // Read again once nothing is held and pings and pongs are paid for.
    if (this.held.length > 0 || this.bucket.msUntil(0) > 0) {
      this.holdBack();
      return;
    }
    this.paused = false;
    this.options.resume();
  }
}
