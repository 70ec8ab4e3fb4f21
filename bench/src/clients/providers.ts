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
  /** Calls `listener` whenever the provider reports that every local change is acknowledged. */
  onAcknowledged(listener: () => void): void;
  destroy(): void;
}

function hocuspocusClient(contender: Contender, documentName: string): ProviderClient {
  const doc = new Y.Doc();
  const socket = new HocuspocusProviderWebsocket({ url: contender.baseUrl, delay: 50, minDelay: 50, maxDelay: 500 });
  const provider = new HocuspocusProvider({ websocketProvider: socket, name: documentName, document: doc, token: "" });
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
    onAcknowledged(listener) {
      provider.on("unsyncedChanges", ({ number }: { number: number }) => {
        if (number === 0) listener();
      });
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
  const synced = new Promise<void>((resolve) => {
    if (provider.synced) resolve();
    else provider.once("sync", () => resolve());
  });
  return {
    doc,
    text: doc.getText("t"),
    synced,
    unsynced: () => 0,
    onAcknowledged() {},
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
