/**
 * The tenant of everything stored without one: the documents, webhook
 * subscriptions and audit entries of a server that has no tenants, and of
 * tokens without a `tenant` claim. Stores take a tenant id on every call and
 * default to this one.
 */
export const DEFAULT_TENANT = "default";
