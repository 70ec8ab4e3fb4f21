import type { Hocuspocus } from "@hocuspocus/server";
import type { Redemption, ShareGrant, ShareLink, ShareLinkStore, ShareRole } from "@tandem/persistence";
import { type Role, Roles } from "@tandem/protocol";
import { accessTo, type Identity } from "../auth/identity.js";
import { shareLinkBehind } from "../auth/shared-access.js";
import type { ConnectionContext } from "../protocol/socket-session.js";
import type { LiveShareLinks } from "./live-links.js";

/** One person with access to a document, as the owner's list shows them. */
export interface AccessEntry {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** `link` when a share link gives them their role, `token` when their token does. */
  readonly via: "link" | "token";
  /** The grant's link, when `via` is `link`. */
  readonly grant: ShareGrant | null;
  /** Whether they have the document open on this instance now. */
  readonly present: boolean;
}

/**
 * Share links as the REST API uses them: the store, plus ending the
 * connections of a revoked link on every instance.
 */
export class ShareLinks {
  constructor(
    private readonly store: ShareLinkStore,
    private readonly hocuspocus: Hocuspocus,
    private readonly live: LiveShareLinks,
  ) {}

  create(identity: Identity, document: string, role: ShareRole, expiresAt?: Date) {
    return this.store.createLink({
      tenant: identity.tenant,
      document,
      role,
      createdBy: identity.id,
      ...(expiresAt ? { expiresAt } : {}),
    });
  }

  list(identity: Identity, document: string): Promise<ShareLink[]> {
    return this.store.listLinks(identity.tenant, document);
  }

  /** Revokes the link and ends its connections everywhere; undefined when the document has no such link. */
  async revoke(identity: Identity, document: string, linkId: string): Promise<ShareLink | undefined> {
    const revoked = await this.store.revokeLink(identity.tenant, document, linkId, identity.id);
    if (revoked !== undefined) this.live.revoked({ linkId, document });
    return revoked;
  }

  redeem(identity: Identity, secret: string): Promise<Redemption> {
    return this.store.redeem(identity.tenant, secret, { id: identity.id, name: identity.name });
  }

  sharedWith(identity: Identity): Promise<ShareGrant[]> {
    return this.store.sharedWith(identity.tenant, identity.id);
  }

  /**
   * Who has access to `document`, as far as the server knows: everyone who
   * holds a grant from one of its links in force, and everyone who has it
   * open on this instance (tokens are not stored: someone whose token grants
   * access is known only while they are here). One entry per person.
   */
  async whoHasAccess(identity: Identity, document: string): Promise<AccessEntry[]> {
    const entries = new Map<string, AccessEntry>();
    for (const grant of await this.store.grantsOn(identity.tenant, document)) {
      const known = entries.get(grant.userId);
      if (known?.grant && Roles.indexOf(known.role) <= Roles.indexOf(grant.role)) continue;
      entries.set(grant.userId, {
        id: grant.userId,
        name: grant.userName,
        role: grant.role,
        via: "link",
        grant,
        present: false,
      });
    }
    for (const connection of this.hocuspocus.documents.get(document)?.getConnections() ?? []) {
      const present = (connection.context as ConnectionContext).identity;
      if (present === undefined || present.tenant !== identity.tenant) continue;
      const role = accessTo(present, document)?.role;
      if (role === undefined) continue;
      const fromLink = shareLinkBehind(present, document) !== undefined;
      const known = entries.get(present.id);
      entries.set(present.id, {
        id: present.id,
        name: present.name,
        role,
        via: fromLink ? "link" : "token",
        grant: fromLink ? (known?.grant ?? null) : null,
        present: true,
      });
    }
    return [...entries.values()];
  }
}
