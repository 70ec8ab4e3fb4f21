import type { Role } from "./roles.js";

/** The roles a share link can grant: never owner. */
export const ShareRoles = ["viewer", "commenter", "editor"] as const satisfies readonly Role[];

/** One of {@link ShareRoles}. */
export type ShareRole = (typeof ShareRoles)[number];

/** Where a share link stands. */
export type ShareLinkStatus = "active" | "revoked" | "expired";

/** A share link as `GET /api/documents/{name}/share-links` lists it (its secret is never stored). */
export interface ShareLinkInfo {
  readonly id: string;
  readonly document: string;
  readonly role: ShareRole;
  readonly status: ShareLinkStatus;
  readonly createdBy: string;
  /** ISO 8601 times; `expiresAt` and `revokedAt` are null when it has none. */
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
}

/** `POST /api/documents/{name}/share-links`: the link, and its secret, shown this once. */
export interface CreatedShareLink {
  readonly link: ShareLinkInfo;
  readonly secret: string;
}

/** One person with access to a document (`GET /api/documents/{name}/access`). */
export interface AccessInfo {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** `link` when a share link gives them their role, `token` when their token does. */
  readonly via: "link" | "token";
  /** The link, when `via` is `link` and the server has their grant. */
  readonly linkId: string | null;
  /** When they first opened the link (ISO 8601), and when it expires; null when not known or never. */
  readonly since: string | null;
  readonly expiresAt: string | null;
  /** Whether they have the document open now. */
  readonly present: boolean;
}

/** `POST /api/share-links/redeem`: the document the link opens for the caller, and the role it adds. */
export interface RedeemedShareLink {
  readonly document: string;
  readonly role: ShareRole;
  readonly expiresAt: string | null;
}

/** A document shared with the caller (`GET /api/share-links/shared-with-me`). */
export interface SharedDocument {
  readonly document: string;
  readonly role: ShareRole;
  readonly linkId: string;
  readonly since: string;
  readonly expiresAt: string | null;
}

/** The hash route a share link opens on the standalone page: `#/s/<secret>`. */
export const SHARE_LINK_ROUTE = "#/s/";

/**
 * The link to give someone: `base` (the page's address) with the secret in
 * the hash, which browsers never send to a server, so proxies and access
 * logs never see it.
 *
 * @example
 * ```ts
 * shareLinkUrl("https://tandem.example.com/", created.secret); // "https://tandem.example.com/#/s/…"
 * ```
 */
export function shareLinkUrl(base: string, secret: string): string {
  const url = new URL(base);
  url.hash = `${SHARE_LINK_ROUTE.slice(1)}${secret}`;
  return url.toString();
}

/** The secret in a share link's hash (`#/s/<secret>`, perhaps followed by `&…`), or undefined. */
export function shareSecretIn(hash: string): string | undefined {
  const match = /^#\/s\/([A-Za-z0-9_-]{1,100})(?:$|[&?])/.exec(hash);
  return match?.[1];
}
