import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import type { Contender } from "../contenders/index.js";

/**
 * A real client library connected to a contender: @hocuspocus/provider for
 * Tandem and stock Hocuspocus, y-websocket's WebsocketProvider for the
 * reference server. Used where realism matters more than a light generator:
 * sync detection, acknowledgments, whole-trace replay.
 */
export interface ProviderClient {
  readonly doc: Y.Doc;
  readonly text: Y.Text;
  /** Resolves after the first sync. */
  readonly synced: Promise<void>;
  /** Local changes the server has not acknowledged yet (always 0 for y-websocket, which never acknowledges). */
  unsynced(): number;
  /**
   * Calls `listener` whenever the provider reports that every local change is
   * acknowledged; returns what stops it.
   */
  onAcknowledged(listener: () => void): () => void;
  /** How often the server closed (or the network lost) its connection; the provider reconnects by itself. */
  disconnects(): number;
  destroy(): void;
}

function hocuspocusClient(contender: Contender, documentName: string): ProviderClient {
  const doc = new Y.Doc();
  const socket = new HocuspocusProviderWebsocket({ url: contender.baseUrl, delay: 50, minDelay: 50, maxDelay: 500 });
  const provider = new HocuspocusProvider({ websocketProvider: socket, name: documentName, document: doc, token: "" });
  let closes = 0;
  socket.on("close", () => closes++);
  provider.attach();
  const synced = new Promise<void>((resolve) => {
    if (provider.isSynced) resolve();
    else provider.on("synced", () => resolve());
  });
  return {
    doc,
    text: doc.getText("t"),
    synced,
    unsynced: () => provider.unsyncedChanges,
    disconnects: () => closes,
    onAcknowledged(listener) {
      const onChange = ({ number }: { number: number }) => {
        if (number === 0) listener();
      };
      provider.on("unsyncedChanges", onChange);
      return () => provider.off("unsyncedChanges", onChange);
    },
    destroy() {
      provider.destroy();
      socket.destroy();
    },
  };
}

function yWebsocketClient(contender: Contender, documentName: string): ProviderClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(contender.baseUrl, documentName, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  let closes = 0;
  provider.on("connection-close", () => closes++);
  const synced = new Promise<void>((resolve) => {
    if (provider.synced) resolve();
    else provider.once("sync", () => resolve());
  });
  return {
    doc,
    text: doc.getText("t"),
    synced,
    unsynced: () => 0,
    disconnects: () => closes,
    onAcknowledged: () => () => {},
    destroy() {
      provider.destroy();
    },
  };
}

/** Connects a real provider to `documentName` on `contender`. */
export function connectProvider(contender: Contender, documentName: string): ProviderClient {
  return contender.protocol.name === "hocuspocus"
    ? hocuspocusClient(contender, documentName)
    : yWebsocketClient(contender, documentName);
}

/** Resolves once `condition` holds, checking after every change to `doc`. */
export function whenDoc(doc: Y.Doc, condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (condition()) {
      resolve();
      return;
    }
    const check = () => {
      if (!condition()) return;
      clearTimeout(timer);
      doc.off("update", check);
      resolve();
    };
    const timer = setTimeout(() => {
      doc.off("update", check);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    doc.on("update", check);
  });
}

/** Whether `doc` has everything `other` has. */
function hasAll(doc: Y.Doc, other: Y.Doc): boolean {
  const mine = Y.decodeStateVector(Y.encodeStateVector(doc));
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(other))) {
    if ((mine.get(client) ?? 0) < clock) return false;
  }
  return true;
}

/**
 * Resolves once every change of `client` is acknowledged (immediately for
 * y-websocket, which never acknowledges), as soon as the provider says so:
 * polling every 5 ms added up to 5 ms to each wait of a server that
 * acknowledges after its commit, and nothing to one that acknowledges before
 * the reader has caught up.
 */
export function acknowledged(client: ProviderClient, deadline: number): Promise<void> {
  if (client.unsynced() === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const stop = client.onAcknowledged(() => {
      clearTimeout(timer);
      stop();
      resolve();
    });
    const timer = setTimeout(
      () => {
        stop();
        reject(new Error("timed out waiting for acknowledgments"));
      },
      Math.max(0, deadline - Date.now()),
    );
  });
}

/**
 * Resolves once `reader` holds everything `writer` typed. The state vector
 * covers insertions only: typing that ends with deletions leaves it
 * unchanged, so the text must be the same too (compared only once the state
 * vectors agree, so the string is built a few times per wait).
 */
export function caughtUp(
  reader: ProviderClient,
  writer: ProviderClient,
  deadline: number,
  what: string,
): Promise<void> {
  const typed = writer.text.toString();
  return whenDoc(
    reader.doc,
    () => hasAll(reader.doc, writer.doc) && reader.text.toString() === typed,
    Math.max(0, deadline - Date.now()),
    what,
  );
}
