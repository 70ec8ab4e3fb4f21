import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";

/**
 * Where webhooks may not go unless the operator allows it: the server's own
 * network (SSRF, CWE-918). A subscriber chooses the URL, and the server
 * POSTs to it from inside the network, so a URL naming 127.0.0.1, the cloud
 * metadata service (169.254.169.254) or an internal host would turn the
 * webhook into a way to reach them.
 */
const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this" network
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local, cloud metadata services
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 127], // unspecified and loopback
  ["64:ff9b::", 96], // NAT64: may translate to a private IPv4 address
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
] as const) {
  blocked.addSubnet(network, prefix, "ipv6");
}

/**
 * Whether `address` (an IP address) is one webhooks may not reach by default.
 * IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) are judged as the IPv4
 * address they carry (BlockList does that), so they cannot smuggle one past.
 */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** The outcome of {@link checkWebhookUrl}. */
export type UrlVerdict = { readonly ok: true; readonly url: string } | { readonly ok: false; readonly reason: string };

/**
 * Checks a subscription's URL when it is created: http or https, no
 * credentials, and (unless private addresses are allowed) no IP literal or
 * `localhost` name of the server's own network. Host names are checked again
 * at every delivery, on the addresses they resolve to then (see
 * {@link guardedLookup}): a name may resolve elsewhere later (DNS rebinding).
 */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "not a URL" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, reason: "must be http or https" };
  if (url.username !== "" || url.password !== "") return { ok: false, reason: "must not carry credentials" };
  if (allowPrivate) return { ok: true, url: url.href };
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || (isIP(host) !== 0 && isPrivateAddress(host))) {
    return { ok: false, reason: "names a private address (allowed only with WEBHOOK_ALLOW_PRIVATE_ADDRESSES)" };
  }
  return { ok: true, url: url.href };
}

/**
 * A `lookup` for `http.request` that refuses a host name resolving to any
 * private address (unless allowed): the check happens on the very addresses
 * the connection then uses, so a name cannot pass a check and then resolve
 * elsewhere. IP literals skip lookups; the sender checks them itself.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) {
        callback(error, "", 0);
        return;
      }
      const refused = allowPrivate ? undefined : addresses.find(({ address }) => isPrivateAddress(address));
      const first = addresses[0];
      if (refused !== undefined || first === undefined) {
        const reason = refused ? `resolves to a private address (${refused.address})` : "resolves to no address";
        callback(Object.assign(new Error(`${hostname} ${reason}`), { code: "EPRIVATEADDRESS" }), "", 0);
      } else if (options.all) {
        (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
      } else {
        callback(null, first.address, first.family);
      }
    });
  };
}
