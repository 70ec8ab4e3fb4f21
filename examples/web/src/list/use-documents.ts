import type { DocumentSummary } from "@tandem/protocol";
import { useCallback, useEffect, useRef, useState } from "react";
import type { Api, ListQuery } from "../api.js";

const REFRESH_MS = 5000;

/**
 * The document list, refreshed every few seconds while the page is visible:
 * titles, statuses and who is in each document change while you look at it.
 */
export function useDocuments(api: Api, query: ListQuery) {
  const [documents, setDocuments] = useState<DocumentSummary[]>();
  const [error, setError] = useState<string>();
  const latest = useRef(query);
  latest.current = query;

  const refresh = useCallback(async () => {
    try {
      const found = await api.list(query);
      // An answer to a query the person has since changed must not replace the newer one's.
      if (latest.current !== query) return;
      setDocuments(found);
      setError(undefined);
    } catch (failure) {
      if (latest.current === query) setError(failure instanceof Error ? failure.message : String(failure));
    }
  }, [api, query]);

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
