import dns from "node:dns";
import net from "node:net";
import { classifyAddress } from "./ip-ranges";

/**
 * Where a webhook may go. Unless WEBHOOK_ALLOW_PRIVATE_URLS is on (development, tests), only
 * public https URLs: checked when an endpoint is saved (for a clear message) and again on every
 * connection (DNS can change after that), in the sender's own lookup, so the socket connects to
 * exactly the addresses that were checked.
 */
export const PUBLIC_ONLY = "the portal only delivers to public https URLs";

/** Raised from the connection's lookup when a host resolves to a private address. */
export class PrivateAddressError extends Error {
  readonly code = "ERR_WEBHOOK_PRIVATE_ADDRESS";
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(host === address ? `${host} is a private address (${reason})` : `${host} resolves to a private address (${address}, ${reason})`);
  }
}

export type LookupAll = (hostname: string) => Promise<dns.LookupAddress[]>;
const systemLookupAll: LookupAll = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** The URL's host as an address or DNS name: IPv6 brackets off. */
export const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, "$1");

// RFC 6761: these names are loopback whatever a resolver says (refused at registration even where
// no resolver answers for them; at connect time the resolver's answer is what counts).
const isLocalhostName = (host: string) => /(^|\.)localhost\.?$/i.test(host);

function firstPrivate(addresses: { address: string }[]): { address: string; reason: string } | null {
  for (const { address } of addresses) {
    const verdict = classifyAddress(address);
    if (!verdict.public) return { address, reason: verdict.reason };
  }
  return null;
}

/** Resolves `host` (a name or an IP literal) and returns the first address that is not public. */
async function firstPrivateAddress(host: string, lookupAll: LookupAll): Promise<{ address: string; reason: string } | null> {
  if (net.isIP(host)) return firstPrivate([{ address: host }]);
  if (isLocalhostName(host)) return { address: "127.0.0.1", reason: "loopback" };
  return firstPrivate(await lookupAll(host));
}

/**
 * The reason an endpoint URL (already a valid http(s) URL) may not be registered, or null.
 * With `allowPrivate` everything goes (development and tests deliver to local receivers).
 */
export async function destinationProblem(rawUrl: string, options: { allowPrivate: boolean; lookupAll?: LookupAll }): Promise<string | null> {
  if (options.allowPrivate) return null;
  const url = new URL(rawUrl);
  if (url.protocol !== "https:") return `The URL must start with https://: ${PUBLIC_ONLY}.`;
  const host = hostOf(url);
  try {
    const hit = await firstPrivateAddress(host, options.lookupAll ?? systemLookupAll);
    if (!hit) return null;
    return net.isIP(host) ? `${host} is a private address; ${PUBLIC_ONLY}.` : `${host} resolves to a private address (${hit.address}); ${PUBLIC_ONLY}.`;
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code === "ENOTFOUND" || code === "ENODATA" ? `${host} could not be found: check the host name.` : `${host} could not be looked up just now: try again.`;
  }
}

/**
 * A `lookup` for the delivery agents: resolves every address of the host, refuses the connection
 * if any of them is not public, and otherwise hands net.connect only the checked addresses. (An IP
 * literal never reaches a lookup: the sender checks those itself, see `refusedAddress`.)
 */
export const publicOnlyLookup: net.LookupFunction = (hostname, options, callback) => {
  const refuse = (address: string, reason: string) => callback(new PrivateAddressError(hostname, address, reason), options.all ? [] : "");
  dns.lookup(hostname, { family: options.family, hints: options.hints, all: true, verbatim: true }, (err, addresses) => {
    if (err) return callback(err, options.all ? [] : "");
    const bad = firstPrivate(addresses);
    if (bad) return refuse(bad.address, bad.reason);
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};

/** For an IP-literal host (which skips the lookup): the refusal, or null. */
export function refusedAddress(url: URL): PrivateAddressError | null {
  const host = hostOf(url);
  if (!net.isIP(host)) return null;
  const bad = firstPrivate([{ address: host }]);
  return bad ? new PrivateAddressError(host, host, bad.reason) : null;
}
