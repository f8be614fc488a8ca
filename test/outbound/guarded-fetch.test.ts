/**
 * The guarded fetch against a real HTTP server on loopback: refused in every spelling of a private
 * address before a byte is sent, refused at connect time for a name that resolves to one, and, with
 * private networks allowed, a plain fetch that never follows a redirect. Refusals name the host,
 * never the path, the query or a credential.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGuardedFetch } from '../../src/lib/guarded-fetch.js';
import { OutboundRequestRefusedError } from '../../src/lib/network-guard.js';
import { isPrivateAddress } from '../../src/lib/private-address.js';

const SECRET = 'sk_live_do-not-leak-0123456789';

/** The machine's own name, when it resolves to a private address (/etc/hosts usually maps it to loopback). */
async function ownNameOnLoopback(): Promise<string | null> {
  const name = hostname();
  try {
    const addresses = await lookup(name, { all: true });
    return addresses.length > 0 && addresses.every((entry) => isPrivateAddress(entry.address)) ? name : null;
  } catch {
    return null;
  }
}

describe('createGuardedFetch', () => {
  let server: Server;
  let port: number;
  const received: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        if (request.url === '/redirect') response.writeHead(302, { location: `http://127.0.0.1:${port}/elsewhere` }).end();
        else response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    }).listen(0, '::');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    received.length = 0;
  });

  const send = (guarded: typeof fetch, url: string) => guarded(`${url}?token=${SECRET}`, {
    method: 'POST', headers: { authorization: `Bearer ${SECRET}` }, body: `secret=${SECRET}`, signal: AbortSignal.timeout(2_000),
  });

  describe('without HUB_ALLOW_PRIVATE_NETWORK', () => {
    const webhooks = createGuardedFetch({ allowPrivateNetwork: false, allowPlainHttp: true });

    it.each([
      ['loopback', (p: number) => `http://127.0.0.1:${p}/api`],
      ['loopback in decimal', (p: number) => `http://2130706433:${p}/api`],
      ['loopback in hexadecimal', (p: number) => `http://0x7f.0.0.1:${p}/api`],
      ['loopback with a trailing dot', (p: number) => `http://127.0.0.1.:${p}/api`],
      ['the unspecified address', (p: number) => `http://0.0.0.0:${p}/api`],
      ['IPv6 loopback', (p: number) => `http://[::1]:${p}/api`],
      ['IPv6 unspecified', (p: number) => `http://[::]:${p}/api`],
      ['IPv4-mapped loopback', (p: number) => `http://[::ffff:127.0.0.1]:${p}/api`],
      ['localhost', (p: number) => `http://localhost:${p}/api`],
      ['localhost with a trailing dot', (p: number) => `http://localhost.:${p}/api`],
    ])('refuses %s before sending anything, without naming the path, query or credentials', async (_label, url) => {
      const refusal = await send(webhooks, url(port)).then(() => null, (error: unknown) => error);
      expect(refusal).toBeInstanceOf(OutboundRequestRefusedError);
      expect((refusal as Error).message).toMatch(/^refused to call http:\/\/\S+: the URL points to the private or loopback address /);
      expect((refusal as Error).message).not.toMatch(new RegExp(`${SECRET}|/api|token`));
      expect(received).toEqual([]);
    });

    it('refuses at connect time a name that resolves to a private address (DNS decides, the dialled address is checked)', async (context) => {
      const name = await ownNameOnLoopback();
      if (!name) return context.skip();
      const refusal = await send(webhooks, `http://${name}:${port}/api`).then(() => null, (error: unknown) => error);
      expect(refusal).toBeInstanceOf(OutboundRequestRefusedError);
      expect((refusal as Error).message).toMatch(new RegExp(`^refused to connect to ${name} \\(\\S+\\): a private or loopback address`));
      expect(received).toEqual([]);
    });

    it('refuses plain http to a processor API, whose calls carry credentials, before connecting', async () => {
      const processorApi = createGuardedFetch({ allowPrivateNetwork: false, allowPlainHttp: false });
      await expect(send(processorApi, 'http://93.184.216.34/api')).rejects.toThrow(/^refused to call http:\/\/93\.184\.216\.34: the URL must be https/);
    });
  });

  describe('with HUB_ALLOW_PRIVATE_NETWORK', () => {
    const development = createGuardedFetch({ allowPrivateNetwork: true, allowPlainHttp: false });

    it('sends the method, headers and body as given', async () => {
      const response = await send(development, `http://127.0.0.1:${port}/api`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('ok');
      expect(received).toMatchObject([{ method: 'POST', url: `/api?token=${SECRET}`, headers: { authorization: `Bearer ${SECRET}` }, body: `secret=${SECRET}` }]);
    });

    it('never follows a redirect: the caller gets the 3xx', async () => {
      const response = await development(`http://127.0.0.1:${port}/redirect`);
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe(`http://127.0.0.1:${port}/elsewhere`);
      expect(received.map((request) => request.url)).toEqual(['/redirect']);
    });
  });
});
