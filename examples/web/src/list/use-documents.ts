import type { DocumentKind, DocumentSummary } from "@tandem/protocol";
import { useCallback, useEffect, useState } from "react";
import type { Api } from "../api.js";

const REFRESH_MS = 5000;

/**
 * The document list, refreshed every few seconds while the page is visible:
 * titles, statuses and who is in each document change while you look at it.
 */
export function useDocuments(api: Api, kind: DocumentKind | undefined) {
  const [documents, setDocuments] = useState<DocumentSummary[]>();
  const [error, setError] = useState<string>();

  const refresh = useCallback(async () => {
    try {
      setDocuments(await api.list(kind));
      setError(undefined);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  }, [api, kind]);

  useEffect(() => {
    void refresh();
    const timer = window.setInterval(() => {
      if (document.visibilityState === "visible") void refresh();
    }, REFRESH_MS);
    const onVisible = () => {
      if (document.visibilityState === "visible") void refresh();
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [refresh]);

  return { documents, error, refresh };
}
