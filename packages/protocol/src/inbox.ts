/**
 * What the inbox API (`/api/inbox`, docs/notifications.md) answers: shared by
 * the server, which builds these, and the client kit's `useInbox()`.
 */

/** Why someone is told: see docs/notifications.md. */
export type InboxNotificationKind = "mention" | "reply" | "owner" | "status" | "suggestion";

/** Which notifications a person is emailed. */
export type InboxEmailMode = "all" | "mentions" | "none";

/** One notification, as `GET /api/inbox` lists it. */
export interface InboxNotification {
  readonly id: string;
  readonly kind: InboxNotificationKind;
  readonly document: string;
  /** The document's title now; null when it has none. */
  readonly documentTitle: string | null;
  readonly threadId: string | null;
  readonly commentId: string | null;
  readonly actor: string | null;
  readonly actorName: string | null;
  /** The comment's first words, or the status change (`draft → in-review`). */
  readonly excerpt: string | null;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly readAt: string | null;
}

/** One page of an inbox, newest first. */
export interface InboxPage {
  readonly notifications: readonly InboxNotification[];
  /** Pass as `before` for the next page; null on the last. */
  readonly nextBefore: string | null;
}

/** A person's email settings. */
export interface InboxSettings {
  /** From their token's `email` claim; digests go nowhere without one. */
  readonly email: string | null;
  readonly emailMode: InboxEmailMode;
}
