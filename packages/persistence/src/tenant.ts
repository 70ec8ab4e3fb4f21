/**
 * The tenant of everything stored without one: the data of a server that has
 * no tenants, and of tokens without a `tenant` claim. The webhook and audit
 * stores take a tenant on every call and default to this one; a document
 * carries its tenant in its name (the server leaves this tenant's names bare,
 * so what was stored before tenants existed stays this tenant's).
 */
export const DEFAULT_TENANT = "default";
