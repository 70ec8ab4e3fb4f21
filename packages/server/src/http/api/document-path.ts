import { isValidDocumentName, parseDocumentName } from "@tandem/protocol";
import { type ApiResult, fail } from "./respond.js";

/** What a path under `/api/documents/` names: a document, or one of its history resources. */
export interface DocumentPath {
  readonly name: string;
  /** Null for the document itself. */
  readonly resource: "versions" | "diff" | "revert" | "authorship" | null;
  /** Under `versions/`: a version id, or `current`. */
  readonly version?: string;
  /** Under `versions/<id>/`. */
  readonly action?: "restore";
}

// The name is everything before the first known resource suffix. A name with
// a `/versions`-like segment of its own must be sent with its slashes as %2F,
// which is never ambiguous (the split happens before decoding).
const PATH = /^(.+?)(?:\/(versions)(?:\/([^/]+)(?:\/(restore))?)?|\/(diff|revert|authorship))?$/;

/**
 * Splits the rest of a path under `/api/documents/` into the document's name
 * (which may come as is, `spec/k3x9`, or percent-encoded, `spec%2Fk3x9`) and
 * the resource asked for.
 */
export function parseDocumentPath(rest: string): ApiResult<DocumentPath> {
  // Names are at most 200 characters (600 percent-encoded); the lazy match is quadratic in the length.
  const match = rest.length > 1000 ? null : PATH.exec(rest);
  if (match === null) return fail("invalid-request", "no document name in the path");
  const [, encodedName = "", versions, version, action, other] = match;
  let name: string;
  try {
    name = decodeURIComponent(encodedName);
  } catch {
    return fail("invalid-request", "the document name is not validly percent-encoded");
  }
  if (!isValidDocumentName(name) || parseDocumentName(name).isComments) {
    return fail("invalid-request", `"${name.slice(0, 100)}" is not a document name`);
  }
  const resource = (versions ?? other ?? null) as DocumentPath["resource"];
  return {
    ok: true,
    value: {
      name,
      resource,
      ...(version !== undefined ? { version } : {}),
      ...(action !== undefined ? { action: action as "restore" } : {}),
    },
  };
}
