import { isTandemClientError, useShareClient } from "@tandem/client";
import { useEffect, useState } from "react";
import { documentHash } from "../route.js";

type Opening = { readonly state: "opening" } | { readonly state: "ended" | "failed"; readonly message: string };

/**
 * A share link (`#/s/<secret>`): redeems it, which adds its role on its
 * document to whoever is signed in here, then opens the document in place of
 * the link (the secret leaves the address and the history).
 */
export function OpenShareLink({ secret }: { secret: string }) {
  const client = useShareClient();
  const [opening, setOpening] = useState<Opening>({ state: "opening" });
  useEffect(() => {
    let current = true;
    client.redeem(secret).then(
      ({ document }) => {
        if (current) window.location.replace(documentHash(document));
      },
      (error: unknown) => {
        if (!current) return;
        const message = error instanceof Error ? error.message : String(error);
        const ended = isTandemClientError(error, "gone") || isTandemClientError(error, "not-found");
        setOpening({ state: ended ? "ended" : "failed", message });
      },
    );
    return () => {
      current = false;
    };
  }, [client, secret]);
  if (opening.state === "opening") return <main className="center-page muted">Opening the shared document…</main>;
  return <LinkEnded message={opening.message} failed={opening.state === "failed"} />;
}

/** What a person sees when the share link they came through stopped working (or never did). */
export function LinkEnded({ message, failed = false }: { message?: string; failed?: boolean }) {
  return (
    <main className="center-page" data-testid="share-link-ended">
      <div className="card stack" role="alert">
        <h1>{failed ? "Could not open the link" : "This link no longer works"}</h1>
        <p>
          {failed
            ? "Try again in a moment."
            : "The owner revoked it, or it has expired. Ask them for a new link if you still need the document."}
        </p>
        {message && <p className="muted">{message}</p>}
        <a className="button" href="#/">
          All documents
        </a>
      </div>
    </main>
  );
}
