import { createPostgresStore, type TandemStore } from "@tandem/persistence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseUrl, dropSchema, freshSchemaName } from "../../../../test/support/postgres.js";
import { waitFor } from "../../../../test/support/wait.js";
import { startReceiver } from "../../../../test/support/webhook-receiver.js";
import { createLogger } from "../logger.js";
import { createMetrics } from "../metrics.js";
import { DeliveryWorker } from "./delivery-worker.js";
import { sendDelivery } from "./send.js";

/** A worker as one server instance runs it, on a store (a Postgres pool) of its own. */
function workerOn(store: TandemStore, maxAttempts = 5): DeliveryWorker {
  return new DeliveryWorker({
    store: store.webhooks,
    send: (delivery) => sendDelivery(delivery, { timeoutMs: 5000, allowPrivate: true }),
    timeoutMs: 5000,
    maxAttempts,
    retryBaseMs: 10,
    pollMs: 20,
    logger: createLogger("silent"),
    metrics: createMetrics(
      () => 0,
      () => 0,
    ),
  });
}

describe("DeliveryWorker on a shared Postgres outbox", () => {
  const schema = freshSchemaName("webhook_workers");
  const stores: TandemStore[] = [];
  const receivers: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) stores.push(await createPostgresStore({ connectionString: databaseUrl, schema }));
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await Promise.all(receivers.map((receiver) => receiver.close()));
    await dropSchema(schema);
  });

  it("three instances sending from one outbox never send one delivery twice", async () => {
    const target = await startReceiver();
    receivers.push(target);
    const [first] = stores;
    if (!first) throw new Error("no store");
    await first.webhooks.createSubscription({
      url: target.url,
      events: ["document.updated"],
      secret: "whsec_c2VjcmV0",
    });
    for (let i = 0; i < 60; i++) {
      await first.webhooks.enqueue({ id: `msg_${i}`, type: "document.updated", body: JSON.stringify({ n: i }) });
    }
    const workers = stores.map((store) => workerOn(store));
    for (const worker of workers) worker.start();
    try {
      await waitFor(() => target.received.length >= 60, "sixty deliveries");
      // Each was answered 2xx once; any second send would be a request more.
      await Promise.all(workers.map((worker) => worker.stop()));
      const ids = target.received.map((request) => String(request.headers["webhook-id"]));
      expect(ids).toHaveLength(60);
      expect(new Set(ids).size).toBe(60);
      expect(await first.webhooks.claim(100, 60_000)).toEqual([]);
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
    }
  });

  it("gives a delivery up after its last attempt, and records every one", async () => {
    const target = await startReceiver(() => 500);
    receivers.push(target);
    const [store] = stores;
    if (!store) throw new Error("no store");
    const subscription = await store.webhooks.createSubscription({
      url: target.url,
      events: ["comment.created"],
      secret: "whsec_c2VjcmV0",
    });
    await store.webhooks.enqueue({ id: "msg_doomed", type: "comment.created", body: "{}" });
    const worker = workerOn(store, 3);
    worker.start();
    try {
      await waitFor(async () => {
        const [delivery] = await store.webhooks.listDeliveries(subscription.id);
        return delivery?.status === "failed";
      }, "the delivery given up");
    } finally {
      await worker.stop();
    }
    const [delivery] = await store.webhooks.listDeliveries(subscription.id);
    expect(delivery?.attempts.map((attempt) => [attempt.attempt, attempt.statusCode, attempt.error])).toEqual([
      [1, 500, "HTTP 500"],
      [2, 500, "HTTP 500"],
      [3, 500, "HTTP 500"],
    ]);
    expect(target.received).toHaveLength(3);
  });
});
