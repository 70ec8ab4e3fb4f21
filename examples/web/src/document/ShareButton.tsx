import { useEffect, useState } from "react";
import { documentLink } from "../route.js";

/**
 * Copies `text`. The Clipboard API needs a secure context (https or
 * localhost); opened over plain http on a LAN address, the page falls back
 * to the older selection-based copy.
 */
async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.style.position = "fixed";
    field.style.opacity = "0";
    document.body.append(field);
    field.select();
    const copied = document.execCommand("copy");
    field.remove();
    return copied;
  }
}

/** Copies the document's link (never the token: the page removed it from the address when it loaded). */
export function ShareButton({ name }: { name: string }) {
  const [message, setMessage] = useState<string>();
  useEffect(() => {
    if (message === undefined) return;
    const timer = window.setTimeout(() => setMessage(undefined), 2200);
    return () => window.clearTimeout(timer);
  }, [message]);

  const share = async () => {
    const link = documentLink(name);
    setMessage((await copy(link)) ? "Link copied" : `Copy this link: ${link}`);
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
      <output className={message ? "toast" : "visually-hidden"} aria-live="polite" data-testid="share-status">
        {message ?? ""}
      </output>
    </>
  );
}
