import { randomBytes } from "node:crypto";
import type { DocumentKind } from "@tandem/protocol";

const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

/**
 * A fresh document name, `<kind>/<10 random base-36 characters>` (about 52
 * bits): short enough to read in a link, and two creations pick the same
 * name about once in 10^15 (the API still checks that the name is free).
 */
export function newDocumentName(kind: DocumentKind): string {
  // 252 is the largest multiple of 36 below 256: rejecting bytes above it keeps every character equally likely.
  let id = "";
  while (id.length < 10) {
    for (const byte of randomBytes(16)) {
      if (byte < 252 && id.length < 10) id += alphabet[byte % 36];
    }
  }
  return `${kind}/${id}`;
}
