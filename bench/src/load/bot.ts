import * as encoding from "lib0/encoding";
import * as Y from "yjs";
import {
  type Decoded,
  forEachAwarenessClock,
  Inbound,
  readUpdateHead,
  type UpdateHead,
  type WireProtocol,
} from "../wire/protocols.js";
import { RawWebSocket } from "../wire/websocket.js";
import { now } from "./clock.js";
import type { DeliveryLedger } from "./ledger.js";

/** Where and how a bot connects. */
export interface BotConfig {
  readonly protocol: WireProtocol;
  /** The server's base WebSocket URL (Tandem: `ws://host:port/collab`). */
  readonly baseUrl: string;
  readonly documentName: string;
  /** Display name in presence. */
  readonly name: string;
  /**
   * The Yjs client id of the bot's document (default: random). Bots spread
   * over several generator threads get consecutive ones, so that one shared
   * table of send times serves them all (see `SharedSendTimes`).
   */
  readonly clientID?: number;
  /**
   * Whether the bot only skims messages over 64 KiB (see `RawWebSocket`'s
   * `onLargeMessage`): a join storm's clients need to know when the document
   * arrived and how large it was, not its bytes.
   */
  readonly skimsLargeMessages?: boolean;
}

const TYPED = "The quick brown fox jumps over the lazy dog while five people edit one paragraph together. ";
const COLORS = ["#30bced", "#6eeb83", "#ffbc42", "#ee6352", "#9ac2c9", "#8acb88", "#1be7ff"];

/**
 * A lightweight raw-protocol Yjs client. It keeps a Y.Doc of its own edits
 * only, so a send costs what a keystroke costs (one insertion at its own
 * cursor, encoded by Yjs), and it never applies what others send: it reads
 * just the head of each inbound update to tell which send it was. That keeps
 * the load generator far cheaper than the servers it measures.
 */
export class Bot {
  readonly doc = new Y.Doc();
  private readonly text = this.doc.getText("t");
  /** How many other bots receive this bot's updates (for the ledger's expected deliveries). */
  receivers = 0;
  /** Records sends, deliveries and acknowledgments while a measurement runs. */
  ledger: DeliveryLedger | undefined;
  /** Updates sent, and their bytes (the Yjs update alone, without framing). */
  sent = 0;
  sentBytes = 0;
  /** When the bot finished its first sync (on the clock of `now`), once it did. */
  syncedAt: number | undefined;
  /** Size of the sync step 2 that synced it. */
  syncBytes = 0;
  /** The close code, once the server closed the connection. */
  closeCode: number | undefined;
  /** A refusal by the server, if any. */
  denied = false;
  /** Whether this bot reads others' presence into the ledger (costly: one observer per document is enough). */
  observesPresence = false;
  private socket: RawWebSocket | undefined;
  private lastUpdate: Uint8Array | undefined;
  // Send times of updates awaiting Hocuspocus' sync status, oldest first (NaN: our sync step 2).
  private readonly unacknowledged: number[] = [];
  private unacknowledgedHead = 0;
  private awarenessClock = 0;
  private readonly decoded: Decoded = { kind: Inbound.Other, payload: new Uint8Array(), applied: false };
  private readonly head: UpdateHead = { clients: 0, structs: 0, client: 0, clock: 0 };
  private resolveSynced: (() => void) | undefined;
  private rejectSynced: ((error: Error) => void) | undefined;
  /** Resolves once the first sync completed. */
  readonly synced: Promise<void>;

  constructor(readonly config: BotConfig) {
    if (config.clientID !== undefined) this.doc.clientID = config.clientID;
    this.doc.on("update", (update: Uint8Array) => {
      this.lastUpdate = update;
    });
    this.synced = new Promise<void>((resolve, reject) => {
      this.resolveSynced = resolve;
      this.rejectSynced = reject;
    });
    // A bot that never syncs is reported by whoever awaits `synced`; don't let it go unhandled meanwhile.
    this.synced.catch(() => {});
  }

  get clientID(): number {
    return this.doc.clientID;
  }

  /** Opens the socket and sends the opening messages; `synced` resolves when the server answered. */
  async open(): Promise<void> {
    const { protocol, baseUrl, documentName } = this.config;
    this.socket = await RawWebSocket.open(protocol.url(baseUrl, documentName), {
      onMessage: (data) => this.receive(data, data.length),
      ...(this.config.skimsLargeMessages
        ? { onLargeMessage: (head: Uint8Array, length: number) => this.receive(head, length) }
        : {}),
      onClose: (code) => {
        this.closeCode = code;
        this.rejectSynced?.(new Error(`${this.config.name}: closed with ${code} before it synced`));
      },
    });
    for (const message of protocol.hello(documentName, Y.encodeStateVector(this.doc), "")) this.socket.send(message);
  }

  /** Types one character at the bot's own cursor and sends the update. */
  type(): void {
    const clock = this.text.length;
    this.text.insert(clock, TYPED[clock % TYPED.length] as string);
    const update = this.lastUpdate;
    if (update === undefined || this.socket === undefined) return;
    const at = now();
    const acknowledged = this.config.protocol.name === "hocuspocus";
    if (acknowledged) this.unacknowledged.push(at);
    this.ledger?.sent(this.clientID, clock, at, this.receivers, acknowledged);
    this.socket.send(this.config.protocol.update(this.config.documentName, update));
    this.sent++;
    this.sentBytes += update.length;
  }

  /**
   * Publishes presence: the user and a cursor at the end of the bot's text,
   * as relative positions, the way y-prosemirror's cursor plugin does.
   */
  sendAwareness(): void {
    if (this.socket === undefined) return;
    const position = {
      type: null,
      tname: "default",
      item: { client: this.clientID, clock: this.text.length },
      assoc: 0,
    };
    const state = {
      user: { name: this.config.name, color: COLORS[this.clientID % COLORS.length] },
      cursor: { anchor: position, head: position },
    };
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 1);
    encoding.writeVarUint(encoder, this.clientID);
    encoding.writeVarUint(encoder, ++this.awarenessClock);
    encoding.writeVarString(encoder, JSON.stringify(state));
    this.ledger?.presenceSent(this.clientID, this.awarenessClock, now());
    this.socket.send(this.config.protocol.awareness(this.config.documentName, encoding.toUint8Array(encoder)));
  }

  /** Sends an already framed message (e.g. a whole document as one update). */
  sendRaw(message: Uint8Array): void {
    this.socket?.send(message);
  }

  close(): void {
    this.socket?.close();
  }

  destroy(): void {
    this.socket?.destroy();
    this.doc.destroy();
  }

  /** Handles a message of `length` bytes, of which `data` holds all, or the start when it was skimmed. */
  private receive(data: Uint8Array, length: number): void {
    const message = this.config.protocol.decode(data, this.decoded);
    switch (message.kind) {
      case Inbound.Update:
        this.delivered(message.payload);
        return;
      case Inbound.SyncStep2:
        if (this.syncedAt === undefined) {
          this.syncedAt = now();
          // The payload runs to the message's end: of a skimmed message, `data` holds only its start.
          this.syncBytes = length - (message.payload.byteOffset - data.byteOffset);
          this.resolveSynced?.();
        } else {
          this.delivered(message.payload);
        }
        return;
      case Inbound.SyncStep1: {
        const reply = Y.encodeStateAsUpdate(this.doc, message.payload);
        if (this.config.protocol.name === "hocuspocus") this.unacknowledged.push(Number.NaN);
        this.socket?.send(this.config.protocol.syncStep2(this.config.documentName, reply));
        return;
      }
      case Inbound.Ack: {
        if (this.unacknowledgedHead >= this.unacknowledged.length) return;
        const sentAt = this.unacknowledged[this.unacknowledgedHead++] as number;
        if (this.unacknowledgedHead > 4096) {
          this.unacknowledged.splice(0, this.unacknowledgedHead);
          this.unacknowledgedHead = 0;
        }
        if (!Number.isNaN(sentAt) && message.applied) this.ledger?.acknowledged(sentAt, now());
        return;
      }
      case Inbound.Awareness: {
        const ledger = this.ledger;
        if (!this.observesPresence || ledger === undefined) return;
        const at = now();
        forEachAwarenessClock(message.payload, (client, clock) => ledger.presenceSeen(client, clock, at));
        return;
      }
      case Inbound.Ping:
        // As the provider answers, so that Tandem's keep-alive does not take a quiet bot for a gone one.
        if (this.config.protocol.pong) this.socket?.send(this.config.protocol.pong);
        return;
      case Inbound.Denied:
        this.denied = true;
        this.rejectSynced?.(new Error(`${this.config.name}: the server refused ${this.config.documentName}`));
        return;
      default:
        return;
    }
  }

  private delivered(update: Uint8Array): void {
    const ledger = this.ledger;
    if (ledger === undefined || !readUpdateHead(update, this.head)) return;
    const at = now();
    if (this.head.clients === 1 && this.head.structs === 1) {
      // y-websocket echoes a client's own updates back to it.
      if (this.head.client !== this.clientID) ledger.delivered(this.head.client, this.head.clock, at);
      return;
    }
    // Several insertions in one update (a server may merge or release pending ones together).
    for (const struct of Y.decodeUpdate(update).structs) {
      if (struct.id.client === this.clientID) continue;
      for (let clock = struct.id.clock; clock < struct.id.clock + struct.length; clock++) {
        ledger.delivered(struct.id.client, clock, at);
      }
    }
  }
}
