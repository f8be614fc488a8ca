/**
 * The SSRF guard's pieces: the address classifier in every spelling a private address can take
 * (IPv4 ranges, IPv6 ranges, and IPv4 hidden in IPv4-mapped, SIIT, IPv4-compatible, NAT64, 6to4 and
 * Teredo addresses), localhost names, the URL check as `new URL` normalises hosts, and the lookup
 * used at connect time.
 */
import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { checkOutboundUrl, guardedLookup, OutboundRequestRefusedError } from '../../src/lib/network-guard.js';
import { isLocalhostName, isPrivateAddress } from '../../src/lib/private-address.js';

/** A Teredo address (server 65.54.227.120) whose client is `ipv4`: the client is stored as the last 32 bits, inverted. */
function teredo(ipv4: string): string {
  const value = ipv4.split('.').reduce((total, part) => total * 256 + Number(part), 0);
  const inverted = (value ^ 0xffffffff) >>> 0;
  return `2001:0:4136:e378:8000:63bf:${(inverted >>> 16).toString(16)}:${(inverted & 0xffff).toString(16)}`;
}

describe('isPrivateAddress', () => {
  it.each([
    // IPv4 ranges
    '127.0.0.1', '127.255.0.1', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1',
    '0.0.0.0', '0.1.2.3', '192.0.0.8', '192.0.2.1', '192.88.99.1', '198.18.0.1', '198.51.100.7', '203.0.113.9', '224.0.0.1', '255.255.255.255',
    // IPv6 ranges
    '::', '::1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', 'fec0::1', 'ff02::1', '2001:db8::1', '3fff::1', '100::1',
    '2001:2::1', '5f00::1', '::1:2:3:4',
    // IPv4-mapped, SIIT and IPv4-compatible
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '::ffff:10.0.0.1', '::ffff:0:127.0.0.1', '::ffff:0:a00:1', '::127.0.0.1', '::10.0.0.1',
    // NAT64: the well-known prefix carries the IPv4 address; the local-use prefix translates into the local network
    '64:ff9b::7f00:1', '64:ff9b::127.0.0.1', '64:ff9b::a9fe:a9fe', '64:ff9b:1::1', '64:ff9b:1::808:808', '64:ff9b:1:abcd::1',
    // 6to4
    '2002:7f00:1::', '2002:7f00:0001::1', '2002:a00:1::', '2002:c0a8:101::1', '2002:a9fe:a9fe::', '2002:0:0::1',
    // Teredo
    teredo('127.0.0.1'), teredo('10.1.2.3'), teredo('169.254.169.254'), teredo('192.168.0.1'), '2001::80ff:fffe',
    // not an IP address at all
    'not-an-ip', 'localhost', '', '1.2.3', '::ffff:1:2:3:4:5:6',
  ])('%s is refused', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    '93.184.216.34', '8.8.8.8', '1.1.1.1', '172.32.0.1', '192.169.0.1', '100.128.0.1',
    '2606:4700:4700::1111', '2001:4860:4860::8888', '2a00:1450:4001:80b::200e',
    '::ffff:5db8:d822', '::ffff:8.8.8.8', '64:ff9b::808:808', '64:ff9b::8.8.8.8', '2002:808:808::1', teredo('8.8.8.8'),
  ])('%s is public', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});

describe('isLocalhostName', () => {
  it.each(['localhost', 'LOCALHOST', 'localhost.', 'api.localhost', 'a.b.localhost..'])('%s is loopback by name', (name) => {
    expect(isLocalhostName(name)).toBe(true);
  });

  it.each(['localhost.example.com', 'mylocalhost', 'example.com'])('%s is not', (name) => {
    expect(isLocalhostName(name)).toBe(false);
  });
});

describe('checkOutboundUrl', () => {
  const webhooks = { allowPrivateNetwork: false, allowPlainHttp: true };
  const processorApi = { allowPrivateNetwork: false, allowPlainHttp: false };

  it.each([
    'http://2130706433/x', 'http://0x7f000001/x', 'http://0177.0.0.1/x', 'http://017700000001/x', 'http://127.1/x', 'http://0x7f.1/x',
    'http://127.0.0.1./x', 'http://0/x', 'http://[::]/x', 'http://[::1]/x', 'http://[::ffff:127.0.0.1]/x', 'http://[2002:7f00:1::]/x',
    'http://[64:ff9b:1::a00:1]/x', `http://[${teredo('127.0.0.1')}]/x`, 'http://localhost/x', 'http://localhost./x', 'http://api.localhost:8080/x',
  ])('refuses %s, however new URL spells its host', async (url) => {
    expect(await checkOutboundUrl(url, webhooks)).toEqual({ ok: false, message: expect.stringMatching(/^points to the private or loopback address .* \(HUB_ALLOW_PRIVATE_NETWORK=1 allows it in development\)$/) });
  });

  it('accepts a public address, over plain http only where the policy allows it', async () => {
    expect(await checkOutboundUrl('https://93.184.216.34/x', processorApi)).toEqual({ ok: true });
    expect(await checkOutboundUrl('http://93.184.216.34/x', webhooks)).toEqual({ ok: true });
    expect(await checkOutboundUrl('http://93.184.216.34/x', processorApi)).toEqual({ ok: false, message: expect.stringMatching(/^must be https/) });
  });

  it('allows private addresses and plain http with HUB_ALLOW_PRIVATE_NETWORK, but never credentials or other schemes', async () => {
    const development = { allowPrivateNetwork: true, allowPlainHttp: false };
    expect(await checkOutboundUrl('http://127.0.0.1:9/api', development)).toEqual({ ok: true });
    expect(await checkOutboundUrl('https://user:pass@127.0.0.1/api', development)).toEqual({ ok: false, message: 'must not contain credentials' });
    expect(await checkOutboundUrl('file:///etc/passwd', development)).toEqual({ ok: false, message: 'must be http or https' });
    expect(await checkOutboundUrl('not a url', development)).toEqual({ ok: false, message: 'is not a URL' });
  });
});

describe('guardedLookup', () => {
  const lookup = (hostname: string, all: boolean) => new Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[] }>((resolve) => {
    guardedLookup(hostname, { all }, (error, address) => resolve({ error, address }));
  });

  it('fails a name that resolves to a loopback address, so the connection is never made', async () => {
    const { error } = await lookup('localhost', true);
    expect(error).toBeInstanceOf(OutboundRequestRefusedError);
    expect(error?.message).toMatch(/^refused to connect to localhost \((127\.0\.0\.1|::1)\): a private or loopback address/);
  });

  it('answers a public IP address as net.connect expects, one or all', async () => {
    expect(await lookup('93.184.216.34', false)).toEqual({ error: null, address: '93.184.216.34' });
    expect(await lookup('93.184.216.34', true)).toEqual({ error: null, address: [{ address: '93.184.216.34', family: 4 }] });
  });
});
