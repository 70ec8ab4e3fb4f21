import type { ShareGrant, ShareLinkStore, ShareRole } from "@tandem/persistence";
import { parseDocumentName, type Role, Roles } from "@tandem/protocol";
import { roleFor } from "./access.js";
import type { Authenticator, Identity } from "./identity.js";
import { clientName } from "./tenant-names.js";

/** A role a share link adds to an identity on one document (see docs/sharing.md). */
export interface SharedAccess {
  readonly role: ShareRole;
  /** The link it came from: revoking it ends this access. */
  readonly linkId: string;
  /** When the link expires, in milliseconds since the epoch; absent for never. */
  readonly expiresAt?: number;
}

/** Share-link access per content document, by the server's name (`acme!spec/42`, never `…#comments`; see `scopeName`). */
export type SharedAccessMap = ReadonlyMap<string, SharedAccess>;

const rank = (role: Role) => Roles.length - Roles.indexOf(role);

/**
 * The share link that raised `identity`'s role on `documentName` (the
 * server's name) above what its token grants, whether or not it has expired since; `undefined` when the
 * token alone grants as much (a link never lowers a role). A comments
 * document follows its content document.
 */
export function shareLinkBehind(identity: Identity, documentName: string): SharedAccess | undefined {
  const shared = identity.shared?.get(parseDocumentName(documentName).content);
  if (shared === undefined) return undefined;
  const own = roleFor(identity.access, clientName(documentName));
  return own === undefined || rank(shared.role) > rank(own) ? shared : undefined;
}

/** {@link shareLinkBehind}, only while the link has not expired at `now`. */
export function shareLinkInForce(identity: Identity, documentName: string, now = Date.now()): SharedAccess | undefined {
  const shared = shareLinkBehind(identity, documentName);
  return shared !== undefined && (shared.expiresAt === undefined || shared.expiresAt > now) ? shared : undefined;
}

/** The grants of one user as an {@link SharedAccessMap}: per document, the link granting the most. */
export function sharedAccessOf(grants: readonly ShareGrant[]): SharedAccessMap {
  const shared = new Map<string, SharedAccess>();
  for (const grant of grants) {
    const known = shared.get(grant.document);
    if (known !== undefined && rank(known.role) >= rank(grant.role)) continue;
    shared.set(grant.document, {
      role: grant.role,
      linkId: grant.linkId,
      ...(grant.expiresAt ? { expiresAt: grant.expiresAt.getTime() } : {}),
    });
  }
  return shared;
}

/**
 * Whether no share link could raise any role `access` grants: every document
 * matches `*` with editor or owner, and no entry grants less (links grant at
 * most editor). Dev mode's `{"*": "editor"}` is such a map.
 */
export function linksCannotRaise(access: Identity["access"]): boolean {
  const atLeastEditor = (role: Role | undefined) => role === "editor" || role === "owner";
  return atLeastEditor(access["*"]) && Object.values(access).every(atLeastEditor);
}

/**
 * An authenticator that, after `authenticator` says who someone is, adds the
 * share-link grants in force for them (`Identity.shared`): the token decides
 * who a person is, a link only adds a role on one document. One query per
 * authentication, so that a revoked or expired link is never honoured by a
 * connection or request that starts after it ended.
 */
export function withShareLinks(authenticator: Authenticator, links: ShareLinkStore): Authenticator {
  return {
    devMode: authenticator.devMode,
    claimedTenant: (token) => authenticator.claimedTenant(token),
    async authenticate(token) {
      const identity = await authenticator.authenticate(token);
      // Spares the query where it could change nothing (dev mode, a tenant's editors).
      if (linksCannotRaise(identity.access)) return identity;
      const grants = await links.sharedWith(identity.tenant, identity.id);
      return grants.length === 0 ? identity : { ...identity, shared: sharedAccessOf(grants) };
    },
  };
}
