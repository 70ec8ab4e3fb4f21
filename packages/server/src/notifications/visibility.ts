import { type AccessMap, roleFor } from "../auth/access.js";
import { accessTo, type Identity } from "../auth/identity.js";
import { scopeName, unscopeName } from "../auth/tenant-names.js";

/**
 * Whether someone whose last seen access was `access` (see
 * {@link accessSnapshot}) may be told about `document`, a name their tenant's
 * clients know. Unknown access (a person the server has not seen yet) lets it
 * through; it is checked again, live, when they list their inbox.
 */
export function maySee(access: Readonly<Record<string, string>> | null | undefined, document: string): boolean {
  return access === null || access === undefined || roleFor(access as AccessMap, document) !== undefined;
}

/** Whether `identity` may now see notifications about its tenant's `document`: its token and share links, as the WebSocket decides. */
export function mayRead(identity: Identity, document: string): boolean {
  return accessTo(identity, scopeName(identity.tenant, document)) !== undefined;
}

/**
 * What the server keeps of `identity`'s access for when they are away (the
 * producer's and the digests' check): its token's patterns, plus each
 * document a share link in force opens to it, by its exact name. A link
 * revoked later still counts until their next visit; listing checks live.
 */
export function accessSnapshot(identity: Identity, now = Date.now()): Record<string, string> {
  const snapshot: Record<string, string> = { ...identity.access };
  for (const [scoped, shared] of identity.shared ?? []) {
    const { tenant, name } = unscopeName(scoped);
    const inForce = shared.expiresAt === undefined || shared.expiresAt > now;
    if (tenant === identity.tenant && inForce && snapshot[name] === undefined) snapshot[name] = shared.role;
  }
  return snapshot;
}
