import { checkId, checkName, checkText, invalid } from "../validation.js";
import { type NewShareLink, type ShareLinkUser, ShareRoles } from "./store.js";

const MAX_USER_NAME_LENGTH = 200;

/** A link's secret as `createLink` makes them: 32 bytes in base64url. */
const SECRET = /^[A-Za-z0-9_-]{43}$/;

/** A document name and its tenant. */
export function checkDocument(tenant: unknown, document: unknown): void {
  checkId(tenant, "a tenant");
  checkName(document as string);
}

/** A link as `createLink` stores it. */
export function checkNewLink(link: NewShareLink): void {
  if (typeof link !== "object" || link === null) invalid("a share link must be an object");
  checkDocument(link.tenant, link.document);
  if (!(ShareRoles as readonly unknown[]).includes(link.role))
    invalid(`a share link's role must be one of ${ShareRoles.join(", ")}`);
  checkId(link.createdBy, "createdBy");
  if (link.expiresAt !== undefined && !(link.expiresAt instanceof Date && Number.isFinite(link.expiresAt.getTime()))) {
    invalid("expiresAt must be a valid Date");
  }
}

/** Whoever redeems a link. */
export function checkUser(user: ShareLinkUser): void {
  if (typeof user !== "object" || user === null) invalid("a user must be an object");
  checkId(user.id, "a user id");
  checkText(user.name, "a user name", MAX_USER_NAME_LENGTH);
}

/** Whether `secret` could be one `createLink` made; anything else is unknown without asking the database. */
export function isWellFormedSecret(secret: unknown): secret is string {
  return typeof secret === "string" && SECRET.test(secret);
}
