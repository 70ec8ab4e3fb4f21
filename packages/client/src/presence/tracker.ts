import { userColorOf } from "@tandem/protocol";
import type { Awareness } from "y-protocols/awareness";
import type { TandemUser } from "../identity.js";

/** One person in a document, as presence shows them. */
export interface Peer {
  readonly user: TandemUser;
  /** Their awareness client ids (one per open tab), most recently active first. */
  readonly clientIds: readonly number[];
  /** When this client last saw them act (move their caret, type), by the local clock. */
  readonly lastActiveAt: number;
  /** No activity for {@link PresenceOptions.idleAfterMs}. */
  readonly idle: boolean;
  /** Whether this is the local user. */
  readonly isSelf: boolean;
  /** Whether they have a caret in the document (they may only be looking). */
  readonly hasCursor: boolean;
}

/** Who is in a document now. */
export interface PresenceSnapshot {
  /** Everyone, the local user first, then by most recent activity. */
  readonly peers: readonly Peer[];
}

/** Options of {@link PresenceTracker}. */
export interface PresenceOptions {
  /** After this long without activity a person counts as idle (their caret label fades). Default 15 s. */
  readonly idleAfterMs?: number;
  readonly now?: () => number;
}

/** Default of {@link PresenceOptions.idleAfterMs}. */
export const DEFAULT_IDLE_AFTER_MS = 15_000;

interface AwarenessChanges {
  added: number[];
  updated: number[];
  removed: number[];
}

function userOf(state: Record<string, unknown> | undefined, clientId: number): TandemUser {
  const user = state?.user as Partial<TandemUser> | undefined;
  const id = typeof user?.id === "string" ? user.id : `client:${clientId}`;
  const name = typeof user?.name === "string" && user.name !== "" ? user.name : "Anonymous";
  // Stamped by the server from the token: a person cannot pass for a program, nor the reverse.
  return { id, name, color: userColorOf(id, user?.color), ...(user?.program === true ? { program: true } : {}) };
}

/**
 * Tracks who is in a document from its awareness, and when each person was
 * last active. Activity is judged by this client's clock when a peer's state
 * changes (a caret move, typing), not by timestamps peers send, so clock skew
 * between machines does not matter; the periodic awareness renewal is not a
 * change and so does not count as activity.
 */
export class PresenceTracker {
  private readonly idleAfterMs: number;
  private readonly now: () => number;
  private readonly lastActive = new Map<number, number>();
  private readonly listeners = new Set<() => void>();
  private snapshot: PresenceSnapshot | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly awareness: Awareness,
    options: PresenceOptions = {},
  ) {
    this.idleAfterMs = options.idleAfterMs ?? DEFAULT_IDLE_AFTER_MS;
    this.now = options.now ?? Date.now;
    const seen = this.now();
    for (const clientId of awareness.getStates().keys()) this.lastActive.set(clientId, seen);
    awareness.on("change", this.onChange);
  }

  private readonly onChange = ({ added, updated, removed }: AwarenessChanges) => {
    const at = this.now();
    for (const clientId of [...added, ...updated]) this.lastActive.set(clientId, at);
    for (const clientId of removed) this.lastActive.delete(clientId);
    this.invalidate();
  };

  private invalidate(): void {
    this.snapshot = undefined;
    for (const listener of [...this.listeners]) listener();
  }

  /** When the client `clientId` was last active, by the local clock. */
  lastActiveAt(clientId: number): number | undefined {
    return this.lastActive.get(clientId);
  }

  /** Whether the person with awareness client `clientId` is idle now. */
  isIdle(clientId: number): boolean {
    return this.now() - (this.lastActive.get(clientId) ?? 0) >= this.idleAfterMs;
  }

  /** How long until `clientId` turns idle (0 when it already is), for fading its caret label on time. */
  msUntilIdle(clientId: number): number {
    return Math.max(0, (this.lastActive.get(clientId) ?? 0) + this.idleAfterMs - this.now());
  }

  /**
   * How long until the carets of the user `userId` (all their tabs) turn
   * idle, for fading their labels on time; 0 when they already are or are
   * unknown. For the local user that is their other tabs and devices: this
   * one draws no caret of its own.
   */
  msUntilUserIdle(userId: string): number {
    const peer = this.getSnapshot().peers.find((candidate) => candidate.user.id === userId);
    return peer ? Math.max(0, this.caretDeadline(peer) - this.now()) : 0;
  }

  /** When the carets of `peer` turn idle: their last activity on a client other than this one, plus the idle time. */
  private caretDeadline(peer: Peer): number {
    const elsewhere = peer.clientIds.filter((clientId) => clientId !== this.awareness.clientID);
    return Math.max(-Infinity, ...elsewhere.map((clientId) => this.lastActive.get(clientId) ?? 0)) + this.idleAfterMs;
  }

  getSnapshot(): PresenceSnapshot {
    if (this.snapshot) return this.snapshot;
    const now = this.now();
    const selfId = this.awareness.clientID;
    const byUser = new Map<
      string,
      { user: TandemUser; clients: number[]; last: number; self: boolean; cursor: boolean }
    >();
    for (const [clientId, state] of this.awareness.getStates()) {
      const user = userOf(state, clientId);
      const last = clientId === selfId ? now : (this.lastActive.get(clientId) ?? now);
      const entry = byUser.get(user.id) ?? { user, clients: [], last: 0, self: false, cursor: false };
      entry.clients.push(clientId);
      entry.last = Math.max(entry.last, last);
      entry.self ||= clientId === selfId;
      entry.cursor ||= state.cursor != null;
      byUser.set(user.id, entry);
    }
    const peers = [...byUser.values()].map(
      (entry): Peer => ({
        user: entry.user,
        clientIds: entry.clients.sort((a, b) => (this.lastActive.get(b) ?? 0) - (this.lastActive.get(a) ?? 0)),
        lastActiveAt: entry.last,
        idle: !entry.self && now - entry.last >= this.idleAfterMs,
        isSelf: entry.self,
        hasCursor: entry.cursor,
      }),
    );
    peers.sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || b.lastActiveAt - a.lastActiveAt);
    this.snapshot = { peers };
    this.scheduleIdleCheck(peers, now);
    return this.snapshot;
  }

  // Nothing changes when someone turns idle, so a timer re-renders at that moment (the local user's
  // other devices included, whose carets fade too).
  private scheduleIdleCheck(peers: readonly Peer[], now: number): void {
    clearTimeout(this.idleTimer);
    const next = Math.min(...peers.map((peer) => this.caretDeadline(peer) - now).filter((wait) => wait > 0));
    if (Number.isFinite(next)) this.idleTimer = setTimeout(() => this.invalidate(), Math.max(0, next) + 1);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  destroy(): void {
    clearTimeout(this.idleTimer);
    this.awareness.off("change", this.onChange);
    this.listeners.clear();
  }
}
