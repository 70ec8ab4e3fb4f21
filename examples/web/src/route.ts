import { isValidDocumentName, shareSecretIn } from "@tandem/protocol";
import { useSyncExternalStore } from "react";

/**
 * Where the page is: the document list, one document (`#/d/spec/k3x9q2`),
 * optionally at a comment thread (`#/d/spec/k3x9q2?thread=t1`, where a
 * notification leads), or a share link being opened (`#/s/<secret>`).
 */
export type Route =
  | { readonly page: "list" }
  | { readonly page: "document"; readonly name: string; readonly thread?: string }
  | { readonly page: "share"; readonly secret: string };

/**
 * Reads the route from the hash. Hash routes keep every link working on any
 * static host, and the document's name in the address is what makes a
 * document's link shareable.
 */
export function parseRoute(hash: string): Route {
  const secret = shareSecretIn(hash);
  if (secret !== undefined) return { page: "share", secret };
  const match = /^#\/d\/([^?]+)(?:\?thread=([^&]+))?$/.exec(hash);
  if (match) {
    const name = safeDecode(match[1] ?? "");
    const thread = match[2] === undefined ? undefined : safeDecode(match[2]);
    if (name !== undefined && isValidDocumentName(name))
      return { page: "document", name, ...(thread ? { thread } : {}) };
  }
  return { page: "list" };
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** The hash of a document's page (at a thread). Slashes stay readable: `#/d/spec/k3x9q2`. */
export function documentHash(name: string, thread?: string): string {
  const at = thread === undefined ? "" : `?thread=${encodeURIComponent(thread)}`;
  return `#/d/${name.split("/").map(encodeURIComponent).join("/")}${at}`;
}

/** The full link to a document, for sharing. */
export function documentLink(name: string): string {
  return `${window.location.origin}${window.location.pathname}${documentHash(name)}`;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

/** The current route, re-rendering on navigation. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}

/** Goes to a document (perhaps at a thread) or the list, adding a history entry. */
export function navigate(route: Exclude<Route, { page: "share" }>): void {
  window.location.hash = route.page === "document" ? documentHash(route.name, route.thread) : "#/";
}
