import { isValidDocumentName } from "@tandem/protocol";
import * as decoding from "lib0/decoding";
import * as Y from "yjs";

/** Hocuspocus v4 message types (see @hocuspocus/server `MessageType`). */
export const MessageType = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
  SyncReply: 4,
  Stateless: 5,
  Close: 7,
} as const;

/** y-protocols sync sub-messages. */
const SyncStep1 = 0;
const SyncStep2 = 1;
const SyncUpdate = 2;

/** A frame that passed validation. `update` is set for sync step 2 and update messages: the edit to make durable. */
export interface Frame {
  readonly documentName: string;
  readonly type: number;
  readonly update?: Uint8Array;
  /** For auth messages: the token. */
  readonly token?: string;
}

/** Why a frame was refused; every reason maps to close code 4400. */
export class MalformedFrame extends Error {
  override readonly name = "MalformedFrame";
}

function readDocumentName(decoder: decoding.Decoder): string {
  const rawKey = decoding.readVarString(decoder);
  // Providers may address a document as `name\0sessionId`.
  const separator = rawKey.indexOf("\0");
  const documentName = separator === -1 ? rawKey : rawKey.slice(0, separator);
  if (!isValidDocumentName(documentName))
    throw new MalformedFrame(`invalid document name ${JSON.stringify(documentName.slice(0, 80))}`);
  return documentName;
}

function readUpdate(decoder: decoding.Decoder): Uint8Array {
  const update = decoding.readVarUint8Array(decoder);
  try {
    // Yjs can apply part of a truncated update before it throws, so an update
    // must decode completely before it may touch the live document.
    Y.decodeUpdate(update);
  } catch {
    throw new MalformedFrame("the update does not decode");
  }
  return update;
}

function readAwareness(decoder: decoding.Decoder): void {
  const update = decoding.readVarUint8Array(decoder);
  const inner = decoding.createDecoder(update);
  const count = decoding.readVarUint(inner);
  for (let i = 0; i < count; i++) {
    decoding.readVarUint(inner); // client id
    decoding.readVarUint(inner); // clock
    JSON.parse(decoding.readVarString(inner));
  }
}

/**
 * Parses and validates one inbound frame completely, before Hocuspocus sees
 * it: Hocuspocus reads the document name outside its own error handling, and
 * y-protocols swallows errors while applying an update, so a malformed frame
 * must never get that far.
 *
 * @throws MalformedFrame
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
          Y.decodeStateVector(decoding.readVarUint8Array(decoder));
          return { documentName, type };
        }
        if (step === SyncStep2 || step === SyncUpdate) return { documentName, type, update: readUpdate(decoder) };
        throw new MalformedFrame(`unknown sync step ${step}`);
      }
      case MessageType.Awareness:
        readAwareness(decoder);
        return { documentName, type };
      case MessageType.Auth: {
        decoding.readVarUint(decoder);
        return { documentName, type, token: decoding.readVarString(decoder) };
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
    throw new MalformedFrame(`the frame does not decode: ${(error as Error).message}`);
  }
}

/** Whether an outbound frame carries document content (a sync step 2 or update), for the updates-out metric. */
export function carriesUpdate(data: Uint8Array): boolean {
  try {
    const decoder = decoding.createDecoder(data);
    decoding.readVarString(decoder);
    const type = decoding.readVarUint(decoder);
    if (type !== MessageType.Sync && type !== MessageType.SyncReply) return false;
    const step = decoding.readVarUint(decoder);
    return step === SyncStep2 || step === SyncUpdate;
  } catch {
    return false;
  }
}
