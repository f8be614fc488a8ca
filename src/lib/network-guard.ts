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

/** Loopback, private, link-local, carrier-grade NAT, documentation, multicast and reserved ranges. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return isPrivateIpv4(address);
  if (family !== 6) return true;
  const lower = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped?.[1]) return isPrivateIpv4(mapped[1]);
  if (lower === '::' || lower === '::1') return true;
  return /^(fc|fd|fe8|fe9|fea|feb|ff)/.test(lower.replace(/^0+/, ''));
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
