/**
 * Settings and effects of a {@link TurnSlicer}, told which slicer's `subject`
 * they act for, so that every connection of a server can share one object.
 */
export interface TurnSlicerOptions<T, S> {
  /** The most messages handed on in one event-loop turn. */
  readonly perTurn: number;
  /** Handles one message; called in the order the messages came. */
  readonly deliver: (subject: S, message: T) => void;
  /** Stops reading the client's socket while messages wait for a later turn. */
  readonly pause: (subject: S) => void;
  /** Reads the client's socket again. */
  readonly resume: (subject: S) => void;
}

/**
 * Hands one connection's messages on at most `perTurn` to an event-loop
 * turn, in order. Hocuspocus handles every message it is given in one run of
 * microtasks, so a socket read holding hundreds of frames (a paste, a script,
 * a client sending its offline edits) held the event loop for all of them:
 * no Postgres reply was read, no other socket served and nothing broadcast
 * until the last one was applied, and then the whole read waited for one
 * commit before a single acknowledgment went out. In slices, each slice's
 * commit runs while the next is applied, and the writer hears its
 * acknowledgments slice by slice.
 *
 * While messages wait, the socket is paused, so what waits is bounded by
 * what was read before the pause took effect.
 */
export class TurnSlicer<T, S> {
  private held: T[] = [];
  /** Messages handed on since the current turn began. */
  private handed = 0;
  /** Whether the end of the current turn is scheduled (it resets {@link handed}). */
  private turnEnding = false;
  private paused = false;
  private stopped = false;

  constructor(
    private readonly options: TurnSlicerOptions<T, S>,
    private readonly subject: S,
  ) {}

  /** Hands `message` on now if this turn has room and nothing waits before it, else keeps it for a later turn. */
  admit(message: T): void {
    if (this.stopped) return;
    if (this.held.length === 0 && this.handed < this.options.perTurn) {
      this.hand(message);
      return;
    }
    this.held.push(message);
    if (!this.paused) {
      this.paused = true;
      this.options.pause(this.subject);
    }
  }

  /** Drops whatever waits; the slicer does nothing after. */
  stop(): void {
    this.stopped = true;
    this.held = [];
  }

  private hand(message: T): void {
    this.handed++;
    if (!this.turnEnding) {
      this.turnEnding = true;
      // setImmediate runs after the poll phase has read whatever is ready (a
      // Postgres reply, other sockets), which is what a turn boundary is for here.
      setImmediate(() => this.nextTurn());
    }
    this.options.deliver(this.subject, message);
  }

  private nextTurn(): void {
    this.turnEnding = false;
    this.handed = 0;
    // deliver may close the connection, which stops the slicer and empties `held`.
    while (!this.stopped && this.held.length > 0 && this.handed < this.options.perTurn) {
      this.hand(this.held.shift() as T);
    }
    if (this.stopped || this.held.length > 0 || !this.paused) return;
    this.paused = false;
    this.options.resume(this.subject);
  }
}
