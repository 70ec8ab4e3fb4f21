import { isPersistenceError } from "@tandem/persistence";
import { type ApiResult, fail } from "./respond.js";

/**
 * Runs a store call, turning what the store says went wrong into an API
 * failure: `unavailable` and `overloaded` are a 503 (retry), `not-found` a 404 and
 * `invalid-argument` a 400. Anything else is a bug: it is rethrown, logged and
 * answered with 500 by the router.
 */
export async function fromStore<T>(work: () => Promise<T>): Promise<ApiResult<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    // A store refusing an append for a full commit queue is as much a "retry later" as one it cannot reach.
    if (isPersistenceError(error, "unavailable") || isPersistenceError(error, "overloaded"))
      return fail("storage-unavailable", "storage is unavailable; retry");
    if (isPersistenceError(error, "not-found")) return fail("not-found", error.message);
    if (isPersistenceError(error, "invalid-argument")) return fail("invalid-request", error.message);
    throw error;
  }
}
