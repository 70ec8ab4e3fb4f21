import * as encoding from "lib0/encoding";

/** The two wire protocols the contenders speak. */
export type ProtocolName = "hocuspocus" | "y-websocket";

/** What an inbound message was, as far as a bot cares. */
export const Inbound = {
  /** Something a bot ignores (awareness, stateless, unknown). */
  Other: 0,
  /** A document update (`payload` is the Yjs update). */
  Update: 1,
  /** The answer to our sync step 1 (`payload` is the Yjs update): the bot is synced. */
  SyncStep2: 2,
  /** The server's own sync step 1 (`payload` is its state vector): answer with a step 2. */
  SyncStep1: 3,
  /** Hocuspocus' sync status for one of our updates (`applied`). */
  Ack: 4,
  /** Hocuspocus authenticated us for the document. */
  Authenticated: 5,
  /** Hocuspocus refused the document. */
  Denied: 6,
  /** An awareness update (`payload` is the y-protocols awareness update). */
  Awareness: 7,
  /** Hocuspocus' connection-level Ping: answer with the protocol's `pong`. */
  Ping: 8,
} as const;
export type InboundKind = (typeof Inbound)[keyof typeof Inbound];

/** A decoded inbound message. One instance is reused per call, so read it before the next decode. */
export interface Decoded {
  kind: InboundKind;
  payload: Uint8Array;
  applied: boolean;
}

/**
 * Frames for one protocol. Hocuspocus prefixes every message with the
 * document name (one socket can carry many documents) and starts each
 * document with an auth message; y-websocket has one document per socket,
 * named by the URL path, and no acknowledgments.
 */
export interface WireProtocol {
  readonly name: ProtocolName;
  /** The WebSocket URL for `documentName`, from the server's base WebSocket URL. */
  url(baseUrl: string, documentName: string): string;
  /** What a client sends first: (auth and) sync step 1 with its state vector. */
  hello(documentName: string, stateVector: Uint8Array, token: string): Uint8Array[];
  syncStep2(documentName: string, update: Uint8Array): Uint8Array;
  update(documentName: string, update: Uint8Array): Uint8Array;
  awareness(documentName: string, awarenessUpdate: Uint8Array): Uint8Array;
  /** The answer to a Ping (Hocuspocus; y-websocket has none). */
  readonly pong?: Uint8Array;
  /** Decodes one inbound message into `into`; returns `into`. */
  decode(data: Uint8Array, into: Decoded): Decoded;
}

// Hocuspocus message types (see @hocuspocus/server `MessageType`).
const SYNC = 0;
const AWARENESS = 1;
const AUTH = 2;
const SYNC_REPLY = 4;
const SYNC_STATUS = 8;
// Connection-level keep-alive: one byte each, no document name.
const PING = 9;
const PONG = 10;
// y-protocols sync steps.
const STEP1 = 0;
const STEP2 = 1;
const UPDATE = 2;
// @hocuspocus/common AuthMessageType.
const AUTH_TOKEN = 0;
const AUTH_DENIED = 1;
const AUTH_OK = 2;
/** What @hocuspocus/provider sends as its version after the token. */
const PROVIDER_VERSION = "4.8.0";

let cursor = 0;

function readVarUint(data: Uint8Array): number {
  let value = 0;
  let multiplier = 1;
  for (;;) {
    const byte = data[cursor++];
    if (byte === undefined) throw new RangeError("message ends inside a varuint");
    value += (byte & 0x7f) * multiplier;
    if (byte < 0x80) return value;
    multiplier *= 128;
  }
}

function readVarUint8Array(data: Uint8Array): Uint8Array {
  const length = readVarUint(data);
  const start = cursor;
  cursor += length;
  return data.subarray(start, cursor);
}

function skipVarString(data: Uint8Array): void {
  const length = readVarUint(data);
  cursor += length;
}

/** A message, prefixed with the document name when the protocol addresses documents (Hocuspocus). */
function message(documentName: string | undefined, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  if (documentName !== undefined) encoding.writeVarString(encoder, documentName);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

function syncMessage(documentName: string | undefined, step: number, payload: Uint8Array): Uint8Array {
  return message(documentName, (encoder) => {
    encoding.writeVarUint(encoder, SYNC);
    encoding.writeVarUint(encoder, step);
    encoding.writeVarUint8Array(encoder, payload);
  });
}

function awarenessMessage(documentName: string | undefined, awarenessUpdate: Uint8Array): Uint8Array {
  return message(documentName, (encoder) => {
    encoding.writeVarUint(encoder, AWARENESS);
    encoding.writeVarUint8Array(encoder, awarenessUpdate);
  });
}

/** Reads a y-protocols sync message (after its type byte) into `into`. */
function decodeSync(data: Uint8Array, into: Decoded): Decoded {
  const step = readVarUint(data);
  into.payload = readVarUint8Array(data);
  into.kind = step === STEP1 ? Inbound.SyncStep1 : step === STEP2 ? Inbound.SyncStep2 : Inbound.Update;
  return into;
}

/** The Hocuspocus protocol, framed as @hocuspocus/provider 4.8 frames it. */
export const hocuspocusProtocol: WireProtocol = {
  name: "hocuspocus",
  url: (baseUrl) => baseUrl,
  hello: (documentName, stateVector, token) => [
    message(documentName, (encoder) => {
      encoding.writeVarUint(encoder, AUTH);
      encoding.writeVarUint(encoder, AUTH_TOKEN);
      encoding.writeVarString(encoder, token);
      encoding.writeVarString(encoder, PROVIDER_VERSION);
    }),
    syncMessage(documentName, STEP1, stateVector),
  ],
  syncStep2: (documentName, update) => syncMessage(documentName, STEP2, update),
  update: (documentName, update) => syncMessage(documentName, UPDATE, update),
  awareness: (documentName, awarenessUpdate) => awarenessMessage(documentName, awarenessUpdate),
  pong: new Uint8Array([PONG]),
  decode(data, into) {
    cursor = 0;
    into.kind = Inbound.Other;
    if (data.length === 1 && data[0] === PING) {
      into.kind = Inbound.Ping;
      return into;
    }
    skipVarString(data);
    const type = readVarUint(data);
    if (type === SYNC || type === SYNC_REPLY) return decodeSync(data, into);
    if (type === AWARENESS) {
      into.kind = Inbound.Awareness;
      into.payload = readVarUint8Array(data);
    } else if (type === SYNC_STATUS) {
      into.kind = Inbound.Ack;
      into.applied = readVarUint(data) === 1;
    } else if (type === AUTH) {
      const authType = readVarUint(data);
      if (authType === AUTH_OK) into.kind = Inbound.Authenticated;
      else if (authType === AUTH_DENIED) into.kind = Inbound.Denied;
    }
    return into;
  },
};

/** The plain y-websocket protocol: y-protocols sync and awareness, one document per socket. */
export const yWebsocketProtocol: WireProtocol = {
  name: "y-websocket",
  url: (baseUrl, documentName) => `${baseUrl}/${documentName}`,
  hello: (_documentName, stateVector) => [syncMessage(undefined, STEP1, stateVector)],
  syncStep2: (_documentName, update) => syncMessage(undefined, STEP2, update),
  update: (_documentName, update) => syncMessage(undefined, UPDATE, update),
  awareness: (_documentName, awarenessUpdate) => awarenessMessage(undefined, awarenessUpdate),
  decode(data, into) {
    cursor = 0;
    into.kind = Inbound.Other;
    const type = readVarUint(data);
    if (type === SYNC) return decodeSync(data, into);
    if (type === AWARENESS) {
      into.kind = Inbound.Awareness;
      into.payload = readVarUint8Array(data);
    }
    return into;
  },
};

/**
 * Calls `each(client, clock)` for every client state in a y-protocols
 * awareness update, without parsing the states' JSON.
 */
export function forEachAwarenessClock(update: Uint8Array, each: (client: number, clock: number) => void): void {
  cursor = 0;
  const count = readVarUint(update);
  for (let i = 0; i < count; i++) {
    const client = readVarUint(update);
    const clock = readVarUint(update);
    skipVarString(update);
    each(client, clock);
  }
}

/** The head of a Yjs V1 update: how many clients and structs it carries, and the first struct's id. */
export interface UpdateHead {
  clients: number;
  structs: number;
  client: number;
  clock: number;
}

/**
 * Reads the head of a Yjs V1 update without decoding the rest: when an update
 * holds one struct (one insertion, as every bot send is), its (client, clock)
 * says which send it was. Returns false when the update carries no structs.
 */
export function readUpdateHead(update: Uint8Array, out: UpdateHead): boolean {
  cursor = 0;
  out.clients = readVarUint(update);
  if (out.clients === 0) return false;
  out.structs = readVarUint(update);
  out.client = readVarUint(update);
  out.clock = readVarUint(update);
  return true;
}
