import * as encoding from "lib0/encoding";
import WebSocket from "ws";

/** A bare WebSocket that speaks no protocol unless told: an attacker, or a misbehaving client. */
export interface RawSocket {
  readonly ws: WebSocket;
  /** Resolves with the close code and reason the server sent. */
  readonly closed: Promise<{ code: number; reason: string }>;
  send(frame: Uint8Array | string): void;
}

export async function openRawSocket(wsUrl: string): Promise<RawSocket> {
  const ws = new WebSocket(wsUrl);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on("error", () => {
    // The close event carries what the tests look at.
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return { ws, closed, send: (frame) => ws.send(frame) };
}

/** Builds a Hocuspocus frame: document name, message type, then whatever `body` writes. */
export function frame(
  documentName: string,
  type: number,
  body: (encoder: encoding.Encoder) => void = () => {},
): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, documentName);
  encoding.writeVarUint(encoder, type);
  body(encoder);
  return encoding.toUint8Array(encoder);
}

/** Hocuspocus's Auth message type. */
const Auth = 2;
/** Hocuspocus's Sync message type, and y-protocols' update sub-message. */
const Sync = 0;
const SyncUpdate = 2;

/** The Auth frame a provider sends to open `documentName` with `token` (dev mode takes an empty one). */
export function authFrame(documentName: string, token = ""): Uint8Array {
  return frame(documentName, Auth, (encoder) => {
    encoding.writeVarUint(encoder, 0); // AuthMessageType.Token
    encoding.writeVarString(encoder, token);
  });
}

/** The Sync frame a provider sends for one local change: `update` to `documentName`. */
export function updateFrame(documentName: string, update: Uint8Array): Uint8Array {
  return frame(documentName, Sync, (encoder) => {
    encoding.writeVarUint(encoder, SyncUpdate);
    encoding.writeVarUint8Array(encoder, update);
  });
}
