// Calls to customers' targets from the Node runtime, checked at connect time. `checkTargetUrl` judges the URL, but a
// public-looking name can resolve to 10.0.0.1 or 127.0.0.1, now or after a DNS change between the check and the call
// (DNS rebinding). Here every address the name resolves to is judged in the socket's own lookup, so the address
// judged is the address connected: there is no second resolution to race. (Workers need none of this: fetch there
// cannot reach private addresses at all.)
import { promises as dns, type LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";
import { Agent, fetch as undiciFetch } from "undici";
import type { TargetFetcher } from "../src/env";
import { BlockedAddressError, checkResolvedAddress, type TargetUrlPolicy } from "../src/security/target-url";

/** Every address a name resolves to; tests substitute a fake resolver at this boundary. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/**
 * A socket lookup that refuses a name when any of its addresses is refused: connecting to the permitted one alone
 * would still let a name that answers both ways reach the private one on the next connection.
 */
export function guardedLookup(policy: TargetUrlPolicy, resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (resolved) => {
        for (const { address } of resolved) {
          const verdict = checkResolvedAddress(address, policy);
          if (!verdict.ok) return callback(new BlockedAddressError(hostname, verdict.reason), "", 0);
        }
        const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : options.family;
        const usable = family ? resolved.filter((entry) => entry.family === family) : resolved;
        const first = usable[0];
        if (!first) {
          const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
          error.code = "ENOTFOUND";
          return callback(error, "", 0);
        }
        if (options.all) return callback(null, usable);
        return callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 0),
    );
  };
}

export interface NodeTargetFetcher extends TargetFetcher {
  close(): Promise<void>;
}

/** A fetch whose connections all go through `guardedLookup` (one pool of keep-alive connections per origin). */
export function createTargetFetcher(policy: TargetUrlPolicy, resolve?: Resolver): NodeTargetFetcher {
  const agent = new Agent({ connect: { lookup: guardedLookup(policy, resolve) } });
  return {
    // undici's Response is the WHATWG Response Node's own fetch returns, from the package rather than the bundle.
    fetch: (url, init) =>
      undiciFetch(url, {
        ...(init as Parameters<typeof undiciFetch>[1]),
        dispatcher: agent,
      }) as unknown as Promise<Response>,
    close: () => agent.close(),
  };
}
