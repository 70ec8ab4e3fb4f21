/** Messages larger than this go through the pump, whole or in fragments of about this size. */
export const FRAGMENT_BYTES = 64 * 1024;
/**
 * Bytes written in fragments per event-loop turn, across all sockets. The
 * kernel's copy is the turn's cost, and on the benchmark's VM 512 KiB took
 * 7–11 ms of `writev`: with 256 KiB, the isolation storm's turns of 5 ms or
 * more went from 45–75 to 36–39 (four alternating pairs), and its joiners
 * were not done later.
 */
export const FRAGMENT_BYTES_PER_TURN = 256 * 1024;

/** One large message on its way out in fragments. */
export interface OutboundMessage {
  /** What goes before {@link data}, as a fragment of its own (a message's head, kept apart so as not to copy its payload). */
  readonly head?: Uint8Array;
  readonly data: Uint8Array;
  /** Writes one fragment; `fin` marks the last. */
  readonly write: (fragment: Uint8Array, fin: boolean) => void;
  /** Whether the socket still takes writes; a closed one's message is dropped. */
  readonly isOpen: () => boolean;
  /** Called once the last fragment is written, or the message was dropped. */
  readonly done: () => void;
}

interface Sending {
  readonly message: OutboundMessage;
  /** Bytes of `data` written so far; -1 while the head is still to go. */
  offset: number;
}

/**
 * Sends large messages in WebSocket fragments, for every socket of the
 * server together: about `bytesPerTurn` a turn of the event loop. Writing a
 * message to a socket copies as much of it into the kernel as the socket
 * buffer takes, several MB on loopback: in a join storm on an 8 MB document,
 * the answers written in one go held the event loop for hundreds of
 * milliseconds while every other document's messages waited. Fragments a
 * turn apart let them through; the budget per turn keeps twenty joiners'
 * fragments from adding up to the same block.
 *
 * Messages go one after another, not round-robin: in a join storm every
 * answer is queued at once, and round-robin finished all of them together at
 * the end, so every joiner waited for the last. One after another, each
 * joiner has its answer as soon as its own bytes are out. What is left of a
 * message goes in one piece when it fits in what is left of the turn's
 * budget: a message smaller than the budget mostly leaves whole, as one
 * frame, which its client need not reassemble (the benchmark's 304 KB answer
 * went in five).
 */
export class FragmentPump {
  private readonly sending: Sending[] = [];
  private scheduled = false;

  constructor(
    /** Messages larger than this go through the pump, in fragments of at least this size. */
    readonly fragmentBytes: number,
    private readonly bytesPerTurn: number,
  ) {}

  /** Queues `message` behind those in flight; its first bytes go in the next turn. */
  send(message: OutboundMessage): void {
    this.sending.push({ message, offset: message.head === undefined ? 0 : -1 });
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.sending.length === 0) return;
    this.scheduled = true;
    setImmediate(() => this.turn());
  }

  private turn(): void {
    this.scheduled = false;
    let budget = this.bytesPerTurn;
    while (budget > 0) {
      const entry = this.sending[0];
      if (entry === undefined) break;
      const { message } = entry;
      if (!message.isOpen()) {
        this.sending.shift();
        message.done();
        continue;
      }
      if (entry.offset === -1) {
        const head = message.head as Uint8Array;
        message.write(head, false);
        budget -= head.byteLength;
        entry.offset = 0;
        continue;
      }
      const rest = message.data.byteLength - entry.offset;
      // The last piece of a turn may go past the budget, by at most a fragment.
      const size = rest <= Math.max(budget, this.fragmentBytes) ? rest : this.fragmentBytes;
      const end = entry.offset + size;
      const fin = end === message.data.byteLength;
      message.write(message.data.subarray(entry.offset, end), fin);
      budget -= size;
      entry.offset = end;
      if (fin) {
        this.sending.shift();
        message.done();
      }
    }
    this.schedule();
  }
}
