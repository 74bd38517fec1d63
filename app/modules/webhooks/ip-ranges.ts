/**
 * Which IP addresses a webhook may be delivered to: a pure table of the ranges that are not
 * globally reachable (IANA special-purpose registries), so a back-office URL can never point the
 * portal at itself, its private network or a cloud metadata service. Addresses are parsed here
 * strictly (canonical dotted quads, RFC 4291 IPv6): hosts reach this module already normalised by
 * WHATWG URL (127.1, 2130706433, 0x7f.1, 0177.0.0.1 → 127.0.0.1) or as answers from DNS.
 */

type Range = { first: bigint; prefix: number; bits: 32 | 128; label: string };

const ipv4Table: [string, string][] = [
  ["0.0.0.0/8", "this network"],
  ["10.0.0.0/8", "private"],
  ["100.64.0.0/10", "shared address space (CGNAT)"],
  ["127.0.0.0/8", "loopback"],
  ["169.254.0.0/16", "link-local (cloud metadata)"],
  ["172.16.0.0/12", "private"],
  ["192.0.0.0/24", "IETF protocol assignments"],
  ["192.0.2.0/24", "documentation"],
  ["192.88.99.0/24", "6to4 relay anycast"],
  ["192.168.0.0/16", "private"],
  ["198.18.0.0/15", "benchmarking"],
  ["198.51.100.0/24", "documentation"],
  ["203.0.113.0/24", "documentation"],
  ["224.0.0.0/4", "multicast"],
  ["240.0.0.0/4", "reserved"],
];

// Outside 2000::/3 nothing is global unicast today (loopback, ULA fc00::/7, link-local fe80::/10,
// multicast ff00::/8, IPv4-mapped and -compatible forms all are); these are the exceptions inside it.
const ipv6Table: [string, string][] = [
  ["2001::/23", "IETF protocol assignments (Teredo included)"],
  ["2001:db8::/32", "documentation"],
  ["3fff::/20", "documentation"],
];

/** IPv6 ranges that carry an IPv4 address: the embedded address decides. */
const embeddingIpv4: { range: string; shift: bigint }[] = [
  { range: "::ffff:0:0/96", shift: 0n }, // IPv4-mapped
  { range: "64:ff9b::/96", shift: 0n }, // NAT64 well-known prefix
  { range: "2002::/16", shift: 80n }, // 6to4: bits 16..48
];

export type AddressVerdict = { public: true } | { public: false; reason: string };

/** Whether `address` (an IP literal, IPv6 without brackets) is a public unicast address. */
export function classifyAddress(address: string): AddressVerdict {
  const v4 = parseIpv4(address);
  if (v4 !== null) return classifyIpv4(v4);
  const v6 = parseIpv6(address);
  if (v6 === null) return { public: false, reason: "not an IP address" };
  for (const { range, shift } of embeddingIpv4) {
    if (inRange(v6, parsed6(range))) {
      const inner = classifyIpv4((v6 >> shift) & 0xffffffffn);
      return inner.public ? inner : { public: false, reason: `${inner.reason}, embedded in IPv6` };
    }
  }
  if (!inRange(v6, parsed6("2000::/3"))) return { public: false, reason: ipv6OutsideGlobalLabel(v6) };
  const hit = ipv6Ranges.find((r) => inRange(v6, r));
  return hit ? { public: false, reason: hit.label } : { public: true };
}

export const isPublicAddress = (address: string) => classifyAddress(address).public;

function classifyIpv4(value: bigint): AddressVerdict {
  const hit = ipv4Ranges.find((r) => inRange(value, r));
  return hit ? { public: false, reason: hit.label } : { public: true };
}

function ipv6OutsideGlobalLabel(value: bigint): string {
  if (value === 0n) return "unspecified";
  if (value === 1n) return "loopback";
  const labels: [string, string][] = [
    ["fc00::/7", "unique local (private)"],
    ["fe80::/10", "link-local"],
    ["fec0::/10", "site-local"],
    ["ff00::/8", "multicast"],
    ["::/96", "IPv4-compatible"],
  ];
  return labels.find(([cidr]) => inRange(value, parsed6(cidr)))?.[1] ?? "not global unicast";
}

/** Canonical dotted quad only (no octal, hex or short forms): returns the 32-bit value. */
export function parseIpv4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return null;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

/** RFC 4291 text forms, a trailing dotted quad and a zone id (dropped) included: the 128-bit value. */
export function parseIpv6(text: string): bigint | null {
  let address = text.replace(/%[\w.-]+$/, "");
  if (!/^[0-9a-fA-F:.]+$/.test(address) || !address.includes(":")) return null;
  if (address.includes(".")) {
    // "::ffff:1.2.3.4" → "::ffff:102:304"
    const lastColon = address.lastIndexOf(":");
    const v4 = parseIpv4(address.slice(lastColon + 1));
    if (v4 === null) return null;
    address = `${address.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = address.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (halves.length === 1 ? head.length !== 8 : head.length + tail.length > 7) return null;
  const all = [...head, ...Array<string>(8 - head.length - tail.length).fill("0"), ...tail];
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  return all.reduce((acc, g) => (acc << 16n) | BigInt(`0x${g}`), 0n);
}

function parseCidr(cidr: string, label: string): Range {
  const [base, prefix] = cidr.split("/") as [string, string];
  const v4 = parseIpv4(base);
  const bits = v4 === null ? 128 : 32;
  const first = v4 ?? parseIpv6(base);
  if (first === null) throw new Error(`bad range ${cidr}`);
  return { first, prefix: Number(prefix), bits, label };
}

function parsed6(cidr: string): Range {
  return (cache[cidr] ??= parseCidr(cidr, cidr));
}
const cache: Record<string, Range> = {};

function inRange(value: bigint, range: Range): boolean {
  const hostBits = BigInt(range.bits - range.prefix);
  return value >> hostBits === range.first >> hostBits;
}

const ipv4Ranges = ipv4Table.map(([cidr, label]) => parseCidr(cidr, label));
const ipv6Ranges = ipv6Table.map(([cidr, label]) => parseCidr(cidr, label));
