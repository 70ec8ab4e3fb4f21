import { SignJWT, UnsecuredJWT } from "jose";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { TandemServerError } from "../errors.js";
import { accessTo, createAuthenticator, signToken } from "./identity.js";

const secret = "a-unit-test-secret-that-is-long-enough!";
const key = new TextEncoder().encode(secret);

async function refusal(token: string, authenticator = createAuthenticator(secret)): Promise<TandemServerError> {
  const error = await authenticator.authenticate(token).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TandemServerError);
  expect((error as TandemServerError).code).toBe("invalid-token");
  return error as TandemServerError;
}

describe("JWT authentication", () => {
  it("accepts a token signed with the secret", async () => {
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const identity = { sub: "u1", name: "Ada", color: "#0090ff", access: { "spec/*": "editor" } } as const;
    const token = await signToken(secret, identity, exp);
    expect(await createAuthenticator(secret).authenticate(token)).toEqual({
      id: "u1",
      name: "Ada",
      color: "#0090ff",
      access: { "spec/*": "editor" },
      program: false,
      tenant: "default",
      expiresAt: exp * 1000,
    });
  });

  it("verifies every token with the key it imported once: good ones before and after a forged one", async () => {
    const authenticator = createAuthenticator(secret);
    const good = await signToken(secret, { sub: "u1", name: "Ada", access: {} });
    const forged = await signToken("another-secret-that-is-long-enough-too!", { sub: "u1", name: "Ada", access: {} });
    const imports = vi.spyOn(crypto.subtle, "importKey");
    onTestFinished(() => imports.mockRestore());
    const [first, refused, again] = await Promise.allSettled([
      authenticator.authenticate(good),
      authenticator.authenticate(forged),
      authenticator.authenticate(good),
    ]);
    expect(first).toMatchObject({ status: "fulfilled", value: { id: "u1" } });
    expect(refused).toMatchObject({ status: "rejected", reason: { code: "invalid-token" } });
    expect(again).toMatchObject({ status: "fulfilled", value: { id: "u1" } });
    expect(imports).toHaveBeenCalledTimes(1);
  });

  it("puts the subject in the tenant its token names, and refuses a tenant id that is not one", async () => {
    const token = await signToken(secret, { sub: "u1", name: "Ada", tenant: "acme-2", access: {} });
    expect((await createAuthenticator(secret).authenticate(token)).tenant).toBe("acme-2");
    for (const tenant of ["Acme", "-acme", "acme-", "a/b", ""]) {
      await expect(signToken(secret, { sub: "u1", name: "Ada", tenant, access: {} })).rejects.toThrow(/tenant/);
    }
  });

  it("reads the tenant a token claims without verifying it, for routing only", async () => {
    const authenticator = createAuthenticator(secret);
    const token = await signToken(secret, { sub: "u1", name: "Ada", tenant: "acme", access: {} });
    expect(authenticator.claimedTenant(token)).toBe("acme");
    expect(authenticator.claimedTenant(await signToken(secret, { sub: "u1", name: "Ada", access: {} }))).toBe(
      "default",
    );
    // Unsigned, or claiming what is no tenant id: routed to the default tenant (and refused by authenticate).
    const unsigned = new UnsecuredJWT({ tenant: "beta" }).encode();
    expect(authenticator.claimedTenant(unsigned)).toBe("beta");
    await refusal(unsigned, authenticator);
    expect(authenticator.claimedTenant(new UnsecuredJWT({ tenant: "../x" }).encode())).toBe("default");
    expect(authenticator.claimedTenant("garbage")).toBe("default");
  });

  it("says a subject is a program when its token says so", async () => {
    const token = await signToken(secret, { sub: "bot", name: "Reviewer", program: true, access: {} });
    expect((await createAuthenticator(secret).authenticate(token)).program).toBe(true);
    const person = await signToken(secret, { sub: "u1", name: "Ada", access: {} });
    expect((await createAuthenticator(secret).authenticate(person)).program).toBe(false);
  });

  it("trims the name, as the client kit reads it", async () => {
    const token = await new SignJWT({ name: "  Ada ", access: {} })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("u1")
      .setExpirationTime("1h")
      .sign(key);
    expect((await createAuthenticator(secret).authenticate(token)).name).toBe("Ada");
  });

  it("derives a stable colour when the token has none", async () => {
    const token = await signToken(secret, { sub: "u1", name: "Ada", access: {} });
    const first = await createAuthenticator(secret).authenticate(token);
    const again = await createAuthenticator(secret).authenticate(token);
    expect(first.color).toMatch(/^#[0-9a-f]{6}$/);
    expect(again.color).toBe(first.color);
  });

  it("refuses another secret, an expired token, no expiry, alg none, bad claims and garbage", async () => {
    await refusal(await signToken("another-secret-that-is-long-enough-too!", { sub: "u", name: "E", access: {} }));
    expect((await refusal(await signToken(secret, { sub: "u", name: "O", access: {} }, 1))).message).toMatch(/expired/);
    await refusal(
      await new SignJWT({ name: "N", access: {} }).setProtectedHeader({ alg: "HS256" }).setSubject("u").sign(key),
    );
    await refusal(new UnsecuredJWT({ sub: "u", name: "N", access: {} }).setExpirationTime("1h").encode());
    await refusal(
      await new SignJWT({ name: "N", access: { "spec/*": "god" } })
        .setProtectedHeader({ alg: "HS256" })
        .setSubject("u")
        .setExpirationTime("1h")
        .sign(key),
    );
    await refusal("not.a.jwt");
    await refusal("");
  });

  it("will not sign claims it would refuse", async () => {
    await expect(signToken(secret, { sub: "u", name: "N", color: "red", access: {} })).rejects.toThrow(/colour/);
    await expect(signToken(secret, { sub: "u", name: "N", access: {} }, "tomorrow")).rejects.toThrow(TandemServerError);
  });
});

describe("dev mode", () => {
  const dev = createAuthenticator(undefined);

  it("lets anyone in as an editor under the name and colour they send", async () => {
    expect(dev.devMode).toBe(true);
    expect(await dev.authenticate(JSON.stringify({ name: "Ada", color: "#0090ff", id: "ada" }))).toEqual({
      id: "ada",
      name: "Ada",
      color: "#0090ff",
      access: { "*": "editor" },
      program: false,
      tenant: "default",
    });
    expect((await dev.authenticate(JSON.stringify({ name: "Reviewer", program: true }))).program).toBe(true);
    expect(await dev.authenticate("")).toMatchObject({ name: "Anonymous", access: { "*": "editor" } });
    expect((await dev.authenticate("")).expiresAt).toBeUndefined(); // so a dev connection is never cut
  });

  it("still refuses tokens that are not its JSON", async () => {
    await refusal("eyJhbGciOiJIUzI1NiJ9.e30.x", dev);
    await refusal(JSON.stringify({ name: "Ada", color: "red" }), dev);
    await refusal(JSON.stringify({ name: "Ada", program: "yes" }), dev);
    await refusal(JSON.stringify({ name: "Ada", tenant: "../acme" }), dev);
  });

  it("claims the tenant its JSON names", () => {
    expect(dev.claimedTenant(JSON.stringify({ name: "Ada", tenant: "acme" }))).toBe("acme");
    expect(dev.claimedTenant(JSON.stringify({ name: "Ada", tenant: "../acme" }))).toBe("default");
    expect(dev.claimedTenant("")).toBe("default");
    expect(dev.claimedTenant("null")).toBe("default");
  });
});

describe("accessTo", () => {
  const identity = {
    id: "u",
    name: "U",
    color: "#000000",
    access: { "spec/*": "commenter" },
    program: false,
    tenant: "default",
  } as const;

  it("lets a commenter write to comments but not to content", () => {
    expect(accessTo(identity, "spec/1")).toEqual({ role: "commenter", canWrite: false });
    expect(accessTo(identity, "spec/1#comments")).toEqual({ role: "commenter", canWrite: true });
    expect(accessTo(identity, "idea/1")).toBeUndefined();
  });
});
