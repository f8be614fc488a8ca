/**
 * @module Keeping outbound webhooks off private networks (SSRF). A URL is checked when the endpoint
 * is created, and every connection is checked again at connect time against the address it
 * actually resolved to, so a hostname that later re-resolves to 127.0.0.1 or 169.254.169.254 is
 * still refused.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

const PRIVATE_IPV4: [string, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
];

function isPrivateIpv4(address: string): boolean {
  const value = ipv4ToNumber(address);
  return PRIVATE_IPV4.some(([base, bits]) => {
    const size = 2 ** (32 - bits);
    const start = ipv4ToNumber(base);
    return value >= start && value < start + size;
  });
}

/** The eight 16-bit groups of an IPv6 address (embedded dotted IPv4 tails included). */
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

function embeddedIpv4(groups: number[]): string {
  const high = groups[6] ?? 0;
  const low = groups[7] ?? 0;
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** Loopback, private, link-local, carrier-grade NAT, documentation, multicast and reserved ranges. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return isPrivateIpv4(address);
  if (family !== 6) return true;
  const groups = ipv6Groups(address);
  if (!groups) return true;
  const [first = 0, second = 0] = groups;
  const zeros = (count: number) => groups.slice(0, count).every((group) => group === 0);
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) hide an IPv4 address.
  if ((zeros(5) && groups[5] === 0xffff) || zeros(6) || (first === 0x64 && second === 0xff9b && groups.slice(2, 6).every((group) => group === 0))) {
    return zeros(8) || isPrivateIpv4(embeddedIpv4(groups));
  }
  return (first & 0xfe00) === 0xfc00 // unique local fc00::/7
    || (first & 0xffc0) === 0xfe80 // link-local fe80::/10
    || (first & 0xff00) === 0xff00 // multicast ff00::/8
    || (first === 0x2001 && second === 0x0db8); // documentation 2001:db8::/32
}

export type UrlCheck = { ok: true } | { ok: false; message: string };

/** Checks a webhook URL's scheme and where its host resolves today. */
export async function checkWebhookUrl(url: string, allowPrivate: boolean): Promise<UrlCheck> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, message: 'is not a URL' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { ok: false, message: 'must be http or https' };
  if (parsed.username || parsed.password) return { ok: false, message: 'must not contain credentials' };
  if (allowPrivate) return { ok: true };
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : await new Promise<string[]>((resolve) => {
    dnsLookup(host, { all: true }, (error, results) => resolve(error ? [] : results.map((result) => result.address)));
  });
  if (addresses.length === 0) return { ok: false, message: `host ${host} does not resolve` };
  const privateAddress = addresses.find(isPrivateAddress);
  if (privateAddress) return { ok: false, message: `points to the private or loopback address ${privateAddress} (set HUB_ALLOW_PRIVATE_WEBHOOKS=1 to allow it in development)` };
  return { ok: true };
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for http.request that refuses private addresses at connect time. */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, results) => {
      if (error) {
        callback(error, []);
        return;
      }
      const refused = allowPrivate ? undefined : results.find((result) => isPrivateAddress(result.address));
      if (refused) {
        callback(Object.assign(new Error(`refused to connect to private address ${refused.address}`), { code: 'EPRIVATEADDRESS' }), []);
        return;
      }
      if (options.all) callback(null, results);
      else callback(null, results[0]?.address ?? '', results[0]?.family);
    });
  };
}
