import type { InboxEmailMode, InboxNotification, InboxNotificationKind, InboxSettings } from "@tandem/protocol";
import { type ReactNode, useEffect, useId, useRef, useState } from "react";
import { useInbox } from "./useInbox.js";

/** Props of {@link Inbox}. */
export interface InboxProps {
  /** Called with a notification that was clicked (it is marked read first): open its document at its thread. */
  readonly onOpen: (notification: InboxNotification) => void;
  /** How many of the newest notifications the panel lists. Default 20. */
  readonly limit?: number;
  readonly className?: string;
}

const what: Record<InboxNotificationKind, string> = {
  mention: "mentioned you",
  reply: "replied in your thread",
  owner: "made you the owner",
  status: "changed the status",
  suggestion: "suggested a change",
};

/** "Bob mentioned you": who did what, in words. */
export function describeNotification(notification: InboxNotification): string {
  return `${notification.actorName ?? notification.actor ?? "Someone"} ${what[notification.kind]}`;
}

/**
 * A bell with the local user's unread count, live (see {@link useInbox}), that
 * opens a panel of their newest notifications; clicking one marks it read and
 * calls `onOpen`. "Mark all read" empties the count; a select at the bottom
 * sets which notifications are emailed. Test ids: `inbox-bell`, `inbox-count`
 * (absent at zero), `inbox-panel`, `inbox-item` (with `data-unread`),
 * `inbox-mark-all`, `inbox-email-mode`.
 *
 * @example
 * ```tsx
 * <Inbox onOpen={(n) => navigate(`/d/${n.document}?thread=${n.threadId}`)} />
 * ```
 */
export function Inbox({ onOpen, limit, className }: InboxProps): ReactNode {
  const { unread, notifications, error, markRead, markAllRead, client } = useInbox(limit ? { limit } : {});
  const [open, setOpen] = useState(false);
  const [settings, setSettings] = useState<InboxSettings | null>(null);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);

  // The email settings, read when the panel opens (they change only from here or another tab).
  useEffect(() => {
    if (open) client.settings().then(setSettings, () => setSettings(null));
  }, [open, client]);

  // A click anywhere else, or Escape, closes the panel.
  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && setOpen(false);
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  const count = unread ?? 0;
  const label = count === 0 ? "Notifications" : `Notifications, ${count} unread`;
  const choose = (notification: InboxNotification) => {
    setOpen(false);
    void markRead(notification.readAt === null ? [notification.id] : []);
    onOpen(notification);
  };
  return (
    <div className={["tandem-inbox", className].filter(Boolean).join(" ")} ref={root}>
      <button
        type="button"
        className="tandem-inbox__bell"
        aria-label={label}
        title={label}
        aria-expanded={open}
        aria-controls={panelId}
        data-testid="inbox-bell"
        onClick={() => setOpen((value) => !value)}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path
            d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"
            fill="currentColor"
          />
        </svg>
        {count > 0 && (
          <span className="tandem-inbox__count" data-testid="inbox-count">
            {count > 99 ? "99+" : count}
          </span>
        )}
      </button>
      {open && (
        <section id={panelId} className="tandem-inbox__panel" aria-label="Notifications" data-testid="inbox-panel">
          <header className="tandem-inbox__header">
            <span>Notifications</span>
            <button
              type="button"
              className="tandem-link-button"
              disabled={count === 0}
              data-testid="inbox-mark-all"
              onClick={() => void markAllRead()}
            >
              Mark all read
            </button>
          </header>
          {error && (
            <p className="tandem-inbox__empty" role="alert">
              {error}
            </p>
          )}
          {notifications?.length === 0 && <p className="tandem-inbox__empty">Nothing yet.</p>}
          <ul className="tandem-inbox__list">
            {notifications?.map((notification) => (
              <li key={notification.id}>
                <button
                  type="button"
                  className={["tandem-inbox__item", notification.readAt === null ? "is-unread" : ""].join(" ")}
                  data-testid="inbox-item"
                  data-unread={notification.readAt === null}
                  onClick={() => choose(notification)}
                >
                  <span className="tandem-inbox__what">
                    {describeNotification(notification)}{" "}
                    <span className="tandem-inbox__where">
                      in {notification.documentTitle ?? notification.document}
                    </span>
                  </span>
                  {notification.excerpt && <span className="tandem-inbox__excerpt">{notification.excerpt}</span>}
                  <time className="tandem-inbox__when" dateTime={notification.createdAt}>
                    {new Date(notification.createdAt).toLocaleString()}
                  </time>
                </button>
              </li>
            ))}
          </ul>
          {settings && (
            <footer className="tandem-inbox__footer">
              <label>
                Email me{" "}
                <select
                  value={settings.emailMode}
                  disabled={settings.email === null}
                  data-testid="inbox-email-mode"
                  onChange={(event) =>
                    void client.setEmailMode(event.target.value as InboxEmailMode).then(setSettings, () => {})
                  }
                >
                  <option value="all">everything</option>
                  <option value="mentions">mentions only</option>
                  <option value="none">nothing</option>
                </select>
              </label>
              {settings.email === null && <span className="tandem-inbox__where"> (no address on file)</span>}
            </footer>
          )}
        </section>
      )}
    </div>
  );
}
