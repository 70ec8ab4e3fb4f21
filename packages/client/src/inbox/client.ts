import type { InboxEmailMode, InboxPage, InboxSettings } from "@tandem/protocol";
import type { TandemConnection } from "../provider/connection.js";
import { apiRequest, authorization } from "../rest.js";

const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 30_000;

/**
 * The inbox endpoints of a Tandem server (docs/notifications.md), called
 * with the connection's own server and token.
 *
 * @example
 * ```ts
 * const inbox = new InboxClient(connection);
 * const stop = inbox.watchUnread((unread) => console.log(`${unread} unread`));
 * ```
 */
export class InboxClient {
  constructor(private readonly connection: TandemConnection) {}

  /** One page, newest first; `before` is the previous page's `nextBefore`. */
  list(options: { before?: string; unreadOnly?: boolean; limit?: number } = {}): Promise<InboxPage> {
    const query = new URLSearchParams();
    if (options.before) query.set("before", options.before);
    if (options.unreadOnly) query.set("unread", "true");
    if (options.limit) query.set("limit", String(options.limit));
    return apiRequest(this.connection, `/api/inbox?${query}`);
  }

  async unread(): Promise<number> {
    return (await apiRequest<{ unread: number }>(this.connection, "/api/inbox/unread")).unread;
  }

  /** Marks notifications read; resolves with the unread count after. */
  async markRead(ids: readonly string[]): Promise<number> {
    return (await apiRequest<{ unread: number }>(this.connection, "/api/inbox/read", { body: { ids } })).unread;
  }

  async markAllRead(): Promise<number> {
    return (await apiRequest<{ unread: number }>(this.connection, "/api/inbox/read-all", { body: {} })).unread;
  }

  async isFollowing(document: string): Promise<boolean> {
    const path = `/api/inbox/following?document=${encodeURIComponent(document)}`;
    return (await apiRequest<{ following: boolean }>(this.connection, path)).following;
  }

  async setFollowing(document: string, following: boolean): Promise<void> {
    await apiRequest(this.connection, "/api/inbox/following", { method: "PUT", body: { document, following } });
  }

  settings(): Promise<InboxSettings> {
    return apiRequest(this.connection, "/api/inbox/settings");
  }

  setEmailMode(emailMode: InboxEmailMode): Promise<InboxSettings> {
    return apiRequest(this.connection, "/api/inbox/settings", { method: "PUT", body: { emailMode } });
  }

  /**
   * Calls `onUnread` with the unread count now and whenever it changes, from
   * the server's event stream (`/api/inbox/stream`), read with `fetch` so
   * that the token goes in a header. A dropped stream is opened again, after
   * 1 s and up to 30 s between tries. Returns the way to stop.
   */
  watchUnread(onUnread: (unread: number) => void): () => void {
    const stopped = new AbortController();
    void (async () => {
      let delay = FIRST_RETRY_MS;
      while (!stopped.signal.aborted) {
        if (await this.readStream(onUnread, stopped.signal)) delay = FIRST_RETRY_MS;
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, LAST_RETRY_MS);
      }
    })();
    return () => stopped.abort();
  }

  /** Reads the stream until it ends; resolves whether it was open at all. */
  private async readStream(onUnread: (unread: number) => void, signal: AbortSignal): Promise<boolean> {
    try {
      const response = await fetch(`${this.connection.httpUrl}/api/inbox/stream`, {
        headers: { ...authorization(this.connection), accept: "text/event-stream" },
        signal,
      });
      if (!response.ok || response.body === null) return false;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return true;
        buffered += value;
        for (let end = buffered.indexOf("\n\n"); end >= 0; end = buffered.indexOf("\n\n")) {
          const unread = unreadOf(buffered.slice(0, end));
          buffered = buffered.slice(end + 2);
          if (unread !== undefined) onUnread(unread);
        }
      }
    } catch {
      // Aborted, or the network went away: the caller tries again unless stopped.
      return false;
    }
  }
}

/** The count an SSE event carries, if it is an `unread` event with a well-formed count. */
function unreadOf(event: string): number | undefined {
  const lines = event.split("\n");
  if (!lines.includes("event: unread")) return undefined;
  const data = lines.find((line) => line.startsWith("data:"))?.slice(5);
  try {
    const unread = (JSON.parse(data ?? "") as { unread?: unknown }).unread;
    return typeof unread === "number" && Number.isInteger(unread) && unread >= 0 ? unread : undefined;
  } catch {
    return undefined;
  }
}
