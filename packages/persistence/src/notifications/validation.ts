import { checkId, checkName, checkShortText, invalid, isStorableText } from "../validation.js";
import {
  type EmailMode,
  EmailModes,
  type InboxQuery,
  type NewNotification,
  NotificationKinds,
  type Person,
  type PersonProfile,
} from "./store.js";

const MAX_EXCERPT_LENGTH = 500;
const MAX_NAME_LENGTH = 200;
const MAX_EMAIL_LENGTH = 320;
const MAX_ACCESS_BYTES = 16 * 1024;
const DEFAULT_PAGE = 50;
const MAX_PAGE = 200;
const MAX_BATCH = 1000;

function optionalText(value: unknown, what: string, maxLength: number): string | null {
  return value === undefined || value === null ? null : checkShortText(value, what, maxLength);
}

/** A person: a tenant and a user id, each storable text of 1 to 200 characters. */
export function checkPerson(person: Person): Person {
  if (typeof person !== "object" || person === null) invalid("a person must be an object");
  return { tenant: checkId(person.tenant, "a tenant"), userId: checkId(person.userId, "a user id") };
}

/** A batch of notifications as `add` stores it: each as a row of parameters. */
export function checkNotifications(notifications: readonly NewNotification[]): unknown[][] {
  if (!Array.isArray(notifications) || notifications.length > MAX_BATCH) {
    invalid(`notifications must be an array of at most ${MAX_BATCH}`);
  }
  return notifications.map((notification) => {
    if (typeof notification !== "object" || notification === null) invalid("a notification must be an object");
    const { tenant, userId } = checkPerson({ tenant: notification.tenant, userId: notification.recipient });
    if (!(NotificationKinds as readonly unknown[]).includes(notification.kind)) {
      invalid(`a notification kind must be one of ${NotificationKinds.join(", ")}`);
    }
    checkName(notification.document);
    return [
      tenant,
      userId,
      notification.kind,
      notification.document,
      optionalText(notification.threadId, "a thread id", 200),
      optionalText(notification.commentId, "a comment id", 200),
      optionalText(notification.actor, "an actor", 200),
      optionalText(notification.actorName, "an actor name", MAX_NAME_LENGTH),
      optionalText(notification.excerpt, "an excerpt", MAX_EXCERPT_LENGTH),
      checkId(notification.key, "a notification key"),
    ];
  });
}

/** An inbox page's options, with defaults applied. */
export function checkQuery(query: InboxQuery): { before: string | null; unreadOnly: boolean; limit: number } {
  const limit = query.limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
    invalid(`limit must be an integer from 1 to ${MAX_PAGE}`);
  return {
    before: query.before === undefined ? null : (checkIds([query.before])[0] as string),
    unreadOnly: query.unreadOnly === true,
    limit,
  };
}

/** Notification ids: decimal strings (bigints), at most 1000. */
export function checkIds(ids: readonly string[]): string[] {
  if (!Array.isArray(ids) || ids.length > MAX_BATCH) invalid(`ids must be an array of at most ${MAX_BATCH}`);
  for (const id of ids) {
    if (typeof id !== "string" || !/^[1-9][0-9]{0,18}$/.test(id)) invalid("a notification id must be a decimal number");
  }
  return [...ids];
}

/** An email mode. */
export function checkEmailMode(mode: unknown): EmailMode {
  if (!(EmailModes as readonly unknown[]).includes(mode))
    invalid(`an email mode must be one of ${EmailModes.join(", ")}`);
  return mode as EmailMode;
}

/** A profile as `recordPerson` stores it: its name, email and access (as JSON text). */
export function checkProfile(profile: Omit<PersonProfile, "emailMode">): [string | null, string | null, string | null] {
  const name = optionalText(profile.name, "a name", MAX_NAME_LENGTH);
  const email = optionalText(profile.email, "an email address", MAX_EMAIL_LENGTH);
  if (email !== null && !/^[^\s@]+@[^\s@]+$/.test(email)) invalid("an email address must look like name@host");
  let access: string | null = null;
  if (profile.access !== null && profile.access !== undefined) {
    if (typeof profile.access !== "object") invalid("access must be an object of patterns and roles");
    access = JSON.stringify(profile.access);
    if (access.length > MAX_ACCESS_BYTES || !isStorableText(access)) invalid("access is too large or not storable");
  }
  return [name, email, access];
}
