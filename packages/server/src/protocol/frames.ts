import { type DecodedUpdate, validateUpdate } from "@tandem/persistence";
import { isValidDocumentName } from "@tandem/protocol";
import * as decoding from "lib0/decoding";
import * as Y from "yjs";

/**
 * The Hocuspocus v4 message types a client may send (see @hocuspocus/server
 * `MessageType`). BroadcastStateless (6) is server-internal and SyncStatus (8)
 * and Ping (9) travel only from server to client, so they are refused here.
 */
export const MessageType = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
  SyncReply: 4,
  Stateless: 5,
  Close: 7,
  /** The provider's answer to a connection-level Ping: one byte, no document. */
  Pong: 10,
} as const;

/** y-protocols sync sub-messages. */
const SyncStep1 = 0;
const SyncStep2 = 1;
const SyncUpdate = 2;
/** @hocuspocus/common `AuthMessageType.Token`: the only auth message a client sends. */
const AuthToken = 0;

/** The longest session id accepted in a `name\0sessionId` address (the provider uses ~11 base-36 characters). */
const MAX_SESSION_ID_LENGTH = 64;
const sessionIdPattern = /^[A-Za-z0-9_-]*$/;

/**
 * The largest awareness state (its JSON, in bytes) the server relays. A
 * cursor and a name take a few hundred bytes; without a cap one client's
 * state, relayed to everyone on every change, could be megabytes.
 */
export const MAX_AWARENESS_STATE_BYTES = 8 * 1024;

/** A frame that passed validation. */
export interface Frame {
  readonly documentName: string;
  readonly type: number;
  /** For sync messages: which one. */
  readonly sync?: "step1" | "step2" | "update";
  /** For an auth message: the token it carries. */
  readonly token?: string;
  /** For sync step 1: the client's state vector, checked to decode. */
  readonly stateVector?: Uint8Array;
  /** For sync step 2 and update messages: the Yjs update, checked to decode completely. */
  readonly update?: Uint8Array;
  /** The structs and delete set of {@link update}, from that check (so nobody decodes it again). */
  readonly decoded?: DecodedUpdate;
  /**
   * For awareness messages: the states the frame sets (null: removes), by
   * awareness client id, parsed, but for those whose state is over
   * {@link MAX_AWARENESS_STATE_BYTES} (the presence extension drops a state
   * whose id is not here).
   */
  readonly awareness?: ReadonlyMap<number, AwarenessEntry>;
}

/** One client's entry in an awareness message. */
export interface AwarenessEntry {
  /** y-protocols' clock: a receiver keeps the state with the highest. */
  readonly clock: number;
  /** The parsed JSON state; null removes the client's state. */
  readonly state: unknown;
}

export type { DecodedUpdate };

/** Why a frame was refused; every reason maps to close code 4400. */
export class MalformedFrame extends Error {
  override readonly name = "MalformedFrame";
}

function readDocumentName(decoder: decoding.Decoder): string {
  const address = decoding.readVarString(decoder);
  // Session-aware providers address a document as `name\0sessionId`.
  const separator = address.indexOf("\0");
  const documentName = separator === -1 ? address : address.slice(0, separator);
  if (!isValidDocumentName(documentName)) {
    throw new MalformedFrame(`invalid document name ${JSON.stringify(documentName.slice(0, 80))}`);
  }
  if (separator !== -1) {
    const sessionId = address.slice(separator + 1);
    if (sessionId.length > MAX_SESSION_ID_LENGTH || !sessionIdPattern.test(sessionId)) {
      throw new MalformedFrame("invalid session id");
    }
  }
  return documentName;
}

function readUpdate(decoder: decoding.Decoder): { update: Uint8Array; decoded: DecodedUpdate } {
  const update = decoding.readVarUint8Array(decoder);
  try {
    // Yjs can apply part of a truncated update before it throws, and
    // y-protocols swallows that error and acknowledges anyway: an update must
    // decode completely, and be free of the shapes that throw half-way
    // through applyUpdate, before it may touch the live document. This is the
    // one decode of the update on its way in: the live document's update
    // event is what gets stored, so the store does not validate it again.
    return { update, decoded: validateUpdate(update) };
  } catch {
    throw new MalformedFrame("the update is not a valid Yjs update");
  }
}

function readAwareness(decoder: decoding.Decoder): Map<number, AwarenessEntry> {
  const inner = decoding.createDecoder(decoding.readVarUint8Array(decoder));
  const entries = new Map<number, AwarenessEntry>();
  const count = decoding.readVarUint(inner);
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(inner);
    const clock = decoding.readVarUint(inner);
    const stateBytes = decoding.peekVarUint(inner);
    // y-protocols JSON.parses each state while applying; a bad one must fail here instead.
    const state: unknown = JSON.parse(decoding.readVarString(inner));
    if (stateBytes <= MAX_AWARENESS_STATE_BYTES) entries.set(clientId, { clock, state });
  }
  return entries;
}

/**
 * Parses and validates one inbound frame completely, before Hocuspocus sees
 * it. Hocuspocus v4 reads a frame's document name outside its own error
 * handling (Connection.processMessages), so malformed bytes would surface as
 * an unhandled rejection; and y-protocols swallows errors while applying an
 * update, so a malformed update could be acknowledged. Neither may happen.
 *
 * @throws MalformedFrame for anything but a well-formed client message.
 */
export function parseFrame(data: Uint8Array): Frame {
  try {
    const decoder = decoding.createDecoder(data);
    const documentName = readDocumentName(decoder);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MessageType.Sync:
      case MessageType.SyncReply: {
        const step = decoding.readVarUint(decoder);
        if (step === SyncStep1) {
          const stateVector = decoding.readVarUint8Array(decoder);
          Y.decodeStateVector(stateVector);
          return { documentName, type, sync: "step1", stateVector };
        }
        if (step === SyncStep2) return { documentName, type, sync: "step2", ...readUpdate(decoder) };
        if (step === SyncUpdate) return { documentName, type, sync: "update", ...readUpdate(decoder) };
        throw new MalformedFrame(`unknown sync step ${step}`);
      }
      case MessageType.Awareness:
        return { documentName, type, awareness: readAwareness(decoder) };
      case MessageType.Auth: {
        const authType = decoding.readVarUint(decoder);
        if (authType !== AuthToken) throw new MalformedFrame(`unknown auth message ${authType}`);
        const token = decoding.readVarString(decoder);
        if (decoding.hasContent(decoder)) decoding.readVarString(decoder); // the provider's version
        return { documentName, type, token };
      }
      case MessageType.Stateless:
        decoding.readVarString(decoder);
        return { documentName, type };
      case MessageType.QueryAwareness:
      case MessageType.Close:
        return { documentName, type };
      default:
        throw new MalformedFrame(`unknown message type ${type}`);
    }
  } catch (error) {
    if (error instanceof MalformedFrame) throw error;
    // lib0 throws plain Errors (or RangeErrors) on truncated input, JSON.parse SyntaxErrors.
    throw new MalformedFrame(`the frame does not decode: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Whether `update` holds nothing: no structs and no deletions. A new client's
 * sync step 2 (its answer to the server's step 1) is such an update.
 */
export function holdsNothing(update: DecodedUpdate): boolean {
  return update.structs.length === 0 && update.ds.clients.size === 0;
}

/**
 * Whether Tandem answers `frame` itself (see the sync-answers extension)
 * instead of Hocuspocus: a sync step 1, which Hocuspocus would answer with an
 * encoding of the whole document per client, and a sync step 2 that holds
 * nothing, which Hocuspocus would apply in a transaction of its own (a writer)
 * or check against a `Y.snapshot` of the whole document (a read-only
 * connection), once per joining client, to acknowledge it either way.
 */
export function isAnsweredByTandem(frame: Frame): boolean {
  if (frame.sync === "step1") return true;
  return frame.sync === "step2" && frame.decoded !== undefined && holdsNothing(frame.decoded);
}

/**
 * What Hocuspocus is handed in place of a frame Tandem answers itself (see
 * {@link isAnsweredByTandem}): the same address with a QueryAwareness
 * message, which Hocuspocus v4 queues, passes through its message hooks in
 * order, and then does nothing with on a socket connection (it answers
 * QueryAwareness only on its `reply` path, which sockets do not use). So the
 * answer keeps its place among the connection's messages.
 */
export function standIn(data: Uint8Array): Uint8Array {
  const decoder = decoding.createDecoder(data);
  decoding.readVarString(decoder);
  const made = new Uint8Array(decoder.pos + 1);
  made.set(data.subarray(0, decoder.pos));
  made[decoder.pos] = MessageType.QueryAwareness;
  standIns.add(made);
  return made;
}

const standIns = new WeakSet<Uint8Array>();

/** Whether Hocuspocus is handling a stand-in made by {@link standIn} (a frame it must not answer itself). */
export function isStandIn(data: Uint8Array): boolean {
  return standIns.has(data);
}

/** The address a message starts with (a document name, perhaps followed by `\0` and a session id). */
export function addressOf(data: Uint8Array): string {
  return decoding.readVarString(decoding.createDecoder(data));
}

/** Whether a frame is the provider's one-byte Pong, which carries no document and needs no answer. */
export function isPong(data: Uint8Array): boolean {
  return data.length === 1 && data[0] === MessageType.Pong;
}

/** What the server is about to send, as far as the socket needs to know. */
export interface OutboundFrame {
  /** A sync step 2 or update: document content (for the updates-out metric). */
  readonly carriesUpdate: boolean;
  /**
   * For a positive SyncStatus (an acknowledgment): the address it goes to,
   * the document's name (followed by `\0` and a session id for a
   * session-aware provider, which may open one document more than once on a
   * socket).
   */
  readonly acknowledges?: string;
}

const plainFrame: OutboundFrame = { carriesUpdate: false };
const contentFrame: OutboundFrame = { carriesUpdate: true };

// Hocuspocus sends one array to every connection of a document; the answer for
// the last array asked about saves parsing each of those copies again.
let lastAsked: Uint8Array | undefined;
let lastAnswer: OutboundFrame = plainFrame;

/** Parses the head of a frame the server sends. */
export function describeOutbound(data: Uint8Array): OutboundFrame {
  if (data !== lastAsked) {
    lastAnswer = parseOutbound(data);
    lastAsked = data;
  }
  return lastAnswer;
}

/** Hocuspocus's SyncStatus message, server to client: 1 after it applied an update, 0 when it refused one. */
const SyncStatus = 8;

function parseOutbound(data: Uint8Array): OutboundFrame {
  try {
    const decoder = decoding.createDecoder(data);
    const address = decoding.readVarString(decoder);
    const type = decoding.readVarUint(decoder);
    if (type === SyncStatus) {
      if (decoding.readVarUint(decoder) !== 1) return plainFrame;
      return { carriesUpdate: false, acknowledges: address };
    }
    if (type !== MessageType.Sync && type !== MessageType.SyncReply) return plainFrame;
    const step = decoding.readVarUint(decoder);
    return step === SyncStep2 || step === SyncUpdate ? contentFrame : plainFrame;
  } catch {
    return plainFrame;
  }
}
