import { DEFAULT_TENANT } from "@tandem/persistence";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { clientName, scopeName } from "../auth/tenant-names.js";
import type { Frame } from "./frames.js";

/** `data` with its address (the varstring every Hocuspocus message starts with) replaced by `rename(address)`. */
export function readdress(data: Uint8Array, rename: (address: string) => string): Uint8Array {
  const decoder = decoding.createDecoder(data);
  const address = decoding.readVarString(decoder);
  const renamed = rename(address);
  if (renamed === address) return data;
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, renamed);
  encoding.writeUint8Array(encoder, data.subarray(decoder.pos));
  return encoding.toUint8Array(encoder);
}

// Hocuspocus sends one array to every connection of a document (all of one
// tenant): the copy made for the last array saves making it again for each.
let lastScoped: Uint8Array | undefined;
let lastShown: Uint8Array = new Uint8Array();

/** A message the server sends, addressed with the name its tenant's clients know. */
function shownToClient(data: Uint8Array): Uint8Array {
  if (data !== lastScoped) {
    try {
      lastShown = readdress(data, clientName);
    } catch {
      // Every message Hocuspocus v4 sends starts with an address; one that does not (a future connection-level
      // message) names no document, and goes as it is rather than throwing inside Hocuspocus's send.
      lastShown = data;
    }
    lastScoped = data;
  }
  return lastShown;
}

/** A frame that passed validation, and its bytes. */
export interface CheckedFrame {
  readonly bytes: Uint8Array;
  readonly frame: Frame;
}

/** Why a socket's frames could not be held until its tenant was known. */
export class TooMuchBeforeTenant extends Error {
  override readonly name = "TooMuchBeforeTenant";
}

/**
 * The tenant a socket speaks for, and the renaming of its frames between the
 * names its clients know (`spec/42`) and the server's (`acme!spec/42`, see
 * `scopeName`). Every document on the socket, and every hook, store row and
 * Redis channel behind it, is then that tenant's.
 *
 * The tenant is the one the socket's first token claims (read before it is
 * verified, see `Authenticator.claimedTenant`): authentication then refuses a
 * document whose tenant is not its token's, so a false claim reaches nothing.
 * A later token of another tenant on the same socket is refused the same way.
 * A provider flushes what it queued while offline before its token, so
 * frames that come before any token are held (up to the limits Hocuspocus
 * applies to frames waiting for authentication) and passed on behind it in
 * their order.
 */
export class SocketTenant {
  private tenant: string | undefined;
  private held: CheckedFrame[] = [];
  private heldBytes = 0;

  constructor(
    private readonly claimedTenant: (token: string) => string,
    private readonly limits: { readonly bytes: number; readonly messages: number },
  ) {}

  /** Bytes held until the socket's tenant is known. */
  get bytesHeld(): number {
    return this.heldBytes;
  }

  /**
   * What to hand on for one inbound frame, in order and addressed with the
   * server's names: nothing while the tenant is not known yet.
   *
   * @throws TooMuchBeforeTenant when the frames held pass the limits.
   */
  admit(checked: CheckedFrame): CheckedFrame[] {
    if (this.tenant === undefined) {
      if (checked.frame.token === undefined) {
        this.heldBytes += checked.bytes.byteLength;
        this.held.push(checked);
        if (this.heldBytes > this.limits.bytes || this.held.length > this.limits.messages) {
          throw new TooMuchBeforeTenant(`${this.held.length} frames (${this.heldBytes} bytes) before any token`);
        }
        return [];
      }
      this.tenant = this.claimedTenant(checked.frame.token);
    }
    // Past the first token nothing is held: the usual answer is the frame alone.
    const waiting = this.held.length === 0 ? [checked] : [...this.held, checked];
    this.held = [];
    this.heldBytes = 0;
    const tenant = this.tenant;
    if (tenant === DEFAULT_TENANT) return waiting;
    return waiting.map(({ bytes, frame }) => ({ bytes: readdress(bytes, (name) => scopeName(tenant, name)), frame }));
  }

  /** A message the server sends, as the socket's clients address it. */
  outbound(data: Uint8Array): Uint8Array {
    return this.tenant === undefined || this.tenant === DEFAULT_TENANT ? data : shownToClient(data);
  }
}
