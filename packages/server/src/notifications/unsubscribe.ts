import { createHmac, timingSafeEqual } from "node:crypto";
import type { Person } from "@tandem/persistence";
import { z } from "zod";

const payload = z.tuple([z.literal("unsubscribe"), z.string().min(1).max(200), z.string().min(1).max(200)]);

/**
 * Signed unsubscribe links: the token names a person and carries an HMAC of
 * that under the server's secret, so that nobody can unsubscribe someone
 * else by guessing, and no sign-in is needed to use one (RFC 8058's
 * one-click). It does not expire: an old digest's link keeps working.
 */
export interface UnsubscribeTokens {
  sign(person: Person): string;
  /** The person a token names, or undefined if it was not signed here. */
  verify(token: string): Person | undefined;
}

/** Tokens signed with `secret` (the server's `AUTH_SECRET`, or a random one per process in dev mode). */
export function unsubscribeTokens(secret: string | Uint8Array): UnsubscribeTokens {
  const mac = (text: string) => createHmac("sha256", secret).update(text).digest();
  return {
    sign({ tenant, userId }) {
      const text = Buffer.from(JSON.stringify(["unsubscribe", tenant, userId])).toString("base64url");
      return `${text}.${mac(text).toString("base64url")}`;
    },
    verify(token) {
      const [text, signature, extra] = token.split(".");
      if (text === undefined || signature === undefined || extra !== undefined) return undefined;
      const given = Buffer.from(signature, "base64url");
      const expected = mac(text);
      // Compared in constant time: a byte-by-byte comparison would leak how much of a forged signature is right.
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      try {
        const [, tenant, userId] = payload.parse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
        return { tenant, userId };
      } catch {
        return undefined;
      }
    },
  };
}
