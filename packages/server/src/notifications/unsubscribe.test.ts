import { describe, expect, it } from "vitest";
import { unsubscribeTokens } from "./unsubscribe.js";

describe("unsubscribe tokens", () => {
  const tokens = unsubscribeTokens("a-secret-long-enough-for-the-server-32");
  const ada = { tenant: "acme", userId: "ada" };

  it("name the person they were signed for, and only with the secret that signed them", () => {
    const token = tokens.sign(ada);
    expect(token).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(tokens.verify(token)).toEqual(ada);
    expect(unsubscribeTokens("another-secret-long-enough-for-it-32").verify(token)).toBeUndefined();
  });

  it("refuse a forged person, a cut signature and malformed input", () => {
    const [, signature] = tokens.sign(ada).split(".");
    const forged = Buffer.from(JSON.stringify(["unsubscribe", "acme", "grace"])).toString("base64url");
    expect(tokens.verify(`${forged}.${signature}`)).toBeUndefined();
    expect(tokens.verify(tokens.sign(ada).slice(0, -4))).toBeUndefined();
    for (const bad of ["", ".", "a.b.c", "not-base64!.x", `${forged}`]) expect(tokens.verify(bad)).toBeUndefined();
  });
});
