/**
 * @module Which addresses a merchant's URL must never make the hub connect to (SSRF): loopback,
 * private, link-local, carrier-grade NAT, documentation, benchmarking, multicast and reserved
 * ranges — including the IPv4 ones hidden inside IPv6 by the transition mechanisms a host or a
 * router unwraps (IPv4-mapped and -compatible, SIIT, NAT64, 6to4, Teredo). Pure: no DNS here.
 */
import { isIP } from 'node:net';

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

const PRIVATE_IPV4: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
];

function isPrivateIpv4Number(value: number): boolean {
  return PRIVATE_IPV4.some(([base, bits]) => {
    const start = ipv4ToNumber(base);
    return value >= start && value < start + 2 ** (32 - bits);
  });
}

/** The eight 16-bit groups of an IPv6 address (a dotted IPv4 tail and a zone id allowed). */
function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const value = ipv4ToNumber(dotted[1]);
    text = text.slice(0, -dotted[1].length) + `${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const missing = 8 - left.length - right.length;
  if ((tail === undefined && missing !== 0) || missing < 0) return null;
  const groups = [...left, ...Array<number>(missing).fill(0), ...right];
  return groups.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff) ? groups : null;
}

/** Two 16-bit groups as one 32-bit IPv4 value. */
function ipv4Of(high: number | undefined, low: number | undefined): number {
  return ((high ?? 0) * 0x10000) + (low ?? 0);
}

/**
 * The IPv4 address an IPv6 address stands for, when it is one of the forms that carry one to an
 * IPv4 host: traffic to `::ffff:127.0.0.1`, `64:ff9b::7f00:1`, `2002:7f00:1::` or a Teredo
 * address reaches the embedded IPv4 host, so that host is what must be judged.
 */
function embeddedIpv4(groups: readonly number[]): number | null {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const zeroUpTo = (count: number) => groups.slice(0, count).every((group) => group === 0);
  if (zeroUpTo(5) && g5 === 0xffff) return ipv4Of(g6, g7); // IPv4-mapped ::ffff:a.b.c.d
  if (zeroUpTo(4) && g4 === 0xffff && g5 === 0) return ipv4Of(g6, g7); // SIIT IPv4-translated ::ffff:0:a.b.c.d
  if (zeroUpTo(6)) return ipv4Of(g6, g7); // IPv4-compatible ::a.b.c.d, and :: and ::1 as 0.0.0.0 and 0.0.0.1
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return ipv4Of(g6, g7); // NAT64 64:ff9b::/96
  if (g0 === 0x2002) return ipv4Of(g1, g2); // 6to4 2002:AABB:CCDD::/48
  // Teredo 2001:0::/32: the client's IPv4 address is the last 32 bits, inverted.
  if (g0 === 0x2001 && g1 === 0) return (ipv4Of(g6, g7) ^ 0xffffffff) >>> 0;
  return null;
}

/** IPv6 ranges that are not globally reachable and carry no IPv4 address. */
function isPrivateIpv6Range(groups: readonly number[]): boolean {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0] = groups;
  return (g0 & 0xff00) === 0 // ::/8 reserved (the IPv4-carrying forms inside it were judged by their IPv4)
    || (g0 === 0x0100 && g1 === 0 && g2 === 0 && g3 === 0) // discard-only 100::/64
    || (g0 === 0x64 && g1 === 0xff9b && g2 === 1) // NAT64 local-use 64:ff9b:1::/48: translated into the local network
    || (g0 === 0x2001 && g1 === 0x0002 && g2 === 0) // benchmarking 2001:2::/48
    || (g0 === 0x2001 && g1 === 0x0db8) // documentation 2001:db8::/32
    || (g0 === 0x3fff && g1 < 0x1000) // documentation 3fff::/20
    || g0 === 0x5f00 // SRv6 segment identifiers 5f00::/16
    || (g0 & 0xfe00) === 0xfc00 // unique local fc00::/7
    || (g0 & 0xff80) === 0xfe80 // link-local fe80::/10 and the deprecated site-local fec0::/10
    || (g0 & 0xff00) === 0xff00; // multicast ff00::/8
}

/** True for any address the hub must not connect to on a merchant's say-so; anything that is not an IP address counts as private. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return isPrivateIpv4Number(ipv4ToNumber(address));
  if (family !== 6) return true;
  const groups = ipv6Groups(address);
  if (!groups) return true;
  const embedded = embeddedIpv4(groups);
  if (embedded !== null) return isPrivateIpv4Number(embedded);
  return isPrivateIpv6Range(groups);
}

/** `localhost` and its subdomains (RFC 6761: always loopback, whatever DNS says), with or without the root's trailing dot. */
export function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.+$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}
