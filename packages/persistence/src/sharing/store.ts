/** The roles a share link can grant: never owner (sharing hands out access, not the document). */
export const ShareRoles = ["viewer", "commenter", "editor"] as const;

/** One of {@link ShareRoles}. */
export type ShareRole = (typeof ShareRoles)[number];

/** A share link, as listed (never with its secret, which is not stored). */
export interface ShareLink {
  /** `sl_` and 24 hex digits, chosen by the store. */
  readonly id: string;
  readonly tenant: string;
  /** The document it opens, as the store names it. */
  readonly document: string;
  readonly role: ShareRole;
  /** The user id of the owner who created it. */
  readonly createdBy: string;
  readonly createdAt: Date;
  /** When it stops working by itself; null for never. */
  readonly expiresAt: Date | null;
  /** When it was revoked; null while it was not. */
  readonly revokedAt: Date | null;
  readonly revokedBy: string | null;
}

/** What {@link ShareLinkStore.createLink} takes. */
export interface NewShareLink {
  readonly tenant: string;
  /** 1 to 512 characters. */
  readonly document: string;
  readonly role: ShareRole;
  /** Up to 512 characters. */
  readonly createdBy: string;
  /** Must be in the future when given. */
  readonly expiresAt?: Date;
}

/** Who used a link: the user id the host's token vouched for, and the name it carried. */
export interface ShareLinkUser {
  readonly id: string;
  readonly name: string;
}

/** A grant in force: a user reached a document through a link that still works. */
export interface ShareGrant {
  readonly linkId: string;
  readonly document: string;
  readonly role: ShareRole;
  readonly userId: string;
  readonly userName: string;
  /** When the user first opened the link. */
  readonly grantedAt: Date;
  /** The link's expiry; null for never. */
  readonly expiresAt: Date | null;
}

/** What {@link ShareLinkStore.redeem} found behind a secret. */
export type Redemption =
  | { readonly ok: true; readonly link: ShareLink }
  | { readonly ok: false; readonly reason: "unknown" | "revoked" | "expired" };

/**
 * Share links and the grants made by opening them. Every implementation
 * passes `runShareLinkStoreContract` in `@tandem/persistence/share-link-contract`.
 *
 * Everything is scoped by a tenant: a link of one tenant is unknown to
 * another's users. Only a hash of a link's secret is stored; the secret
 * exists in the answer of {@link createLink} and nowhere else. "In force"
 * means not revoked and not expired, judged on the database's clock.
 *
 * Errors are `PersistenceError`s with a typed `code`.
 */
export interface ShareLinkStore {
  /**
   * Creates a link with a fresh secret (32 random bytes, base64url).
   *
   * @throws PersistenceError `invalid-argument` for a malformed link or an expiry in the past.
   */
  createLink(link: NewShareLink): Promise<{ link: ShareLink; secret: string }>;

  /** A document's links, revoked and expired ones included, oldest first. */
  listLinks(tenant: string, document: string): Promise<ShareLink[]>;

  /**
   * Revokes a document's link; revoking it again changes nothing. Resolves
   * with the link as it now is, or undefined when the document has no such link.
   */
  revokeLink(tenant: string, document: string, id: string, revokedBy: string): Promise<ShareLink | undefined>;

  /**
   * Records that `user` opened the link whose secret is `secret`, if it is in
   * force and of `tenant`: their grant is made (or its last use updated).
   * A secret of another tenant is `unknown`, as is a malformed one.
   */
  redeem(tenant: string, secret: string, user: ShareLinkUser): Promise<Redemption>;

  /**
   * The grants in force of one user: the documents shared with them, newest
   * first, or only those of `document`. At most 1000.
   */
  sharedWith(tenant: string, userId: string, document?: string): Promise<ShareGrant[]>;

  /** The grants in force on one document: who has access through its links, oldest first. */
  grantsOn(tenant: string, document: string): Promise<ShareGrant[]>;

  /**
   * Deletes every grant of one user in `tenant`, in force or not (erasing a
   * person: a grant holds their name). Resolves with how many there were.
   */
  forgetUser(tenant: string, userId: string): Promise<number>;
}
