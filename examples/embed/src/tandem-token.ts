import { useCallback, useEffect, useState } from "react";

/** What the host's backend (server.ts) answers at /api/tandem-token. */
export interface TandemGrant {
  readonly token: string;
  /** The Tandem server's collaboration WebSocket, e.g. ws://localhost:1234/collab. */
  readonly url: string;
  readonly user: { readonly id: string; readonly name: string; readonly color: string; readonly role: string };
}

/** Asks the host app's own backend for a Tandem token; the browser never sees the secret. */
export async function fetchGrant(): Promise<TandemGrant> {
  const response = await fetch("/api/tandem-token", { credentials: "same-origin" });
  if (!response.ok) throw new Error(`the token endpoint answered ${response.status}`);
  return (await response.json()) as TandemGrant;
}

/**
 * The current grant, plus `refresh` for when Tandem says the token expired
 * (close code 4401): the editor then reconnects with the fresh one.
 */
export function useTandemGrant() {
  const [grant, setGrant] = useState<TandemGrant>();
  const [error, setError] = useState<string>();
  const refresh = useCallback(async (): Promise<string> => {
    try {
      const next = await fetchGrant();
      setGrant(next);
      setError(undefined);
      return next.token;
    } catch (failure) {
      setError(String(failure));
      throw failure;
    }
  }, []);
  useEffect(() => {
    refresh().catch(() => {
      // Shown through `error`.
    });
  }, [refresh]);
  return { grant, error, refresh };
}
