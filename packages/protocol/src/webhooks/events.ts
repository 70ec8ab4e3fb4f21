/**
 * The events Tandem sends to webhook subscribers, and their payloads: the
 * contract between the server and every receiver (see docs/webhooks.md).
 * Every body is one {@link WebhookEvent} as JSON.
 */

import type { VersionKind } from "../history.js";

/** Every event type a subscription may ask for. */
export const WebhookEventTypes = [
  "document.created",
  "document.updated",
  "document.archived",
  "document.deleted",
  "comment.created",
  "comment.resolved",
  "mention.created",
  "version.created",
] as const;

/** One of {@link WebhookEventTypes}. */
export type WebhookEventType = (typeof WebhookEventTypes)[number];

/** Whether `value` names an event type. */
export function isWebhookEventType(value: unknown): value is WebhookEventType {
  return (WebhookEventTypes as readonly unknown[]).includes(value);
}

/** A document was created (from a template through the API, or by its first edit over the WebSocket). */
export interface DocumentCreatedData {
  readonly document: string;
  /** The user id of whoever created it, when known. */
  readonly createdBy: string | null;
  /** Its title, when it was created with one. */
  readonly title: string | null;
}

/** A document was edited, and the edits then settled (no edit for the quiet period). */
export interface DocumentUpdatedData {
  readonly document: string;
  /** The user ids of everyone whose edits this event covers, sorted. */
  readonly editors: readonly string[];
  /** How many committed updates it covers. */
  readonly updates: number;
  /** ISO 8601: the first and the last of those updates. */
  readonly firstEditAt: string;
  readonly lastEditAt: string;
}

/** A document was archived, or deleted with its comments and history. */
export interface DocumentRemovedData {
  readonly document: string;
  /** The user id of whoever did it. */
  readonly by: string | null;
}

/** A comment, as events carry it. */
export interface WebhookComment {
  readonly id: string;
  readonly author: string;
  /** The author's name as the comments document shows it, when it does. */
  readonly authorName: string | null;
  readonly body: string;
  /** The user ids it @mentions. */
  readonly mentions: readonly string[];
  /** ISO 8601, as the author's client stamped it. */
  readonly createdAt: string;
}

/** A comment was written: the first of a new thread, or a reply. */
export interface CommentCreatedData {
  /** The content document the thread is on (not its `#comments` document). */
  readonly document: string;
  readonly threadId: string;
  /** True for the comment that opened the thread. */
  readonly newThread: boolean;
  /** True when the thread proposes a change to the text (a suggestion), false for a plain comment thread. */
  readonly suggestion: boolean;
  /** The text the thread is anchored to. */
  readonly quote: string;
  readonly comment: WebhookComment;
}

/** A thread was resolved. */
export interface CommentResolvedData {
  readonly document: string;
  readonly threadId: string;
  readonly resolvedBy: string | null;
  /** ISO 8601, as the resolver's client stamped it; null when it did not. */
  readonly resolvedAt: string | null;
}

/** Someone was @mentioned in a new comment, or added to an edited comment's mentions. One event per person. */
export interface MentionCreatedData {
  readonly document: string;
  readonly threadId: string;
  /** The user id of the person mentioned. */
  readonly mentioned: string;
  /** Their name as the comments document shows it, when it does. */
  readonly mentionedName: string | null;
  readonly comment: WebhookComment;
}

/** A version of a document was made: named by someone, automatic, or kept before a restore or revert. */
export interface VersionCreatedData {
  readonly document: string;
  readonly version: {
    readonly id: string;
    readonly kind: VersionKind;
    readonly label: string | null;
    readonly createdBy: string | null;
    readonly createdAt: string;
    /** The user ids of everyone who changed the document since the version before. */
    readonly authors: readonly string[];
  };
}

/** The data of each event type. */
export interface WebhookEventData {
  readonly "document.created": DocumentCreatedData;
  readonly "document.updated": DocumentUpdatedData;
  readonly "document.archived": DocumentRemovedData;
  readonly "document.deleted": DocumentRemovedData;
  readonly "comment.created": CommentCreatedData;
  readonly "comment.resolved": CommentResolvedData;
  readonly "mention.created": MentionCreatedData;
  readonly "version.created": VersionCreatedData;
}

/**
 * One webhook body, in the Standard Webhooks shape (`type`, `timestamp`,
 * `data`), plus the tenant it belongs to. Switch on `type` to narrow `data`.
 */
export type WebhookEvent = {
  readonly [T in WebhookEventType]: {
    readonly type: T;
    /** ISO 8601: when the event happened (not when this attempt was sent). */
    readonly timestamp: string;
    readonly tenant: string;
    readonly data: WebhookEventData[T];
  };
}[WebhookEventType];
