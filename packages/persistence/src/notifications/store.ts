/**
 * Why someone is told:
 * - `mention`: a comment names them;
 * - `reply`: a new comment in a thread they started or took part in;
 * - `owner`: they were made owner of a spec;
 * - `status`: a spec they own or follow changed status;
 * - `suggestion`: someone suggested a change to a document they own.
 */
export const NotificationKinds = ["mention", "reply", "owner", "status", "suggestion"] as const;

/** One of {@link NotificationKinds}. */
export type NotificationKind = (typeof NotificationKinds)[number];

/** Which notifications a person is emailed: every kind, mentions only, or none. */
export const EmailModes = ["all", "mentions", "none"] as const;

/** One of {@link EmailModes}. */
export type EmailMode = (typeof EmailModes)[number];

/** A person in a tenant: whose inbox, whose settings. */
export interface Person {
  readonly tenant: string;
  readonly userId: string;
}

/** What {@link NotificationStore.add} takes. */
export interface NewNotification {
  readonly tenant: string;
  readonly recipient: string;
  readonly kind: NotificationKind;
  readonly document: string;
  readonly threadId?: string;
  readonly commentId?: string;
  /** Whoever caused it (their user id). */
  readonly actor?: string;
  readonly actorName?: string;
  /** A line to show: the comment's first words, the new status. Up to 500 characters. */
  readonly excerpt?: string;
  /**
   * Unique per recipient for what it announces (`mention:<comment id>`):
   * adding one again adds nothing, so a retry never notifies twice.
   */
  readonly key: string;
}

/** A stored notification. */
export interface Notification {
  /** Increases with every notification: the inbox's order and the cursor of its pages. A decimal string. */
  readonly id: string;
  readonly tenant: string;
  readonly recipient: string;
  readonly kind: NotificationKind;
  readonly document: string;
  readonly threadId: string | null;
  readonly commentId: string | null;
  readonly actor: string | null;
  readonly actorName: string | null;
  readonly excerpt: string | null;
  readonly createdAt: Date;
  readonly readAt: Date | null;
}

/** What the server last learnt about a person, from their token (see {@link NotificationStore.recordPerson}). */
export interface PersonProfile extends Person {
  readonly name: string | null;
  /** Where digests go; null: none are sent. */
  readonly email: string | null;
  readonly emailMode: EmailMode;
  /** The document patterns and roles their last token granted, or null if none was seen yet. */
  readonly access: Readonly<Record<string, string>> | null;
}

/** A person's due digest, handed to one sender by {@link NotificationStore.claimDigests}. */
export interface DigestBatch {
  readonly person: PersonProfile;
  /** Their unread notifications not yet emailed that their email mode covers, oldest first (at most 50). */
  readonly notifications: readonly Notification[];
}

/** Options of {@link NotificationStore.list}. */
export interface InboxQuery {
  /** Only notifications older than this id (the last one of the previous page). */
  readonly before?: string;
  readonly unreadOnly?: boolean;
  /** At most this many, newest first (default 50, at most 200). */
  readonly limit?: number;
}

/**
 * Every person's inbox, the documents they follow, and their email settings
 * with the durable schedule of their digests. Every implementation passes
 * `runNotificationStoreContract` in `@tandem/persistence/notification-contract`.
 *
 * The store knows nothing of roles: the server filters what a person may see
 * (see `access` in {@link PersonProfile}). Errors are `PersistenceError`s.
 */
export interface NotificationStore {
  /**
   * Adds notifications (skipping any whose key its recipient has already) and
   * schedules a digest `digestDelayMs` from now for each recipient with an
   * email address whose mode covers one of them, unless one is already due.
   * Returns those added.
   */
  add(notifications: readonly NewNotification[], digestDelayMs: number): Promise<Notification[]>;

  /** One page of a person's inbox, newest first. */
  list(person: Person, query?: InboxQuery): Promise<Notification[]>;

  /** How many unread notifications a person has, per document (the server counts those they may see). */
  unreadByDocument(person: Person): Promise<Map<string, number>>;

  /** Marks a person's notifications read; others' ids are ignored. Returns how many changed. */
  markRead(person: Person, ids: readonly string[]): Promise<number>;

  /** Marks every notification of a person read. Returns how many changed. */
  markAllRead(person: Person): Promise<number>;

  /**
   * Deletes every notification and follow of a tenant's document (it was
   * deleted). Returns the people whose inbox changed, so that their bells can be told.
   */
  forgetDocument(tenant: string, document: string): Promise<string[]>;

  /** Follows or unfollows a document explicitly; a later {@link followByDefault} does not undo it. */
  setFollowing(person: Person, document: string, following: boolean): Promise<void>;

  /** Makes people follow a document unless they chose already (the owner, who writes or comments). */
  followByDefault(tenant: string, document: string, userIds: readonly string[]): Promise<void>;

  /** Whether a person follows a document: true, false, or null when they never chose nor were made to. */
  isFollowing(person: Person, document: string): Promise<boolean | null>;

  /** Who follows a document. */
  followers(tenant: string, document: string): Promise<string[]>;

  /** Records who a person is and what their token grants, as seen on each visit; keeps their email mode. */
  recordPerson(profile: Omit<PersonProfile, "emailMode">): Promise<void>;

  /** What is known of a person, or undefined. */
  person(person: Person): Promise<PersonProfile | undefined>;

  /** The people of a tenant whose user id is `nameOrId`, or whose name is, ignoring case: how a spec's free-text owner is resolved. */
  findPeople(tenant: string, nameOrId: string): Promise<string[]>;

  /** Sets a person's email mode (`none` unsubscribes and drops a due digest). Creates the person if unknown. */
  setEmailMode(person: Person, mode: EmailMode): Promise<void>;

  /**
   * Takes up to `limit` people whose digest is due, for `leaseMs` (no other
   * claimer, here or on another instance, gets them meanwhile), with what it
   * would hold.
   */
  claimDigests(limit: number, leaseMs: number): Promise<DigestBatch[]>;

  /**
   * Ends a claimed digest: `settled` (the notifications sent or deliberately
   * left out) are never emailed again, and the person's next digest is due
   * `digestDelayMs` from now if others arrived meanwhile, else none is.
   */
  finishDigest(person: Person, settled: readonly string[], digestDelayMs: number): Promise<void>;
}
