import { copyText, SharePanel } from "@tandem/client";
import { useEffect, useState } from "react";
import { documentLink } from "../route.js";
import { Dialog } from "../ui/Dialog.js";

/**
 * Copies the document's link (never the token: the page removed it from the
 * address when it loaded), for people who have access already; and opens the
 * Share dialog, where owners make links that give others a role.
 */
export function ShareButton({ name }: { name: string }) {
  const [message, setMessage] = useState<string>();
  const [sharing, setSharing] = useState(false);
  useEffect(() => {
    if (message === undefined) return;
    const timer = window.setTimeout(() => setMessage(undefined), 2200);
    return () => window.clearTimeout(timer);
  }, [message]);

  const share = async () => {
    const link = documentLink(name);
    setMessage((await copyText(link)) ? "Link copied" : `Copy this link: ${link}`);
  };

  return (
    <>
      <button
        type="button"
        className="button button-primary"
        aria-label="Copy link"
        data-testid="share-link"
        onClick={() => void share()}
      >
        <svg width="16" height="16" viewBox="0 0 24 24" fill="none" aria-hidden="true">
          <path
            d="M10 14a4 4 0 0 0 5.66 0l3-3a4 4 0 0 0-5.66-5.66l-1 1M14 10a4 4 0 0 0-5.66 0l-3 3a4 4 0 0 0 5.66 5.66l1-1"
            stroke="currentColor"
            strokeWidth="2"
            strokeLinecap="round"
          />
        </svg>
        <span className="hide-on-phone">Copy link</span>
      </button>
      <button type="button" className="button" data-testid="share-open" onClick={() => setSharing(true)}>
        Share
      </button>
      <Dialog open={sharing} onClose={() => setSharing(false)} label="Share">
        <SharePanel
          document={name}
          onClose={() => setSharing(false)}
          linkBase={`${window.location.origin}${window.location.pathname}`}
        />
      </Dialog>
      <output className={message ? "toast" : "visually-hidden"} aria-live="polite" data-testid="share-status">
        {message ?? ""}
      </output>
    </>
  );
}
