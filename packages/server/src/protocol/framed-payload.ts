/**
 * A message to send as `head` followed by `payload`, without copying the two
 * into one array: a joining client's sync step 2 carries the whole document,
 * one array shared by every joiner, and copying 8 MB into a message of its
 * own took 20–46 ms of the event loop on a VM where fresh memory costs about
 * 3 ms a MiB (the kernel maps each page at its first touch). A socket sends a
 * large one in fragments, the head first (see `FragmentPump`).
 */
export class FramedPayload {
  private joinedBytes: Uint8Array | undefined;

  constructor(
    readonly head: Uint8Array,
    readonly payload: Uint8Array,
  ) {}

  get byteLength(): number {
    return this.head.byteLength + this.payload.byteLength;
  }

  /** The same payload behind another head (a tenant's client knows the document by another address). */
  withHead(head: Uint8Array): FramedPayload {
    return head === this.head ? this : new FramedPayload(head, this.payload);
  }

  /** The message as one array, for a payload small enough to go in one piece: made once, then shared. */
  joined(): Uint8Array {
    if (this.joinedBytes === undefined) {
      this.joinedBytes = new Uint8Array(this.byteLength);
      this.joinedBytes.set(this.head);
      this.joinedBytes.set(this.payload, this.head.byteLength);
    }
    return this.joinedBytes;
  }
}
