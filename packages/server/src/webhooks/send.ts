import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import type { ClaimedDelivery } from "@tandem/persistence";
import { signWebhook, WebhookHeaders } from "@tandem/protocol/webhooks";
import { guardedLookup, isPrivateAddress } from "./address-policy.js";

/** How one attempt went. */
export interface SendResult {
  readonly startedAt: Date;
  readonly durationMs: number;
  /** The response's status; null when none came. */
  readonly statusCode: number | null;
  readonly error: string | null;
}

/** Settings of {@link sendDelivery}. */
export interface SendOptions {
  /** The whole attempt (connect, send, response and its body) is abandoned after this. */
  readonly timeoutMs: number;
  readonly allowPrivate: boolean;
}

const USER_AGENT = "Tandem-Webhooks/1";

/** Whether a receiver acknowledged a delivery: any 2xx. A redirect is not followed, and counts as a failure. */
export const isAcknowledged = (statusCode: number | null): boolean =>
  statusCode !== null && statusCode >= 200 && statusCode < 300;

/**
 * POSTs one delivery, signed (Standard Webhooks headers, see
 * `@tandem/protocol/webhooks`) with a timestamp of now, to its URL. Never
 * rejects: a failure is a result without a status code and with its reason.
 * The response body is read and dropped, so the connection can be reused.
 */
export async function sendDelivery(delivery: ClaimedDelivery, options: SendOptions): Promise<SendResult> {
  const startedAt = new Date();
  const started = performance.now();
  const result = (statusCode: number | null, error: string | null): SendResult => ({
    startedAt,
    durationMs: performance.now() - started,
    statusCode,
    error,
  });
  let url: URL;
  let signature: string;
  const timestamp = Math.floor(startedAt.getTime() / 1000);
  try {
    url = new URL(delivery.url);
    signature = await signWebhook(delivery.secret, delivery.messageId, timestamp, delivery.body);
  } catch (error) {
    return result(null, `cannot sign or address the delivery: ${(error as Error).message}`);
  }
  // An IP literal is connected to without a lookup, so the guard cannot see it: it is checked here.
  const literal = url.hostname.replace(/^\[|\]$/g, "");
  if (!options.allowPrivate && isIP(literal) !== 0 && isPrivateAddress(literal)) {
    return result(null, `${literal} is a private address`);
  }
  const body = Buffer.from(delivery.body);
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (statusCode: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      resolve(result(statusCode, error));
    };
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const request = send(
      url,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": body.length,
          "user-agent": USER_AGENT,
          [WebhookHeaders.id]: delivery.messageId,
          [WebhookHeaders.timestamp]: String(timestamp),
          [WebhookHeaders.signature]: signature,
        },
        lookup: guardedLookup(options.allowPrivate),
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (response) => {
        const statusCode = response.statusCode ?? null;
        response.on("error", (error) => finish(statusCode, error.message));
        response.on("end", () => finish(statusCode, isAcknowledged(statusCode) ? null : `HTTP ${statusCode}`));
        response.resume();
      },
    );
    request.on("error", (error: NodeJS.ErrnoException) => {
      const reason = error.name === "AbortError" ? `no answer within ${options.timeoutMs} ms` : error.message;
      finish(null, reason);
    });
    request.end(body);
  });
}
