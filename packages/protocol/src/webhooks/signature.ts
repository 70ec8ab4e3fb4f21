/**
 * Signing and verifying webhook deliveries, as the Standard Webhooks
 * specification (standardwebhooks.com) defines them, so that receivers can
 * use its libraries or these few lines. Dependency-free: WebCrypto only, so
 * it runs in Node 20+, browsers, Deno, Bun and edge workers.
 *
 * - `webhook-id`: the event's id, the same on every retry (deduplicate on it);
 * - `webhook-timestamp`: when this attempt was sent, in seconds since the epoch;
 * - `webhook-signature`: `v1,` and the base64 HMAC-SHA256 of
 *   `${id}.${timestamp}.${body}`, keyed with the secret's bytes (the base64
 *   after `whsec_`); several space-separated signatures when secrets rotate.
 */

/** The header names, lower-case. */
export const WebhookHeaders = {
  id: "webhook-id",
  timestamp: "webhook-timestamp",
  signature: "webhook-signature",
} as const;

const SECRET_PREFIX = "whsec_";

/** How far a timestamp may be from the receiver's clock, by default: 5 minutes, against replays. */
const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

const encoder = new TextEncoder();

function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function hmacKey(secret: string, usage: "sign" | "verify"): ReturnType<typeof crypto.subtle.importKey> | undefined {
  const key = fromBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  if (key === undefined || key.length === 0) return undefined;
  return crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

/**
 * A new signing secret: `whsec_` and 32 random bytes in base64.
 */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${toBase64(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/**
 * The `webhook-signature` value for one attempt: `v1,<base64>`.
 *
 * @throws TypeError when `secret` is not `whsec_` and base64.
 */
export async function signWebhook(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const key = await hmacKey(secret, "sign");
  if (key === undefined) throw new TypeError("a webhook secret is whsec_ followed by base64");
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`${id}.${timestamp}.${body}`));
  return `v1,${toBase64(new Uint8Array(mac))}`;
}

/** The outcome of {@link verifyWebhook}: the event when the signature holds, else why not. */
export type WebhookVerification<Event = unknown> =
  | { readonly ok: true; readonly id: string; readonly event: Event }
  | { readonly ok: false; readonly reason: string };

/** Headers as `fetch` (a `Headers`) or `node:http` (a plain object, lower-case names) give them. */
export type WebhookRequestHeaders =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

function header(headers: WebhookRequestHeaders, name: string): string | undefined {
  if (typeof headers.get === "function")
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const value = (headers as Readonly<Record<string, string | readonly string[] | undefined>>)[name];
  return Array.isArray(value) ? value[0] : (value as string | undefined);
}

/**
 * Checks a delivery the way a receiver should: the signature over the raw
 * body (the exact bytes received, before any JSON parsing), and a timestamp
 * within `toleranceSeconds` of now (default 300) so that a captured request
 * cannot be replayed later. The HMAC comparison is WebCrypto's own
 * (constant-time).
 *
 * @example
 * ```ts
 * import { verifyWebhook } from "@tandem/protocol/webhooks";
 *
 * const result = await verifyWebhook(process.env.TANDEM_WEBHOOK_SECRET, request.headers, rawBody);
 * if (!result.ok) return response.writeHead(400).end(result.reason);
 * if (await alreadySeen(result.id)) return response.writeHead(200).end(); // a retry of one already handled
 * handle(result.event);
 * ```
 */
export async function verifyWebhook<Event = unknown>(
  secret: string,
  headers: WebhookRequestHeaders,
  body: string,
  options: { toleranceSeconds?: number; nowSeconds?: number } = {},
): Promise<WebhookVerification<Event>> {
  const id = header(headers, WebhookHeaders.id);
  const timestamp = header(headers, WebhookHeaders.timestamp);
  const signatures = header(headers, WebhookHeaders.signature);
  if (!id || !timestamp || !signatures) return { ok: false, reason: "missing webhook-id, -timestamp or -signature" };
  const sentAt = Number(timestamp);
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (
    !/^\d{1,12}$/.test(timestamp) ||
    Math.abs(now - sentAt) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)
  ) {
    return { ok: false, reason: "timestamp missing or too far from now" };
  }
  const key = await hmacKey(secret, "verify");
  if (key === undefined) return { ok: false, reason: "the secret is not whsec_ followed by base64" };
  const signed = encoder.encode(`${id}.${timestamp}.${body}`);
  for (const candidate of signatures.split(" ")) {
    const [version, value] = candidate.split(",", 2);
    const mac = version === "v1" && value ? fromBase64(value) : undefined;
    if (mac && (await crypto.subtle.verify("HMAC", key, mac, signed))) {
      try {
        return { ok: true, id, event: JSON.parse(body) as Event };
      } catch {
        return { ok: false, reason: "the body is not JSON" };
      }
    }
  }
  return { ok: false, reason: "no signature matches" };
}
