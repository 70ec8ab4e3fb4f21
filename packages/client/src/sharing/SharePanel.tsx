import { type AccessInfo, type ShareLinkInfo, type ShareRole, ShareRoles, shareLinkUrl } from "@tandem/protocol";
import { type FormEvent, type ReactNode, useState } from "react";
import { copyText } from "./copy.js";
import { useShareClient, useSharing } from "./useSharing.js";

/** Props of {@link SharePanel}. */
export interface SharePanelProps {
  /** The document to share. */
  readonly document: string;
  readonly onClose: () => void;
  /**
   * The page a link opens, which must read `#/s/<secret>` and redeem it
   * (`ShareClient.redeem`); the current page by default.
   */
  readonly linkBase?: string;
}

const roleLabels: Record<ShareRole, string> = {
  viewer: "can view",
  commenter: "can comment",
  editor: "can edit",
};

const HOUR = 3600_000;
const expiries = [
  { value: "never", label: "Never expires", ms: 0 },
  { value: "1h", label: "Expires in 1 hour", ms: HOUR },
  { value: "1d", label: "Expires in 1 day", ms: 24 * HOUR },
  { value: "7d", label: "Expires in 7 days", ms: 7 * 24 * HOUR },
  { value: "30d", label: "Expires in 30 days", ms: 30 * 24 * HOUR },
] as const;

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

function LinkRow({ link, onRevoke }: { readonly link: ShareLinkInfo; readonly onRevoke: () => void }): ReactNode {
  const state =
    link.status === "active" ? (link.expiresAt ? `until ${when(link.expiresAt)}` : "no expiry") : link.status;
  return (
    <li className="tandem-share__row" data-testid="share-link-row" data-link-id={link.id} data-status={link.status}>
      <span>
        Anyone with the link {roleLabels[link.role]} <span className="tandem-share__muted">· {state}</span>
      </span>
      {link.status === "active" && (
        <button type="button" className="tandem-button is-danger" data-testid="share-revoke" onClick={onRevoke}>
          Revoke
        </button>
      )}
    </li>
  );
}

function PersonRow({ person }: { readonly person: AccessInfo }): ReactNode {
  return (
    <li className="tandem-share__row" data-testid="share-person" data-user-id={person.id}>
      <span>
        {person.name} <span className="tandem-share__muted">· {person.role}</span>
      </span>
      <span className="tandem-share__muted">
        {person.via === "link" ? "through a link" : "through their token"}
        {person.present ? " · here now" : ""}
      </span>
    </li>
  );
}

function ShareBody({ document, linkBase }: { readonly document: string; readonly linkBase?: string }): ReactNode {
  const client = useShareClient();
  const sharing = useSharing(document, true);
  const [role, setRole] = useState<ShareRole>("commenter");
  const [expiry, setExpiry] = useState<(typeof expiries)[number]["value"]>("never");
  const [created, setCreated] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  const act = (work: () => Promise<void>) => {
    setMessage(null);
    work().then(sharing.reload, (error: unknown) => setMessage(error instanceof Error ? error.message : String(error)));
  };
  const create = (event: FormEvent) => {
    event.preventDefault();
    const ms = expiries.find((each) => each.value === expiry)?.ms ?? 0;
    act(async () => {
      const { secret } = await client.createLink(document, role, ms > 0 ? new Date(Date.now() + ms) : undefined);
      setCreated(shareLinkUrl(linkBase ?? window.location.href, secret));
    });
  };
  const copy = async (url: string) => setMessage((await copyText(url)) ? "Link copied" : "Copy the link above");

  if (sharing.state === "loading") return <p className="tandem-share__muted">Loading…</p>;
  if (sharing.state === "not-owner") {
    return <p data-testid="share-not-owner">Only the document's owners can share it with links.</p>;
  }
  if (sharing.state === "failed") return <p role="alert">{sharing.message}</p>;
  return (
    <>
      <form className="tandem-share__create" onSubmit={create}>
        <label className="tandem-share__field">
          <span className="tandem-share__label">Anyone with the link</span>
          <select value={role} data-testid="share-role" onChange={(event) => setRole(event.target.value as ShareRole)}>
            {ShareRoles.map((each) => (
              <option key={each} value={each}>
                {roleLabels[each]}
              </option>
            ))}
          </select>
        </label>
        <select
          aria-label="Expiry"
          value={expiry}
          data-testid="share-expiry"
          onChange={(event) => setExpiry(event.target.value as typeof expiry)}
        >
          {expiries.map((each) => (
            <option key={each.value} value={each.value}>
              {each.label}
            </option>
          ))}
        </select>
        <button type="submit" className="tandem-button" data-testid="share-create">
          Create link
        </button>
      </form>
      {created && (
        <div className="tandem-share__created">
          <input readOnly aria-label="New link" value={created} data-testid="share-new-url" />
          <button
            type="button"
            className="tandem-button is-quiet"
            data-testid="share-copy"
            onClick={() => void copy(created)}
          >
            Copy
          </button>
        </div>
      )}
      <output className="tandem-share__muted" aria-live="polite" data-testid="share-message">
        {message ?? ""}
      </output>
      <h3>Links</h3>
      {sharing.links.length === 0 ? (
        <p className="tandem-share__muted">No links yet.</p>
      ) : (
        <ul className="tandem-share__list">
          {sharing.links.map((link) => (
            <LinkRow key={link.id} link={link} onRevoke={() => act(() => client.revoke(document, link.id))} />
          ))}
        </ul>
      )}
      <h3>Who has access</h3>
      <p className="tandem-share__muted">People who opened a link, and everyone who has the document open now.</p>
      <ul className="tandem-share__list">
        {sharing.people.map((person) => (
          <PersonRow key={person.id} person={person} />
        ))}
      </ul>
    </>
  );
}

/**
 * The Share dialog's content for a document, for its owners: create a link
 * that grants a role (viewer, commenter, editor) to whoever opens it,
 * optionally expiring; copy it; revoke links; see who has access. Others are
 * told that only owners share. Render it in the app's own dialog or popover
 * while it is open: it loads when mounted.
 *
 * @example
 * ```tsx
 * <dialog open={sharing}>
 *   {sharing && <SharePanel document="spec/42" onClose={() => setSharing(false)} />}
 * </dialog>
 * ```
 */
export function SharePanel({ document, onClose, linkBase }: SharePanelProps): ReactNode {
  return (
    <div className="tandem-share" data-testid="share-dialog">
      <div className="tandem-share__header">
        <h2>Share</h2>
        <button type="button" className="tandem-button is-quiet" data-testid="share-close" onClick={onClose}>
          Close
        </button>
      </div>
      <ShareBody document={document} {...(linkBase ? { linkBase } : {})} />
    </div>
  );
}
