import { getPath } from "hono/utils/url";

/** Where the documents API lives. */
export const DOCUMENTS_PATH = "/api/documents";

/** What may follow a document's name: its sub-resources, as the routes name them. */
const RESOURCE =
  /^\/(?:versions(?:\/[^/]+(?:\/restore)?)?|diff|revert|authorship|archive|unarchive|duplicate|content|comments|suggestions|share-links(?:\/[^/]+)?|access)$/;

/**
 * The path Hono routes a request by: as usual, but with the document name
 * under `/api/documents/` as one percent-encoded segment.
 *
 * Names have slashes (`spec/k3x9`), and may be sent as they are or encoded
 * (`spec%2Fk3x9`); routes match the name as one segment, `{name}`. The name
 * is everything before the first sub-resource suffix (`/versions`, `/diff`, `/comments`…),
 * so a name with such a segment of its own must be sent encoded, which is
 * never ambiguous: the split is made before decoding. What the segment holds
 * is validated by the route (`documentName`), so a malformed name is a 400.
 */
export function routingPath(request: Request): string {
  const path = getPath(request);
  const prefix = `${DOCUMENTS_PATH}/`;
  // Names are at most 200 characters (600 percent-encoded); the suffix search is linear anyway.
  if (!path.startsWith(prefix) || path.length > 2000) return path;
  const rest = path.slice(prefix.length);
  let split = rest.length;
  for (let index = rest.indexOf("/"); index !== -1; index = rest.indexOf("/", index + 1)) {
    if (RESOURCE.test(rest.slice(index))) {
      split = index;
      break;
    }
  }
  const name = rest.slice(0, split);
  if (name === "") return path;
  let decoded: string;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    decoded = name; // a malformed %-escape: left for the route's validation to refuse
  }
  return `${prefix}${encodeURIComponent(decoded)}${rest.slice(split)}`;
}
