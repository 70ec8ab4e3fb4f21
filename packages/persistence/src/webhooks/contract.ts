import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isPersistenceError, type PersistenceErrorCode } from "../errors.js";
import { DEFAULT_TENANT } from "../tenant.js";
import type { ClaimedDelivery, OutgoingEvent, WebhookStore } from "./store.js";

/** What a webhook contract run needs: a fresh store, a second one on the same database, and a way to dispose of them. */
export interface WebhookContractSetup {
  readonly store: WebhookStore;
  /**
   * Another store on the same database, as another server instance would
   * open it (it may be `store` itself where only one can be opened, as with
   * an in-memory PGlite).
   */
  readonly other: WebhookStore;
  teardown(): Promise<void>;
}

function rejectsWith(promise: Promise<unknown>, code: PersistenceErrorCode) {
  return expect(promise).rejects.toSatisfy((error) => isPersistenceError(error, code));
}

let sequence = 0;
const event = (type: string, tenantId?: string): OutgoingEvent => {
  sequence++;
  return {
    id: `msg_${sequence}`,
    type,
    body: JSON.stringify({ type, n: sequence }),
    ...(tenantId ? { tenantId } : {}),
  };
};

const outcome = (next: "delivered" | "failed" | number, statusCode: number | null = 200) => ({
  startedAt: new Date(),
  durationMs: 12,
  statusCode,
  error: statusCode === null ? "connect ECONNREFUSED" : null,
  next,
});

/**
 * The behaviour every {@link WebhookStore} must show, as numbered cases
 * (`[WH1]`…) so a failure names the rule it broke.
 *
 * @example
 * ```ts
 * import { runWebhookStoreContract } from "@tandem/persistence/webhook-contract";
 *
 * runWebhookStoreContract("my store", async () => {
 *   const store = await createMyStore();
 *   return { store: store.webhooks, other: store.webhooks, teardown: () => store.close() };
 * });
 * ```
 */
export function runWebhookStoreContract(name: string, setup: () => Promise<WebhookContractSetup>): void {
  describe(`WebhookStore contract: ${name}`, () => {
    let store: WebhookStore;
    let other: WebhookStore;
    let teardown: () => Promise<void>;

    beforeEach(async () => {
      ({ store, other, teardown } = await setup());
    });
    afterEach(async () => {
      await teardown();
    });

    const subscribe = (events: string[], tenantId?: string) =>
      store.createSubscription({
        url: "https://example.com/hook",
        events,
        secret: "whsec_c2VjcmV0",
        ...(tenantId ? { tenantId } : {}),
      });

    it("[WH1] subscriptions are created, listed per tenant without their secret, and deleted", async () => {
      const created = await store.createSubscription({
        url: "https://example.com/a",
        events: ["document.created", "document.created", "comment.created"],
        secret: "whsec_c2VjcmV0",
        description: "CI",
        createdBy: "ada",
      });
      expect(created).toMatchObject({
        tenantId: DEFAULT_TENANT,
        url: "https://example.com/a",
        events: ["document.created", "comment.created"],
        description: "CI",
        createdBy: "ada",
      });
      expect(created.id).toMatch(/^wh_[0-9a-f]{24}$/);
      const elsewhere = await subscribe(["document.created"], "acme");
      expect(await store.listSubscriptions()).toEqual([created]);
      expect(await store.listSubscriptions("acme")).toEqual([elsewhere]);
      expect(JSON.stringify(await store.listSubscriptions())).not.toContain("whsec_");
      // Another tenant's id deletes nothing.
      expect(await store.deleteSubscription(elsewhere.id)).toBe(false);
      expect(await store.deleteSubscription(created.id)).toBe(true);
      expect(await store.deleteSubscription(created.id)).toBe(false);
      expect(await store.listSubscriptions()).toEqual([]);
    });

    it("[WH2] an event is queued for each subscription of its tenant that receives its type, once", async () => {
      const a = await subscribe(["document.created"]);
      const b = await subscribe(["document.created", "comment.created"]);
      await subscribe(["comment.created"]);
      await subscribe(["document.created"], "acme");
      const created = event("document.created");
      expect(await store.enqueue(created)).toBe(2);
      expect(await store.enqueue(created)).toBe(0);
      const claimed = await store.claim(10, 60_000);
      expect(claimed.map((delivery) => delivery.subscriptionId).sort()).toEqual([a.id, b.id].sort());
      for (const delivery of claimed) {
        expect(delivery).toMatchObject({
          messageId: created.id,
          eventType: "document.created",
          body: created.body,
          url: "https://example.com/hook",
          secret: "whsec_c2VjcmV0",
          attempt: 1,
        });
      }
      expect(await store.enqueue(event("document.deleted"))).toBe(0);
    });

    it("[WH3] a claimed delivery is not handed out again until its lease ends, then with its attempt counted", async () => {
      await subscribe(["document.created"]);
      await store.enqueue(event("document.created"));
      const [first] = await store.claim(10, 60_000);
      expect(first?.attempt).toBe(1);
      expect(await store.claim(10, 60_000)).toEqual([]);
      expect(await other.claim(10, 60_000)).toEqual([]);

      await store.enqueue(event("document.created"));
      const [short] = await store.claim(10, 1);
      expect(short?.attempt).toBe(1);
      let again: ClaimedDelivery[] = [];
      await vi.waitFor(
        async () => {
          again = await other.claim(10, 60_000);
          expect(again).toHaveLength(1);
        },
        { timeout: 5000, interval: 5 },
      );
      expect(again[0]).toMatchObject({ id: short?.id, attempt: 2 });
    });

    it("[WH4] a delivery recorded as delivered is never claimed again, and its attempts are listed", async () => {
      const subscription = await subscribe(["document.created"]);
      const sent = event("document.created");
      await store.enqueue(sent);
      const [delivery] = await store.claim(1, 1);
      if (!delivery) throw new Error("nothing claimed");
      await store.record(delivery, outcome("delivered", 204));
      await rejectsWith(store.listDeliveries(subscription.id, { limit: 0 }), "invalid-argument");
      const [listed] = await store.listDeliveries(subscription.id);
      expect(listed).toMatchObject({
        messageId: sent.id,
        eventType: "document.created",
        status: "delivered",
        nextAttemptAt: null,
        attempts: [{ attempt: 1, statusCode: 204, durationMs: 12, error: null }],
      });
      expect(listed?.finishedAt).toBeInstanceOf(Date);
      // Long past its lease, it stays delivered.
      await store.enqueue(event("document.created"));
      await vi.waitFor(
        async () => {
          const claimed = await store.claim(10, 60_000);
          expect(claimed.map((each) => each.id)).not.toContain(delivery.id);
          expect(claimed).toHaveLength(1);
        },
        { timeout: 5000, interval: 5 },
      );
    });

    it("[WH5] a retry is due after its delay; a give-up is final; every attempt is recorded", async () => {
      const subscription = await subscribe(["comment.created"]);
      await store.enqueue(event("comment.created"));
      const [first] = await store.claim(1, 60_000);
      if (!first) throw new Error("nothing claimed");
      await store.record(first, outcome(60_000, 503));
      expect(await store.claim(1, 60_000)).toEqual([]);
      const [pending] = await store.listDeliveries(subscription.id);
      expect(pending?.status).toBe("pending");
      expect(pending?.nextAttemptAt?.getTime()).toBeGreaterThan(Date.now() + 30_000);

      await store.enqueue(event("comment.created"));
      const [second] = await store.claim(1, 60_000);
      if (!second) throw new Error("nothing claimed");
      await store.record(second, outcome(0, null));
      const [retried] = await store.claim(1, 60_000);
      expect(retried).toMatchObject({ id: second.id, attempt: 2 });
      if (!retried) throw new Error("nothing claimed");
      await store.record(retried, outcome("failed", 500));
      const [failed] = await store.listDeliveries(subscription.id);
      expect(failed).toMatchObject({ id: second.id, status: "failed", nextAttemptAt: null });
      expect(failed?.attempts.map(({ attempt, statusCode, error }) => ({ attempt, statusCode, error }))).toEqual([
        { attempt: 1, statusCode: null, error: "connect ECONNREFUSED" },
        { attempt: 2, statusCode: 500, error: null },
      ]);
      expect(await store.claim(10, 60_000)).toEqual([]);
    });

    it("[WH6] a late sender's retry does not override the claimer that took the delivery up since", async () => {
      const subscription = await subscribe(["document.created"]);
      await store.enqueue(event("document.created"));
      const [late] = await store.claim(1, 1);
      if (!late) throw new Error("nothing claimed");
      let current: ClaimedDelivery | undefined;
      await vi.waitFor(
        async () => {
          [current] = await other.claim(1, 60_000);
          expect(current).toBeDefined();
        },
        { timeout: 5000, interval: 5 },
      );
      await store.record(late, outcome(0, 500));
      // Still leased to the current claimer: a retry due now would have made it claimable.
      expect(await store.claim(1, 60_000)).toEqual([]);
      if (!current) throw new Error("nothing claimed");
      await other.record(current, outcome("delivered", 200));
      const [listed] = await store.listDeliveries(subscription.id);
      expect(listed?.status).toBe("delivered");
      expect(listed?.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 200]);
    });

    it("[WH7] claimers running at once never get the same delivery", async () => {
      await subscribe(["document.updated"]);
      await subscribe(["document.updated"]);
      for (let i = 0; i < 30; i++) await store.enqueue(event("document.updated"));
      const claims = await Promise.all(
        Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? store : other).claim(7, 60_000)),
      );
      const ids = claims.flat().map((delivery) => delivery.id);
      expect(ids).toHaveLength(60);
      expect(new Set(ids).size).toBe(60);
    });

    it("[WH8] deleting a subscription drops its deliveries; an attempt under way then records nothing", async () => {
      const subscription = await subscribe(["document.created"]);
      await store.enqueue(event("document.created"));
      await store.enqueue(event("document.created"));
      const [underWay] = await store.claim(1, 60_000);
      if (!underWay) throw new Error("nothing claimed");
      expect(await store.deleteSubscription(subscription.id)).toBe(true);
      await store.record(underWay, outcome("delivered", 200));
      expect(await store.claim(10, 60_000)).toEqual([]);
      expect(await store.listDeliveries(subscription.id)).toEqual([]);
    });

    it("[WH10] pruning deletes finished deliveries older than asked, never pending ones", async () => {
      const subscription = await subscribe(["document.created"]);
      for (let i = 0; i < 3; i++) await store.enqueue(event("document.created"));
      const [delivered, failed] = await store.claim(2, 60_000);
      if (!delivered || !failed) throw new Error("nothing claimed");
      await store.record(delivered, outcome("delivered", 200));
      await store.record(failed, outcome("failed", 500));
      expect(await store.pruneDeliveries(3_600_000)).toBe(0);
      await vi.waitFor(async () => expect(await store.pruneDeliveries(0)).toBe(2), { timeout: 5000, interval: 5 });
      const left = await store.listDeliveries(subscription.id);
      expect(left.map((delivery) => delivery.status)).toEqual(["pending"]);
      await rejectsWith(store.pruneDeliveries(-1), "invalid-argument");
    });

    it("[WH9] malformed input is refused with invalid-argument", async () => {
      const valid = { url: "https://example.com", events: ["document.created"], secret: "whsec_x" };
      await rejectsWith(store.createSubscription({ ...valid, url: "" }), "invalid-argument");
      await rejectsWith(store.createSubscription({ ...valid, events: [] }), "invalid-argument");
      await rejectsWith(store.createSubscription({ ...valid, events: [7 as unknown as string] }), "invalid-argument");
      await rejectsWith(store.createSubscription({ ...valid, tenantId: "a\u0000b" }), "invalid-argument");
      await rejectsWith(store.createSubscription({ ...valid, secret: "" }), "invalid-argument");
      await rejectsWith(store.enqueue({ id: "", type: "document.created", body: "{}" }), "invalid-argument");
      await rejectsWith(store.claim(0, 1000), "invalid-argument");
      await rejectsWith(store.claim(1, -1), "invalid-argument");
    });
  });
}
