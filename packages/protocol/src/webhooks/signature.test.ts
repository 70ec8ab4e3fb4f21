import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateWebhookSecret, signWebhook, verifyWebhook, WebhookHeaders } from "./signature.js";

// The example of the Standard Webhooks specification and its reference libraries.
const spec = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};

const headersOf = (signature: string, timestamp = spec.timestamp, id = spec.id) => ({
  [WebhookHeaders.id]: id,
  [WebhookHeaders.timestamp]: String(timestamp),
  [WebhookHeaders.signature]: signature,
});

describe("webhook signatures (Standard Webhooks)", () => {
  it("signs the specification's example as its reference libraries do", async () => {
    expect(await signWebhook(spec.secret, spec.id, spec.timestamp, spec.body)).toBe(spec.signature);
  });

  it("verifies a signature from node:crypto, from a plain object or a Headers", async () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const key = Buffer.from(secret.slice("whsec_".length), "base64");
    const body = JSON.stringify({ type: "document.created", data: { document: "spec/1" } });
    const now = 1_800_000_000;
    const mac = createHmac("sha256", key).update(`msg_1.${now}.${body}`).digest("base64");
    const plain = headersOf(`v0,bm9wZQ== v1,${mac}`, now, "msg_1");
    const result = await verifyWebhook(secret, plain, body, { nowSeconds: now + 10 });
    expect(result).toEqual({ ok: true, id: "msg_1", event: JSON.parse(body) });
    expect(await verifyWebhook(secret, new Headers(plain), body, { nowSeconds: now })).toMatchObject({ ok: true });
  });

  it("refuses a changed body, another secret, an old or future timestamp, and missing headers", async () => {
    const at = { nowSeconds: spec.timestamp };
    expect(await verifyWebhook(spec.secret, headersOf(spec.signature), spec.body, at)).toMatchObject({ ok: true });
    expect(await verifyWebhook(spec.secret, headersOf(spec.signature), `${spec.body} `, at)).toEqual({
      ok: false,
      reason: "no signature matches",
    });
    const other = generateWebhookSecret();
    expect(await verifyWebhook(other, headersOf(spec.signature), spec.body, at)).toMatchObject({ ok: false });
    for (const nowSeconds of [spec.timestamp + 301, spec.timestamp - 301]) {
      expect(await verifyWebhook(spec.secret, headersOf(spec.signature), spec.body, { nowSeconds })).toMatchObject({
        ok: false,
        reason: "timestamp missing or too far from now",
      });
    }
    // The signature covers the id and the timestamp too.
    const moved = headersOf(spec.signature, spec.timestamp + 1);
    expect(await verifyWebhook(spec.secret, moved, spec.body, at)).toMatchObject({ ok: false });
    expect(
      await verifyWebhook(spec.secret, headersOf(spec.signature, spec.timestamp, "msg_2"), spec.body, at),
    ).toMatchObject({ ok: false });
    expect(await verifyWebhook(spec.secret, {}, spec.body, at)).toMatchObject({ ok: false });
    expect(await verifyWebhook(spec.secret, headersOf("v1,***"), spec.body, at)).toMatchObject({ ok: false });
    expect(await verifyWebhook("whsec_***", headersOf(spec.signature), spec.body, at)).toMatchObject({ ok: false });
  });
});
