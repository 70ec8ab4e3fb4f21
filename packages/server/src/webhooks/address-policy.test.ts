import { describe, expect, it } from "vitest";
import { checkWebhookUrl, isPrivateAddress } from "./address-policy.js";

describe("webhook address policy", () => {
  it("judges loopback, private, link-local, mapped and NAT64 addresses private, public ones not", () => {
    for (const address of [
      "127.0.0.1",
      "10.1.2.3",
      "172.20.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "::",
      "fd00::1",
      "fe80::1",
      "::ffff:127.0.0.1",
      "::ffff:a9fe:a9fe",
      "64:ff9b::a00:1",
      "not an address",
    ]) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]) {
      expect(isPrivateAddress(address), address).toBe(false);
    }
  });

  it("accepts http and https to public hosts; refuses other schemes, credentials and private hosts unless allowed", () => {
    expect(checkWebhookUrl("https://hooks.example.com/tandem?x=1", false)).toEqual({
      ok: true,
      url: "https://hooks.example.com/tandem?x=1",
    });
    for (const url of [
      "ftp://example.com/",
      "file:///etc/passwd",
      "javascript:alert(1)",
      "nonsense",
      "https://user:pw@example.com/",
    ]) {
      expect(checkWebhookUrl(url, true).ok, url).toBe(false);
    }
    // Every spelling of loopback (decimal, hex, mapped) is the same address once parsed.
    for (const url of [
      "http://127.0.0.1:8080/",
      "http://2130706433/",
      "http://0x7f.1/",
      "http://[::ffff:127.0.0.1]/",
      "http://localhost/",
      "http://api.localhost/",
      "http://[::1]/",
      "http://169.254.169.254/latest/meta-data",
    ]) {
      expect(checkWebhookUrl(url, false).ok, url).toBe(false);
      expect(checkWebhookUrl(url, true).ok, url).toBe(true);
    }
  });
});
