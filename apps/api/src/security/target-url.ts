import ipaddr from "ipaddr.js";

export interface TargetUrlPolicy {
  /** Local development only: lets integrations call services on this machine (loopback addresses and `localhost`). */
  allowLoopback: boolean;
}

export type TargetUrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

// Names that resolve inside a network rather than on the public internet.
const INTERNAL_SUFFIXES = [
  ".localhost",
  ".internal",
  ".local",
  ".localdomain",
  ".home.arpa",
  ".intranet",
  ".lan",
  ".corp",
];

/**
 * Decides whether Herald may send requests to `raw`: an http(s) URL whose host is a public name or a public unicast
 * address. The WHATWG URL parser has already turned every IPv4 spelling (decimal, octal, hex, short forms) into dotted
 * quads, so only canonical forms reach the address checks.
 */
export function checkTargetUrl(raw: string, policy: TargetUrlPolicy): TargetUrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "is not a valid URL" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, reason: "must use http or https" };
  if (url.username !== "" || url.password !== "") return { ok: false, reason: "must not contain credentials" };

  const host = url.hostname.toLowerCase().replace(/\.+$/, "");
  if (host === "") return { ok: false, reason: "must name a host" };

  const literal = host.startsWith("[") ? host.slice(1, -1) : host;
  if (ipaddr.isValid(literal)) {
    const range = addressRange(literal);
    if (range === "unicast" || (range === "loopback" && policy.allowLoopback)) return { ok: true, url };
    return { ok: false, reason: `points at a ${range} address` };
  }

  if (host === "localhost" || host.endsWith(".localhost")) {
    return policy.allowLoopback ? { ok: true, url } : { ok: false, reason: "points at a loopback address" };
  }
  if (!host.includes(".")) return { ok: false, reason: "must be a fully qualified domain name" };
  if (INTERNAL_SUFFIXES.some((suffix) => host.endsWith(suffix)))
    return { ok: false, reason: "points at an internal name" };
  return { ok: true, url };
}

/**
 * Judges an address a target's name resolved to, at connect time: the same ranges as literal addresses in URLs. A name
 * that passed `checkTargetUrl` may still resolve to a private address, now or after a DNS change (rebinding).
 */
export function checkResolvedAddress(
  address: string,
  policy: TargetUrlPolicy,
): { ok: true } | { ok: false; reason: string } {
  if (!ipaddr.isValid(address)) return { ok: false, reason: `resolved to an unreadable address '${address}'` };
  const range = addressRange(address);
  if (range === "unicast" || (range === "loopback" && policy.allowLoopback)) return { ok: true };
  return { ok: false, reason: `resolves to a ${range} address (${address})` };
}

/** Thrown by a connect-time guard when the address a target's name resolved to is refused. */
export class BlockedAddressError extends Error {
  override name = "BlockedAddressError";
  readonly code = "ERR_HERALD_BLOCKED_ADDRESS";

  constructor(hostname: string, reason: string) {
    super(`the target host ${hostname} ${reason}`);
  }
}

function addressRange(literal: string): string {
  const address = ipaddr.parse(literal);
  if (address.kind() === "ipv6") {
    const v6 = address as ipaddr.IPv6;
    // ::ffff:10.0.0.1 reaches 10.0.0.1: judge the IPv4 address it carries.
    if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().range();
    // So may the deprecated IPv4-compatible ::10.0.0.1 on some stacks; ipaddr.js calls all of ::/96 unicast.
    if (v6.range() === "unicast" && v6.parts.slice(0, 6).every((part) => part === 0)) {
      return ipaddr.fromByteArray(v6.toByteArray().slice(12)).range();
    }
  }
  return address.range();
}
