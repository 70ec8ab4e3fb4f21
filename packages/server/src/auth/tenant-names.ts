import { DEFAULT_TENANT } from "@tandem/persistence";

/**
 * Between a tenant and a document name in the server's own names:
 * `acme!spec/42`. `isValidDocumentName` (in @tandem/protocol) never accepts
 * `!` from a client, nor does a tenant id contain it, so no name a client
 * sends can be read as another tenant's (a crafted `acme!spec/42` is refused
 * before it is scoped), and the first `!` of a server name always ends its tenant.
 */
export const TENANT_SEPARATOR = "!";

/**
 * The server's name of `tenant`'s document `name` (a name as clients know
 * it): the default tenant's names stay bare, so data stored before tenants
 * existed is still its, every other tenant's are prefixed.
 */
export function scopeName(tenant: string, name: string): string {
  return tenant === DEFAULT_TENANT ? name : `${tenant}${TENANT_SEPARATOR}${name}`;
}

/** A server name split into its tenant and the name its tenant's clients know. */
export function unscopeName(scoped: string): { tenant: string; name: string } {
  const separator = scoped.indexOf(TENANT_SEPARATOR);
  if (separator === -1) return { tenant: DEFAULT_TENANT, name: scoped };
  return { tenant: scoped.slice(0, separator), name: scoped.slice(separator + 1) };
}

/** The tenant a server name belongs to. */
export function tenantOfName(scoped: string): string {
  return unscopeName(scoped).tenant;
}

/** A server name as its tenant's clients know it. */
export function clientName(scoped: string): string {
  return unscopeName(scoped).name;
}

/**
 * Names for a store list of `tenant`'s documents: its prefixes and patterns
 * scoped, and for the default tenant every other tenant's names left out
 * (its scoped prefixes could not match them, this keeps it so for any prefix).
 */
export function scopeListNames(
  tenant: string,
  names: { prefixes: readonly string[]; namePatterns: readonly string[]; excludePatterns: readonly string[] },
): { prefixes: string[]; namePatterns: string[]; excludePatterns: string[] } {
  const scope = (each: string) => scopeName(tenant, each);
  return {
    prefixes: names.prefixes.map(scope),
    namePatterns: names.namePatterns.map(scope),
    excludePatterns: [
      ...names.excludePatterns.map(scope),
      ...(tenant === DEFAULT_TENANT ? [`*${TENANT_SEPARATOR}*`] : []),
    ],
  };
}
