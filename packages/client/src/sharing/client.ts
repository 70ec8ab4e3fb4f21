import type {
  AccessInfo,
  CreatedShareLink,
  RedeemedShareLink,
  SharedDocument,
  ShareLinkInfo,
  ShareRole,
} from "@tandem/protocol";
import type { TandemConnection } from "../provider/connection.js";
import { apiRequest } from "../rest.js";

/**
 * The sharing endpoints of a Tandem server (docs/sharing.md), called with the
 * connection's own server and token. Creating, listing and revoking links and
 * seeing who has access need the owner role on the document (else
 * `read-only`); anyone may redeem a link.
 *
 * @example
 * ```ts
 * const sharing = new ShareClient(connection);
 * const { secret } = await sharing.createLink("spec/42", "commenter");
 * const url = shareLinkUrl(window.location.href, secret); // from @tandem/protocol
 * ```
 */
export class ShareClient {
  constructor(private readonly connection: TandemConnection) {}

  /** A new link granting `role` on `name`, until `expiresAt` if given. Its secret is in this answer only. */
  createLink(name: string, role: ShareRole, expiresAt?: Date): Promise<CreatedShareLink> {
    return apiRequest(this.connection, this.path(name, "/share-links"), {
      body: { role, ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}) },
    });
  }

  async links(name: string): Promise<ShareLinkInfo[]> {
    return (await apiRequest<{ links: ShareLinkInfo[] }>(this.connection, this.path(name, "/share-links"))).links;
  }

  /** Revokes a link: whoever has the document open through it loses it at once. */
  async revoke(name: string, linkId: string): Promise<void> {
    await apiRequest(this.connection, this.path(name, `/share-links/${encodeURIComponent(linkId)}`), {
      method: "DELETE",
    });
  }

  async whoHasAccess(name: string): Promise<AccessInfo[]> {
    return (await apiRequest<{ people: AccessInfo[] }>(this.connection, this.path(name, "/access"))).people;
  }

  /**
   * Opens a link: the caller gets its role on its document from now on.
   *
   * @throws TandemClientError `not-found` for a secret nobody made, `gone` for a revoked or expired link.
   */
  redeem(secret: string): Promise<RedeemedShareLink> {
    return apiRequest(this.connection, "/api/share-links/redeem", { body: { secret } });
  }

  /** The documents shared with the caller through links still in force, newest first. */
  async sharedWithMe(): Promise<SharedDocument[]> {
    const answer = await apiRequest<{ documents: SharedDocument[] }>(
      this.connection,
      "/api/share-links/shared-with-me",
    );
    return answer.documents;
  }

  private path(name: string, rest: string): string {
    return `/api/documents/${encodeURIComponent(name)}${rest}`;
  }
}
