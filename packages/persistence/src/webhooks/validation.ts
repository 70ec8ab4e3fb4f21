import { DEFAULT_TENANT } from "../tenant.js";
import { checkId, checkText, invalid, isStorableText } from "../validation.js";
import type { NewWebhookSubscription, OutgoingEvent } from "./store.js";

const MAX_URL_LENGTH = 2048;
const MAX_EVENTS = 32;
const MAX_TYPE_LENGTH = 100;
const MAX_SECRET_LENGTH = 200;
const MAX_DESCRIPTION_LENGTH = 500;
const DEFAULT_DELIVERY_LIST = 50;
const MAX_DELIVERY_LIST = 500;

/** A tenant id (default {@link DEFAULT_TENANT}). */
export function tenantOf(tenantId: string | undefined): string {
  return checkId(tenantId ?? DEFAULT_TENANT, "a tenant id");
}

/** A subscription as `createSubscription` stores it. */
export function checkSubscription(subscription: NewWebhookSubscription): void {
  if (typeof subscription !== "object" || subscription === null) invalid("a subscription must be an object");
  checkText(subscription.url, "a webhook url", MAX_URL_LENGTH);
  checkText(subscription.secret, "a webhook secret", MAX_SECRET_LENGTH);
  const { events } = subscription;
  if (!Array.isArray(events) || events.length === 0 || events.length > MAX_EVENTS) {
    invalid(`a subscription needs 1 to ${MAX_EVENTS} event types`);
  }
  for (const type of events) checkText(type, "an event type", MAX_TYPE_LENGTH);
  if (subscription.description !== undefined) {
    checkText(subscription.description, "a description", MAX_DESCRIPTION_LENGTH);
  }
  if (subscription.createdBy !== undefined) checkId(subscription.createdBy, "createdBy");
}

/** An event as `enqueue` queues it. */
export function checkEvent(event: OutgoingEvent): void {
  if (typeof event !== "object" || event === null) invalid("an event must be an object");
  checkText(event.id, "an event id", 100);
  checkText(event.type, "an event type", MAX_TYPE_LENGTH);
  if (typeof event.body !== "string" || !isStorableText(event.body)) invalid("an event body must be storable text");
}

/** A duration in milliseconds (a lease, a retry delay, an age): a non-negative integer of at most a year. */
export function checkDelay(ms: unknown, what: string): number {
  if (typeof ms !== "number" || !Number.isInteger(ms) || ms < 0 || ms > 366 * 24 * 3600_000) {
    invalid(`${what} must be an integer number of milliseconds from 0 to a year`);
  }
  return ms;
}

/** How many to claim: 1 to 1000. */
export function checkClaimLimit(limit: unknown): number {
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > 1000) {
    invalid("a claim limit must be an integer from 1 to 1000");
  }
  return limit;
}

/** How many deliveries to list, with the default applied. */
export function deliveryListLimit(limit: number | undefined): number {
  const value = limit ?? DEFAULT_DELIVERY_LIST;
  if (!Number.isInteger(value) || value < 1 || value > MAX_DELIVERY_LIST) {
    invalid(`limit must be an integer from 1 to ${MAX_DELIVERY_LIST}`);
  }
  return value;
}
