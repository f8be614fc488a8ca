/**
 * @module The SSRF guard every outbound call of the hub goes through (outbound webhooks and the
 * processor APIs). A merchant's URL is checked when it is saved (`checkOutboundUrl`), and again on
 * every call: its scheme and any IP-literal host before anything is sent (`refusalForUrl`), and
 * every connection at connect time against the address actually dialled (`guardedLookup` for names,
 * `refusalForHost` for IP literals, which Node dials without a lookup). So a name that later
 * re-resolves to 127.0.0.1 or 169.254.169.254, or a URL saved while private networks were allowed,
 * is still refused once they are not.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { isLocalhostName, isPrivateAddress } from './private-address.js';

/** What outbound calls may reach, from configuration. */
export interface OutboundPolicy {
  /** HUB_ALLOW_PRIVATE_NETWORK: private and loopback addresses, and plain http, are allowed (development, local doubles). */
  readonly allowPrivateNetwork: boolean;
  /** Plain http to a public address: outbound webhooks carry no credential and may use it (SPEC §11); processor API calls carry credentials and may not. */
  readonly allowPlainHttp: boolean;
}

/** A call the guard refused. Its message names the host and the rule, never a path, a query or a credential. */
export class OutboundRequestRefusedError extends Error {
  readonly code = 'EOUTBOUNDREFUSED';

  constructor(message: string) {
    super(message);
    this.name = 'OutboundRequestRefusedError';
  }
}

const HOW_TO_ALLOW = 'HUB_ALLOW_PRIVATE_NETWORK=1 allows it in development';

/** The host of a URL as the guard judges it: brackets of an IPv6 literal removed. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/** Why the hub must not connect to this host, judged without DNS (an IP literal or a localhost name); null when DNS must decide. */
export function refusalForHost(host: string): string | null {
  const isPrivate = isIP(host) ? isPrivateAddress(host) : isLocalhostName(host);
  return isPrivate ? `points to the private or loopback address ${host} (${HOW_TO_ALLOW})` : null;
}

/** Why the URL may not be called under the policy, judged without DNS; null when only its host's addresses are left to check. */
export function refusalForUrl(url: URL, policy: OutboundPolicy): string | null {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be http or https';
  if (url.username || url.password) return 'must not contain credentials';
  if (policy.allowPrivateNetwork) return null;
  const hostRefusal = refusalForHost(hostOf(url));
  if (hostRefusal) return hostRefusal;
  if (url.protocol === 'http:' && !policy.allowPlainHttp) return 'must be https (HUB_ALLOW_PRIVATE_NETWORK=1 allows http in development)';
  return null;
}

export type UrlCheck = { ok: true } | { ok: false; message: string };

/** Checks a URL a merchant saves (a webhook endpoint, a processor API base): its scheme and where its host resolves today. */
export async function checkOutboundUrl(url: string, policy: OutboundPolicy): Promise<UrlCheck> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, message: 'is not a URL' };
  }
  const refusal = refusalForUrl(parsed, policy);
  if (refusal) return { ok: false, message: refusal };
  if (policy.allowPrivateNetwork) return { ok: true };
  const host = hostOf(parsed);
  if (isIP(host)) return { ok: true };
  const addresses = await new Promise<string[]>((resolve) => {
    dnsLookup(host, { all: true }, (error, results) => resolve(error ? [] : results.map((result) => result.address)));
  });
  if (addresses.length === 0) return { ok: false, message: `host ${host} does not resolve` };
  const privateAddress = addresses.find(isPrivateAddress);
  if (privateAddress) return { ok: false, message: `points to the private or loopback address ${privateAddress} (${HOW_TO_ALLOW})` };
  return { ok: true };
}

/** The error a connection attempt to a private address fails with (`address`: what the name `hostname` resolved to). */
export function connectionRefusal(hostname: string, address = hostname): OutboundRequestRefusedError {
  const target = hostname === address ? address : `${hostname} (${address})`;
  return new OutboundRequestRefusedError(`refused to connect to ${target}: a private or loopback address (${HOW_TO_ALLOW})`);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for `net.connect` that fails when any address the name resolves to is private: the addresses checked are the ones dialled. */
export function guardedLookup(hostname: string, options: { all?: boolean }, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, results) => {
    if (error) {
      callback(error, []);
      return;
    }
    const refused = results.find((result) => isPrivateAddress(result.address));
    if (refused) {
      callback(connectionRefusal(hostname, refused.address), []);
      return;
    }
    if (options.all) callback(null, results);
    else callback(null, results[0]?.address ?? '', results[0]?.family);
  });
}
