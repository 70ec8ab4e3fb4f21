import { type AccessMap, roleFor } from "../auth/access.js";

/**
 * Whether someone with `access` (a token's patterns and roles) may see
 * notifications about `document`. Unknown access (a person the server has
 * not seen yet) lets it through; it is checked again when they list their inbox.
 */
export function maySee(access: Readonly<Record<string, string>> | null | undefined, document: string): boolean {
  return access === null || access === undefined || roleFor(access as AccessMap, document) !== undefined;
}
