import type { InboxNotification } from "@tandem/protocol";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTandemConnection } from "../provider/TandemProvider.js";
import { InboxClient } from "./client.js";

/** What {@link useInbox} gives. */
export interface InboxState {
  /** The unread count, live; null until the server first answered. */
  readonly unread: number | null;
  /** The newest notifications (first page), reloaded whenever the count changes; null until loaded. */
  readonly notifications: readonly InboxNotification[] | null;
  /** The last failure's message, if the last request failed. */
  readonly error: string | null;
  markRead(ids: readonly string[]): Promise<void>;
  markAllRead(): Promise<void>;
  /** The client behind it, for following and email settings. */
  readonly client: InboxClient;
}

/**
 * The local user's inbox on the nearest `<TandemProvider>`'s server: the
 * unread count, kept live over the server's event stream (it changes without
 * a reload when someone mentions them, on any instance), and the newest
 * notifications. See docs/notifications.md.
 *
 * @example
 * ```tsx
 * const { unread } = useInbox();
 * return <span>{unread ?? "…"} unread</span>;
 * ```
 */
export function useInbox(options: { limit?: number } = {}): InboxState {
  const connection = useTandemConnection();
  const client = useMemo(() => new InboxClient(connection), [connection]);
  const limit = options.limit ?? 20;
  const [unread, setUnread] = useState<number | null>(null);
  const [notifications, setNotifications] = useState<readonly InboxNotification[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const failed = useCallback((cause: unknown) => setError(cause instanceof Error ? cause.message : String(cause)), []);

  useEffect(() => client.watchUnread(setUnread), [client]);

  // Every new count may mean new or newly read notifications: the list follows it.
  useEffect(() => {
    if (unread === null) return;
    let current = true;
    client.list({ limit }).then((page) => {
      if (!current) return;
      setNotifications(page.notifications);
      setError(null);
    }, failed);
    return () => {
      current = false;
    };
  }, [client, limit, unread, failed]);

  const markRead = useCallback(
    async (ids: readonly string[]) => {
      if (ids.length > 0) await client.markRead(ids).then(setUnread, failed);
    },
    [client, failed],
  );
  const markAllRead = useCallback(() => client.markAllRead().then(setUnread, failed), [client, failed]);
  return { unread, notifications, error, markRead, markAllRead, client };
}
