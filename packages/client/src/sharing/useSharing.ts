import type { AccessInfo, ShareLinkInfo } from "@tandem/protocol";
import { useCallback, useEffect, useMemo, useState } from "react";
import { isTandemClientError } from "../errors.js";
import { useTandemConnection } from "../provider/TandemProvider.js";
import { ShareClient } from "./client.js";

/** A document's links and who has access, as its owner sees them. */
export type SharingState =
  | { readonly state: "loading" }
  | { readonly state: "not-owner" }
  | { readonly state: "failed"; readonly message: string }
  | { readonly state: "ready"; readonly links: readonly ShareLinkInfo[]; readonly people: readonly AccessInfo[] };

/** A {@link ShareClient} on the nearest provider's connection. */
export function useShareClient(): ShareClient {
  const connection = useTandemConnection();
  return useMemo(() => new ShareClient(connection), [connection]);
}

/**
 * The links of `document` and who has access, loaded while `active`, with
 * `reload` to ask again after a change. Someone who is not an owner gets
 * `not-owner` (the server answers 403).
 */
export function useSharing(document: string, active: boolean): SharingState & { reload(): void } {
  const client = useShareClient();
  const [state, setState] = useState<SharingState>({ state: "loading" });
  const [generation, setGeneration] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` asks again
  useEffect(() => {
    if (!active) return;
    let current = true;
    Promise.all([client.links(document), client.whoHasAccess(document)]).then(
      ([links, people]) => current && setState({ state: "ready", links, people }),
      (error: unknown) => {
        if (!current) return;
        if (isTandemClientError(error, "read-only")) setState({ state: "not-owner" });
        else setState({ state: "failed", message: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => {
      current = false;
    };
  }, [client, document, active, generation]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { ...state, reload };
}
