import { describe, expect, it } from "vitest";
import { shareLinkUrl, shareSecretIn } from "./sharing.js";

const secret = "Qk3x9q2m7pdA-b_c0123456789abcdefghijklmnop";

describe("share link addresses", () => {
  it("puts the secret in the hash, replacing whatever hash the page had", () => {
    expect(shareLinkUrl("https://tandem.example.com/app?x=1#/d/spec/42", secret)).toBe(
      `https://tandem.example.com/app?x=1#/s/${secret}`,
    );
  });

  it("reads the secret back, also with a token after it, and nothing else", () => {
    expect(shareSecretIn(`#/s/${secret}`)).toBe(secret);
    expect(shareSecretIn(`#/s/${secret}&token=abc`)).toBe(secret);
    expect(shareSecretIn("#/d/spec/42")).toBeUndefined();
    expect(shareSecretIn("#/s/")).toBeUndefined();
    expect(shareSecretIn("#/s/has spaces")).toBeUndefined();
    expect(shareSecretIn(`#/s/${secret}/more`)).toBeUndefined();
  });
});
