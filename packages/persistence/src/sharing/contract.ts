import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isPersistenceError, type PersistenceErrorCode } from "../errors.js";
import type { NewShareLink, ShareLinkStore } from "./store.js";

/** What a share-link contract run needs: a fresh store and a way to dispose of it. */
export interface ShareLinkContractSetup {
  readonly store: ShareLinkStore;
  teardown(): Promise<void>;
}

function rejectsWith(promise: Promise<unknown>, code: PersistenceErrorCode) {
  return expect(promise).rejects.toSatisfy((error) => isPersistenceError(error, code));
}

/**
 * Checks that `items` come in time order by `at`, and hold `expected` (by
 * `key`) in that order where their times differ. Two made one right after the
 * other may share a time (PGlite's clock counts milliseconds), and then either
 * may come first.
 */
function expectTimeOrder<T>(
  items: readonly T[],
  at: (item: T) => Date,
  order: "oldest first" | "newest first",
  key: (item: T) => string,
  expected: readonly string[],
) {
  expect(items.map(key).toSorted()).toEqual(expected.toSorted());
  const times = items.map((item) => at(item).getTime());
  const sorted = times.toSorted((a, b) => (order === "oldest first" ? a - b : b - a));
  expect(times).toEqual(sorted);
  if (new Set(times).size === times.length) expect(items.map(key)).toEqual(expected);
}

const ada = { id: "ada", name: "Ada Lovelace" };
const grace = { id: "grace", name: "Grace Hopper" };

/**
 * The behaviour every {@link ShareLinkStore} must show, as numbered cases
 * (`[SL1]`…) so a failure names the rule it broke.
 *
 * @example
 * ```ts
 * import { runShareLinkStoreContract } from "@tandem/persistence/share-link-contract";
 *
 * runShareLinkStoreContract("my store", async () => {
 *   const store = await createMyStore();
 *   return { store: store.shareLinks, teardown: () => store.close() };
 * });
 * ```
 */
export function runShareLinkStoreContract(name: string, setup: () => Promise<ShareLinkContractSetup>): void {
  describe(`ShareLinkStore contract: ${name}`, () => {
    let store: ShareLinkStore;
    let teardown: () => Promise<void>;
    let sequence = 0;
    let document: string;

    beforeEach(async () => {
      ({ store, teardown } = await setup());
      document = `spec/share-${++sequence}`;
    });
    afterEach(async () => {
      await teardown();
    });

    const create = (overrides: Partial<NewShareLink> = {}) =>
      store.createLink({ tenant: "default", document, role: "commenter", createdBy: "owner", ...overrides });

    it("[SL1] a link is created with a fresh secret and listed without it", async () => {
      const { link, secret } = await create({ role: "viewer" });
      const second = await create({ role: "editor" });
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(second.secret).not.toBe(secret);
      expect(link).toMatchObject({
        tenant: "default",
        document,
        role: "viewer",
        createdBy: "owner",
        expiresAt: null,
        revokedAt: null,
        revokedBy: null,
      });
      expect(link.id).toMatch(/^sl_[0-9a-f]{24}$/);
      const listed = await store.listLinks("default", document);
      expectTimeOrder(
        listed,
        (each) => each.createdAt,
        "oldest first",
        (each) => each.id,
        [link.id, second.link.id],
      );
      expect(JSON.stringify(listed)).not.toContain(secret);
      expect(await store.listLinks("default", `${document}-other`)).toEqual([]);
    });

    it("[SL2] redeeming a link grants its role to the user, once per user, shown both ways", async () => {
      const { link, secret } = await create();
      const redeemed = await store.redeem("default", secret, ada);
      expect(redeemed).toEqual({ ok: true, link });
      await store.redeem("default", secret, { ...ada, name: "Ada King" });
      await store.redeem("default", secret, grace);
      const shared = await store.sharedWith("default", "ada");
      expect(shared).toEqual([
        expect.objectContaining({ linkId: link.id, document, role: "commenter", userId: "ada", userName: "Ada King" }),
      ]);
      const grants = await store.grantsOn("default", document);
      expect(grants.map((grant) => grant.userId).sort()).toEqual(["ada", "grace"]);
      expect(await store.sharedWith("default", "nobody")).toEqual([]);
    });

    it("[SL3] a revoked link stops granting at once; revoking is idempotent and scoped to the document", async () => {
      const { link, secret } = await create();
      await store.redeem("default", secret, ada);
      expect(await store.revokeLink("default", `${document}-other`, link.id, "owner")).toBeUndefined();
      expect(await store.revokeLink("default", document, "sl_missing", "owner")).toBeUndefined();
      const revoked = await store.revokeLink("default", document, link.id, "owner");
      expect(revoked?.revokedAt).toBeInstanceOf(Date);
      expect(revoked?.revokedBy).toBe("owner");
      const again = await store.revokeLink("default", document, link.id, "someone-else");
      expect(again?.revokedAt?.getTime()).toBe(revoked?.revokedAt?.getTime());
      expect(again?.revokedBy).toBe("owner");
      expect(await store.sharedWith("default", "ada")).toEqual([]);
      expect(await store.grantsOn("default", document)).toEqual([]);
      expect(await store.redeem("default", secret, grace)).toEqual({ ok: false, reason: "revoked" });
      expect((await store.listLinks("default", document))[0]?.revokedAt).toBeInstanceOf(Date);
    });

    it("[SL4] links are a tenant's: another tenant's users cannot redeem or see them", async () => {
      const { secret } = await create({ tenant: "acme" });
      expect(await store.redeem("default", secret, ada)).toEqual({ ok: false, reason: "unknown" });
      expect(await store.listLinks("default", document)).toEqual([]);
      expect((await store.redeem("acme", secret, ada)).ok).toBe(true);
      expect(await store.sharedWith("default", "ada")).toEqual([]);
      expect(await store.sharedWith("acme", "ada")).toHaveLength(1);
    });

    it("[SL5] a link expires by itself; an expiry in the past is refused", async () => {
      await rejectsWith(create({ expiresAt: new Date(Date.now() - 1000) }), "invalid-argument");
      const expiresAt = new Date(Date.now() + 1500);
      const { link, secret } = await create({ expiresAt });
      expect(link.expiresAt?.getTime()).toBe(expiresAt.getTime());
      await store.redeem("default", secret, ada);
      expect(await store.sharedWith("default", "ada")).toEqual([expect.objectContaining({ expiresAt })]);
      await vi.waitFor(
        async () => {
          expect(await store.sharedWith("default", "ada")).toEqual([]);
        },
        { timeout: 10_000, interval: 100 },
      );
      expect(await store.grantsOn("default", document)).toEqual([]);
      expect(await store.redeem("default", secret, grace)).toEqual({ ok: false, reason: "expired" });
    });

    it("[SL6] unknown and malformed secrets are unknown; malformed arguments are refused", async () => {
      await create();
      expect(await store.redeem("default", "A".repeat(43), ada)).toEqual({ ok: false, reason: "unknown" });
      expect(await store.redeem("default", "not a secret", ada)).toEqual({ ok: false, reason: "unknown" });
      await rejectsWith(create({ role: "owner" as never }), "invalid-argument");
      await rejectsWith(create({ document: "" }), "invalid-argument");
      await rejectsWith(create({ createdBy: "" }), "invalid-argument");
      await rejectsWith(create({ expiresAt: new Date(Number.NaN) }), "invalid-argument");
      await rejectsWith(store.redeem("default", "A".repeat(43), { id: "", name: "x" }), "invalid-argument");
      await rejectsWith(store.listLinks("default", "a\u0000b"), "invalid-argument");
    });

    it("[SL7] the documents shared with a user, newest first, or those of one document", async () => {
      const first = await create();
      const second = await create({ document: `${document}-b`, role: "editor" });
      await store.redeem("default", first.secret, ada);
      await store.redeem("default", second.secret, ada);
      const shared = await store.sharedWith("default", "ada");
      expectTimeOrder(
        shared,
        (grant) => grant.grantedAt,
        "newest first",
        (grant) => grant.document,
        [`${document}-b`, document],
      );
      const one = await store.sharedWith("default", "ada", document);
      expect(one.map((grant) => [grant.document, grant.role])).toEqual([[document, "commenter"]]);
    });

    it("[SL8] a person's grants, revoked links' too, are listed and forgotten within one tenant", async () => {
      const person = { id: `erased-${sequence}`, name: "To Forget" };
      const first = await create();
      const second = await create({ document: `${document}-b` });
      const elsewhere = await create({ tenant: "acme" });
      for (const [tenant, secret] of [
        ["default", first.secret],
        ["default", second.secret],
        ["acme", elsewhere.secret],
      ] as const) {
        expect((await store.redeem(tenant, secret, person)).ok).toBe(true);
      }
      await store.redeem("default", first.secret, grace);
      await store.revokeLink("default", document, first.link.id, "owner");
      const held = await store.grantsOf("default", person.id);
      expectTimeOrder(
        held,
        (grant) => grant.grantedAt,
        "oldest first",
        (grant) => grant.document,
        [document, `${document}-b`],
      );
      expect(held.map((grant) => grant.userName)).toEqual(["To Forget", "To Forget"]);
      expect(await store.forgetUser("default", person.id)).toBe(2);
      expect(await store.grantsOf("default", person.id)).toEqual([]);
      expect(await store.forgetUser("default", person.id)).toBe(0);
      // Another tenant's user of the same id, and another user, keep theirs.
      expect(await store.grantsOf("acme", person.id)).toHaveLength(1);
      expect((await store.grantsOf("default", "grace")).map((grant) => grant.linkId)).toContain(first.link.id);
    });
  });
}
