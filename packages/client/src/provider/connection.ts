import { HocuspocusProviderWebsocket, WebSocketStatus } from "@hocuspocus/provider";
import { closeCodeFor, commentsDocumentName, isValidDocumentName } from "@tandem/protocol";
import * as Y from "yjs";
import { TandemClientError } from "../errors.js";
import { devToken, resolveUser, type TandemUser, type TandemUserInput } from "../identity.js";
import { shallowEqual, Value } from "../observable.js";
import { type SyncState, TandemDocument } from "./document.js";
import { DocumentProvider } from "./document-provider.js";
import { hasIndexedDb, LocalCopy, listLocalDocuments, localDatabaseName } from "./local-copy.js";
import { type BackoffOptions, DEFAULT_BACKOFF, decideAfterClose } from "./reconnect-policy.js";

/**
 * Where the shared socket stands:
 * - `idle`: no document is open, so no socket;
 * - `connecting`: a connection attempt is under way;
 * - `connected`: the socket is open;
 * - `waiting`: the socket closed and a reconnect is scheduled (`retryAt`): offline;
 * - `offline`: the browser says it has no network: no attempt until it says it is back;
 * - `refreshing-token`: the server refused the token (4401) and the host is asked for a new one;
 * - `unauthorized`: no usable token; set one with {@link TandemConnection.setToken};
 * - `stopped`: the server closed with a code that says retrying would fail the same way (see `lastClose`).
 */
export type ConnectionPhase =
  | "idle"
  | "connecting"
  | "connected"
  | "waiting"
  | "offline"
  | "refreshing-token"
  | "unauthorized"
  | "stopped";

/** Whether the browser says it has no network at all (never true in Node). */
function browserOffline(): boolean {
  return globalThis.navigator?.onLine === false;
}

/** The shared socket's state. */
export interface ConnectionState {
  readonly phase: ConnectionPhase;
  /** The last close: its code and, for codes Tandem sends, the reason from the close-code table. */
  readonly lastClose: { readonly code: number; readonly reason: string } | null;
  /** When `waiting`, the time (ms since the epoch) of the next attempt. */
  readonly retryAt: number | null;
  /** Reconnect attempts since the connection was last healthy. */
  readonly attempt: number;
}

/** Options of {@link TandemConnection}; `<TandemProvider>` passes its props here. */
export interface TandemConnectionOptions {
  /** The server's collaboration endpoint, `ws(s)://host/collab`. */
  readonly url: string;
  /**
   * The token: a JWT signed with the server's secret. Omit it for a server in
   * dev mode (no `AUTH_SECRET`): the kit then sends `user` as the dev token.
   */
  readonly token?: string | null;
  /**
   * Called when the server refuses the token (close code 4401, usually an
   * expired JWT): resolve with a fresh one and the connection retries. Without
   * it, a 4401 stops the connection until {@link TandemConnection.setToken}.
   */
  readonly getToken?: () => string | Promise<string>;
  /** The local user, for what the token does not say (its claims win: the server goes by them). */
  readonly user?: TandemUserInput;
  /** Reconnect backoff; defaults to {@link DEFAULT_BACKOFF}. */
  readonly backoff?: Partial<BackoffOptions>;
  /** A connection that has been authenticated this long counts as healthy, and the backoff starts over. */
  readonly healthyAfterMs?: number;
  /** How long a document stays open after its last component lets go of it (so a re-mount reuses it). */
  readonly releaseDelayMs?: number;
  /**
   * Keep each open document on this device (IndexedDB, one database per
   * document, server and user), so that it opens from local data at once and
   * edits made offline survive a reload or a closed tab. Default: `true`
   * where IndexedDB exists (browsers); Node has none and ignores it.
   * `clearLocalData` deletes the copies.
   */
  readonly keepOnDevice?: boolean;
  /** A WebSocket implementation, for Node. */
  readonly WebSocketPolyfill?: unknown;
  /** Randomness for backoff jitter, for tests. */
  readonly random?: () => number;
}

/** A document opened with {@link TandemConnection.openDocument}; call `release` when done with it. */
export interface DocumentLease {
  readonly document: TandemDocument;
  release(): void;
}

interface OpenDocument {
  readonly document: TandemDocument;
  leases: number;
  closeTimer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * One WebSocket to a Tandem server, shared by every document the page opens
 * (Hocuspocus multiplexing), that reconnects with backoff and obeys the
 * close-code table of `@tandem/protocol`: no blind retry after 4400, 4403 or
 * 4413; after 4401 it asks `getToken` for a fresh token first.
 *
 * React apps use `<TandemProvider>`, which owns one of these. Use it directly
 * for other frameworks or in Node.
 *
 * @example
 * ```ts
 * const connection = new TandemConnection({
 *   url: "wss://tandem.example.com/collab",
 *   token: await fetchToken(),
 *   getToken: fetchToken,
 * });
 * const { document, release } = connection.openDocument("spec/42");
 * document.state.subscribe(() => console.log(document.state.get()));
 * // later
 * release();
 * connection.destroy();
 * ```
 */
export class TandemConnection {
  readonly user: TandemUser;
  readonly state: Value<ConnectionState>;
  /** Sync state across every open document (changes waiting summed; synced when all are); `null` with none open. */
  readonly summary = new Value<SyncState | null>(null, (a, b) => a === b || (!!a && !!b && shallowEqual(a, b)));
  private readonly keepOnDevice: boolean;
  private readonly options: TandemConnectionOptions;
  private readonly backoff: BackoffOptions;
  private readonly random: () => number;
  private readonly documents = new Map<string, OpenDocument>();
  private socket: HocuspocusProviderWebsocket | undefined;
  private token: string;
  private getToken: (() => string | Promise<string>) | undefined;
  private retainers = 0;
  private destroyTimer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private refreshes = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private healthyTimer: ReturnType<typeof setTimeout> | undefined;
  private destroyed = false;

  constructor(options: TandemConnectionOptions) {
    this.options = options;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.random = options.random ?? Math.random;
    this.user = resolveUser(options.user, options.token);
    this.token = options.token ?? devToken(this.user);
    this.getToken = options.getToken;
    this.keepOnDevice = (options.keepOnDevice ?? true) && hasIndexedDb();
    this.state = new Value<ConnectionState>(
      { phase: "idle", lastClose: null, retryAt: null, attempt: 0 },
      shallowEqual,
    );
    // The socket is created on the first openDocument, so constructing a
    // connection (React may do so twice) has no side effects.
  }

  private setState(change: Partial<ConnectionState>): void {
    this.state.update((state) => ({ ...state, ...change }));
  }

  private ensureSocket(): HocuspocusProviderWebsocket {
    if (this.socket) return this.socket;
    const socket = new HocuspocusProviderWebsocket({
      url: this.options.url,
      autoConnect: false,
      ...(this.options.WebSocketPolyfill ? { WebSocketPolyfill: this.options.WebSocketPolyfill } : {}),
    });
    // The provider's own retry loop only runs when creating a socket throws; every close goes through onClose.
    socket.on("maxAttemptsFailed", ({ error }: { error: unknown }) => {
      console.warn("[tandem] could not open a socket", error);
      this.onClose({ code: 1006, reason: "could not connect" });
    });
    socket.on("status", ({ status }: { status: WebSocketStatus }) => {
      if (status === WebSocketStatus.Connecting) this.setState({ phase: "connecting", retryAt: null });
      if (status === WebSocketStatus.Connected) this.setState({ phase: "connected", retryAt: null });
    });
    // "disconnect" carries the close event for every way a socket ends (including the
    // provider's own timeout), and is emitted before the provider schedules its own reconnect.
    socket.on("disconnect", ({ event }: { event?: { code?: number; reason?: string } }) => this.onClose(event));
    this.socket = socket;
    globalThis.addEventListener?.("online", this.onOnline);
    globalThis.addEventListener?.("offline", this.onOffline);
    return socket;
  }

  // Back online: no point waiting out the backoff.
  private readonly onOnline = () => {
    const phase = this.state.get().phase;
    if (phase === "waiting" || phase === "offline") {
      this.attempt = 0;
      this.connectNow();
    }
  };

  // The browser lost the network. Close the socket now rather than let it die
  // slowly: the server then drops this person's presence at once (others
  // stop seeing them as here), and the status says "Offline" instead of
  // counting changes as if they were on their way.
  private readonly onOffline = () => {
    if (this.documents.size === 0 || this.destroyed) return;
    clearTimeout(this.retryTimer);
    this.socket?.disconnect();
    this.setState({ phase: "offline", retryAt: null });
  };

  private onClose(event: { code?: number; reason?: string } | undefined): void {
    const socket = this.socket;
    if (!socket || this.destroyed) return;
    clearTimeout(this.healthyTimer);
    // Take reconnecting away from the provider: it would retry blindly after any close.
    socket.disconnect();
    if (this.documents.size === 0) {
      this.setState({ phase: "idle", retryAt: null });
      return;
    }
    const code = event?.code ?? 1006;
    const lastClose = { code, reason: closeCodeFor(code)?.reason ?? (event?.reason || "connection lost") };
    if (browserOffline()) {
      // Retrying cannot succeed before the "online" event, which reconnects.
      this.setState({ phase: "offline", lastClose, retryAt: null });
      return;
    }
    const decision = decideAfterClose(
      { code, attempt: this.attempt, refreshes: this.refreshes, canRefresh: this.getToken !== undefined },
      this.backoff,
      this.random,
    );
    switch (decision.action) {
      case "stop":
        this.setState({ phase: code === 4401 ? "unauthorized" : "stopped", lastClose, retryAt: null });
        return;
      case "refresh-token":
        this.refreshes++;
        this.setState({ phase: "refreshing-token", lastClose, retryAt: null });
        this.refreshToken();
        return;
      case "retry": {
        this.attempt++;
        this.setState({ phase: "waiting", lastClose, retryAt: Date.now() + decision.delayMs, attempt: this.attempt });
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.connectNow(), decision.delayMs);
      }
    }
  }

  private refreshToken(): void {
    const getToken = this.getToken;
    if (!getToken) return;
    Promise.resolve()
      .then(getToken)
      .then(
        (token) => {
          if (this.destroyed || this.state.get().phase !== "refreshing-token") return;
          if (typeof token !== "string" || token === "") {
            this.setState({ phase: "unauthorized" });
            return;
          }
          this.token = token;
          this.connectNow();
        },
        (error: unknown) => {
          // The host could not produce a token; the user has to sign in again.
          console.warn("[tandem] getToken failed", error);
          if (!this.destroyed) this.setState({ phase: "unauthorized" });
        },
      );
  }

  private connectNow(): void {
    clearTimeout(this.retryTimer);
    if (this.destroyed || this.documents.size === 0) return;
    const socket = this.ensureSocket();
    if (browserOffline()) {
      this.setState({ phase: "offline", retryAt: null });
      return;
    }
    socket.connect().catch((error: unknown) => {
      console.warn("[tandem] connecting failed", error);
    });
  }

  private onAuthenticated(): void {
    this.refreshes = 0;
    // A connection that stays up for a while is healthy: backoff starts over. Not
    // at once, or a server that accepts and then rate-limits would be hammered.
    clearTimeout(this.healthyTimer);
    this.healthyTimer = setTimeout(() => {
      this.attempt = 0;
      this.setState({ attempt: 0 });
    }, this.options.healthyAfterMs ?? 10_000);
  }

  /** The token the providers send: the latest one set or fetched. */
  private currentToken = (): string => this.token;

  /**
   * Opens a document (its content and its comments) on the shared socket, or
   * shares the one already open. Each lease must be released.
   *
   * @throws TandemClientError `invalid-argument` for a name the server would refuse.
   */
  openDocument(name: string): DocumentLease {
    if (this.destroyed) throw new TandemClientError("destroyed", "this connection was destroyed");
    if (!isValidDocumentName(name) || name.endsWith("#comments")) {
      throw new TandemClientError("invalid-argument", `"${name}" is not a document name`);
    }
    let open = this.documents.get(name);
    if (!open) {
      open = { document: this.createDocument(name), leases: 0, closeTimer: undefined };
      this.documents.set(name, open);
      this.summarize();
    }
    const entry = open;
    clearTimeout(entry.closeTimer);
    entry.leases++;
    const phase = this.state.get().phase;
    if (phase === "idle") this.connectNow();
    let released = false;
    return {
      document: entry.document,
      release: () => {
        if (released) return;
        released = true;
        entry.leases--;
        if (entry.leases > 0) return;
        entry.closeTimer = setTimeout(() => this.closeDocument(name, entry), this.options.releaseDelayMs ?? 0);
      },
    };
  }

  private createDocument(name: string): TandemDocument {
    const socket = this.ensureSocket();
    let document: TandemDocument | undefined;
    const half = (documentName: string, withAwareness: boolean) => {
      const doc = new Y.Doc();
      // Created first, so that what it loads is applied with it as the origin the provider knows.
      const local = this.keepOnDevice
        ? new LocalCopy(localDatabaseName({ url: this.options.url, userId: this.user.id }, documentName), doc, () =>
            document?.refresh(),
          )
        : undefined;
      const provider = new DocumentProvider({
        websocketProvider: socket,
        name: documentName,
        document: doc,
        token: this.currentToken,
        // Presence lives on the content; the comments need none.
        ...(withAwareness ? {} : { awareness: null }),
        ...(local ? { localOrigin: local.persistence } : {}),
        onAuthenticated: () => this.onAuthenticated(),
      });
      provider.attach();
      return { provider, local };
    };
    const content = half(name, true);
    const comments = half(commentsDocumentName(name), false);
    document = new TandemDocument({
      name,
      user: this.user,
      content: content.provider,
      comments: comments.provider,
      local: content.local && comments.local ? { content: content.local, comments: comments.local } : undefined,
    });
    document.state.subscribe(() => this.summarize());
    return document;
  }

  private summarize(): void {
    if (this.documents.size === 0) {
      this.summary.set(null);
      return;
    }
    let synced = true;
    let unsyncedChanges = 0;
    let keptOnDevice = true;
    for (const { document } of this.documents.values()) {
      const state = document.state.get();
      synced &&= state.synced;
      unsyncedChanges += state.unsyncedChanges;
      keptOnDevice &&= state.keptOnDevice;
    }
    this.summary.set({ synced, unsyncedChanges, keptOnDevice });
  }

  private closeDocument(name: string, entry: OpenDocument): void {
    if (entry.leases > 0 || this.documents.get(name) !== entry) return;
    this.documents.delete(name);
    entry.document.destroy();
    this.summarize();
    if (this.documents.size === 0 && this.socket) {
      clearTimeout(this.retryTimer);
      this.socket.disconnect();
      this.setState({ phase: "idle", retryAt: null });
    }
  }

  /**
   * Replaces the token (a host that refreshes tokens on its own schedule calls
   * this). If the connection had stopped for want of a valid token, it
   * reconnects.
   */
  setToken(token: string): void {
    if (token === this.token) return;
    this.token = token;
    this.refreshes = 0;
    const phase = this.state.get().phase;
    if (phase === "unauthorized" || phase === "refreshing-token") this.connectNow();
  }

  /** The token the connection authenticates with now (the host's JWT, or the dev-mode token): REST calls send it too. */
  get bearerToken(): string {
    return this.token;
  }

  /**
   * The server's HTTP base, where its REST API lives: the collaboration URL
   * with `ws(s)` turned into `http(s)` and the `/collab` path dropped
   * (`wss://tandem.example.com/collab` → `https://tandem.example.com`).
   */
  get httpUrl(): string {
    const url = new URL(this.options.url);
    url.protocol = url.protocol === "wss:" ? "https:" : url.protocol === "ws:" ? "http:" : url.protocol;
    url.pathname = url.pathname.replace(/\/collab\/?$/, "");
    url.search = "";
    return url.toString().replace(/\/$/, "");
  }

  /** Sets (or removes) the callback that fetches a fresh token after a 4401. */
  setTokenRefresher(getToken: (() => string | Promise<string>) | undefined): void {
    this.getToken = getToken;
  }

  /**
   * Keeps the connection alive until the returned function is called; when
   * the last holder lets go, the connection is destroyed on the next tick
   * unless someone takes it again first (as React does when it re-runs
   * effects). `<TandemProvider>` uses this.
   */
  retain(): () => void {
    this.retainers++;
    clearTimeout(this.destroyTimer);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.retainers--;
      if (this.retainers === 0) this.destroyTimer = setTimeout(() => this.destroy(), 0);
    };
  }

  /** Reconnects now: after a stop (the user asked to try again) or to skip a backoff wait. */
  reconnect(): void {
    this.attempt = 0;
    this.refreshes = 0;
    if (this.state.get().phase !== "connected") this.connectNow();
  }

  /** Whether any open document has changes the server has not acknowledged. */
  hasUnsyncedChanges(): boolean {
    return (this.summary.get()?.unsyncedChanges ?? 0) > 0;
  }

  /**
   * The documents this device keeps a copy of for this server and user
   * (see `keepOnDevice`): names a page can open while offline. Empty where
   * nothing is kept.
   */
  async localDocuments(): Promise<string[]> {
    if (!this.keepOnDevice) return [];
    return listLocalDocuments({ url: this.options.url, userId: this.user.id });
  }

  /** The open documents, for status across a page. */
  openDocuments(): TandemDocument[] {
    return [...this.documents.values()].map((entry) => entry.document);
  }

  /** Closes every document and the socket. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    clearTimeout(this.destroyTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.healthyTimer);
    for (const entry of this.documents.values()) {
      clearTimeout(entry.closeTimer);
      entry.document.destroy();
    }
    this.documents.clear();
    this.socket?.destroy();
    this.socket = undefined;
    globalThis.removeEventListener?.("online", this.onOnline);
    globalThis.removeEventListener?.("offline", this.onOffline);
    this.setState({ phase: "idle", retryAt: null });
  }
}
