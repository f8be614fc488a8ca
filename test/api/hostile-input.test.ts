/**
 * Input built to stop the hub or to make it work for nothing (issue 10 point 1, issue 11 points 3
 * and 4), through real HTTP: JSON nested thousands deep, bodies larger than the limit declared or
 * streamed, bodies sent without a key, malformed percent-encoding, unpaired surrogates, and made-up
 * ids meant to grow the rate limiter. Every answer is a 4xx, no body is read for nothing, nothing is
 * logged as an error, and the hub keeps serving.
 */
import { once } from 'node:events';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/create-app.js';
import { createHubServer, type ServerLimits } from '../../src/http/create-server.js';
import { recordingLogger, type RecordingLogger } from '../helpers/recording-logger.js';
import { ADMIN_TOKEN, apiClient, createCampaignWithAffiliate, createMerchant, createTestHub, type TestHub, type TestMerchant } from '../helpers/test-hub.js';

const MiB = 1024 * 1024;

/** 20,000 nested arrays (~40 KB): enough to overflow any recursive walk of the parsed value. */
const DEEP_JSON = '['.repeat(20_000) + ']'.repeat(20_000);

interface StreamedOutcome {
  status: number | null;
  /** Body bytes written before the answer came (or the connection closed). */
  bytesSent: number;
}

/**
 * Streams a chunked body of up to `totalBytes` and stops as soon as the hub answers or closes the
 * connection: how much was sent by then says how much the hub read.
 */
function streamBody(hub: TestHub, path: string, headers: Record<string, string>, totalBytes: number): Promise<StreamedOutcome> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, hub.url);
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let bytesSent = 0;
    let answered = false;
    const finish = (status: number | null) => {
      if (answered) return;
      answered = true;
      request.destroy();
      resolve({ status, bytesSent });
    };
    const request = httpRequest(url, { method: 'POST', headers: { ...headers, 'Transfer-Encoding': 'chunked' } }, (response: IncomingMessage) => {
      response.resume();
      finish(response.statusCode ?? null);
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (answered) return;
      // The hub may close the socket right after answering; the answer has been counted by then or never comes.
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') finish(null);
      else reject(error);
    });
    const pump = () => {
      while (!answered && bytesSent < totalBytes) {
        bytesSent += chunk.length;
        if (!request.write(chunk)) {
          request.once('drain', pump);
          return;
        }
      }
      if (!answered) request.end();
    };
    pump();
    setTimeout(() => reject(new Error(`no answer after sending ${bytesSent} bytes`)), 20_000).unref();
  });
}

/** A request that declares `Content-Length` but sends no body at all: the answer must not wait for it. */
function declareOnly(hub: TestHub, method: string, path: string, headers: Record<string, string>, contentLength: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(new URL(path, hub.url), { method, headers: { ...headers, 'Content-Length': String(contentLength) } }, (response) => {
      response.resume();
      request.destroy();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.flushHeaders();
    setTimeout(() => reject(new Error('the hub waited for a body it should have refused')), 5_000).unref();
  });
}

describe('hostile input', () => {
  let hub: TestHub;
  let logger: RecordingLogger;
  let merchant: TestMerchant;
  let campaignId: string;
  let affiliateId: string;
  beforeAll(async () => {
    logger = recordingLogger();
    hub = await createTestHub({ logger });
    merchant = await createMerchant(hub);
    ({ campaignId, affiliateId } = await createCampaignWithAffiliate(hub, merchant));
  });
  afterAll(async () => hub.close());

  const errorsLogged = () => logger.entries.filter((entry) => entry.level === 'error');

  describe('JSON nested thousands of levels deep', () => {
    it('is refused unread from a postback without a key, and the hub keeps serving', async () => {
      const response = await hub.http.post(`/api/postback/${campaignId}`).set('Content-Type', 'application/json').send(DEEP_JSON);
      expect(response.status).toBe(401);
      expect((await hub.http.get('/healthz')).status).toBe(200);
    });

    it.each([
      ['the postback with a key', (body: string) => hub.http.post(`/api/postback/${campaignId}`).set('X-Api-Key', merchant.writeKey).set('Content-Type', 'application/json').send(body)],
      ['the conversions API', (body: string) => hub.http.post('/api/v1/conversions').set('Authorization', `Bearer ${merchant.writeKey}`).set('Content-Type', 'application/json').send(body)],
      ['the admin API', (body: string) => hub.http.post('/admin/v1/merchants').set('Authorization', `Bearer ${ADMIN_TOKEN}`).set('Content-Type', 'application/json').send(body)],
    ])('is a 400 naming the nesting on %s', async (_label, send) => {
      const response = await send(DEEP_JSON);
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('nested deeper than 64 levels') });
      expect((await hub.http.get('/healthz')).status).toBe(200);
    });

    it('accepts 64 levels, which is more than any request needs', async () => {
      const metadata = JSON.parse('{"a":'.repeat(62) + '1' + '}'.repeat(62)) as Record<string, unknown>;
      const response = await apiClient(hub, merchant.writeKey).post('/api/v1/conversions', { campaignId, affiliateId, amount: 1, orderId: 'deep-but-fine', metadata });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
    });
  });

  describe('bodies over the 1 MiB limit', () => {
    it.each([
      ['a webhook', 'POST', '/webhooks/stripe/con_unknown', {}],
      ['the conversions API', 'POST', '/api/v1/conversions', { Authorization: 'Bearer key-checked-after' }],
      ['the postback', 'POST', '/api/postback/camp_x', {}],
      ['a route that takes no body', 'GET', '/healthz', {}],
    ])('declared in Content-Length are refused with 413 before a byte is sent, on %s', async (_label, method, path, headers) => {
      expect(await declareOnly(hub, method, path, { 'Content-Type': 'application/json', ...headers }, 2 * MiB)).toBe(413);
    });

    it('streamed without a length are cut with 413 as soon as they pass the limit', async () => {
      const outcome = await streamBody(hub, '/api/v1/conversions', { Authorization: `Bearer ${merchant.writeKey}`, 'Content-Type': 'application/json' }, 300 * MiB);
      expect(outcome.status).toBe(413);
      // The client's socket buffers absorb some, but nowhere near the 300 MiB it would have sent.
      expect(outcome.bytesSent).toBeLessThan(16 * MiB);
    });

    it('streamed to the postback without a key are not read at all: 401 at once', async () => {
      const outcome = await streamBody(hub, '/api/postback/camp_anything', { 'Content-Type': 'application/json' }, 300 * MiB);
      expect(outcome.status).toBe(401);
      expect(outcome.bytesSent).toBeLessThan(16 * MiB);
    });

    it('streamed to a webhook of an unknown connection are not read at all: 404 at once', async () => {
      const outcome = await streamBody(hub, '/webhooks/stripe/con_doesnotexist', { 'Content-Type': 'application/json' }, 300 * MiB);
      expect(outcome.status).toBe(404);
      expect(outcome.bytesSent).toBeLessThan(16 * MiB);
    });
  });

  it.each([
    ['a link code', '/r/%E0%A4%A', {}],
    ['a postback campaign', '/api/postback/%E0%A4%A', {}],
    ['a conversion id', '/api/v1/conversions/%E0%A4%A', { auth: true }],
  ])('answers a malformed percent-encoding in %s with 400, logged as no error', async (_label, path, options) => {
    const before = errorsLogged().length;
    const request = hub.http.get(path);
    const response = await ('auth' in options ? request.set('Authorization', `Bearer ${merchant.writeKey}`) : request);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_request');
    expect(errorsLogged()).toHaveLength(before);
  });

  it('refuses an unpaired surrogate in a JSON field with a 400 naming the field', async () => {
    const body = `{"campaignId":"${campaignId}","affiliateId":"${affiliateId}","amount":1,"orderId":"surrogate-\\ud800"}`;
    const response = await hub.http.post('/api/v1/conversions').set('Authorization', `Bearer ${merchant.writeKey}`).set('Content-Type', 'application/json').send(body);
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([{ field: 'orderId', message: expect.stringContaining('unpaired surrogate') }]);
  });

  describe('the postback rate limiter', () => {
    it('counts failures per IP alone: a fresh campaign id in the path buys no fresh budget for guessing keys', async () => {
      const own = await createTestHub();
      try {
        const statuses: number[] = [];
        for (let index = 0; index < 101; index += 1) {
          statuses.push((await own.http.get(`/api/postback/camp_guess${index}`).query({ api_key: `hub_sk_guess${index}`, order_id: 'o', amount: 1, click_id: 'clk_x' })).status);
        }
        expect(statuses.slice(0, 100).every((status) => status === 401)).toBe(true);
        expect(statuses[100]).toBe(429);
      } finally {
        await own.close();
      }
    });

    it('keeps no window for made-up campaign ids, however long or many', async () => {
      const own = await createTestHub();
      try {
        const owner = await createMerchant(own);
        const longId = (index: number) => `camp_${'x'.repeat(8_000)}${index}`;
        for (let index = 0; index < 50; index += 1) {
          const response = await own.http.get(`/api/postback/${longId(index)}`).query({ api_key: owner.writeKey, order_id: 'o', amount: 1, click_id: 'clk_x' });
          expect(response.status).toBe(404);
        }
        expect(own.services.limiters.postback.size).toBe(0);
      } finally {
        await own.close();
      }
    });
  });
});

describe('slow and greedy clients', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub();
  });
  afterAll(async () => hub.close());

  /** The hub's own listener behind a server with these limits (the production values are 10 s and 30 s; the mechanism is the same). */
  async function serverWith(limits: ServerLimits): Promise<{ port: number; close: () => Promise<void> }> {
    const server = createHubServer(limits, createApp(hub.services));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return {
      port: (server.address() as AddressInfo).port,
      close: () => {
        server.closeAllConnections();
        return new Promise((resolve) => server.close(() => resolve()));
      },
    };
  }

  /** Resolves when the server closes the socket (or after `waitMs` with false). */
  function closedWithin(socket: Socket, waitMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), waitMs);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  it('cuts a client that never finishes its headers', async () => {
    const server = await serverWith({ maxConnections: 100, headersTimeoutMs: 300, requestTimeoutMs: 600 });
    try {
      const socket = connect(server.port, '127.0.0.1');
      await once(socket, 'connect');
      socket.write('POST /api/v1/conversions HTTP/1.1\r\nHost: hub\r\nX-Slow: ');
      socket.on('data', () => undefined);
      expect(await closedWithin(socket, 3_000)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('cuts a client that sends its body too slowly', async () => {
    const server = await serverWith({ maxConnections: 100, headersTimeoutMs: 300, requestTimeoutMs: 600 });
    try {
      const socket = connect(server.port, '127.0.0.1');
      await once(socket, 'connect');
      socket.write(`POST /webhooks/stripe/con_x HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`);
      socket.on('data', () => undefined);
      const dribble = setInterval(() => socket.write(' '), 100);
      try {
        expect(await closedWithin(socket, 3_000)).toBe(true);
      } finally {
        clearInterval(dribble);
      }
    } finally {
      await server.close();
    }
  });

  it('holds no more than HUB_MAX_CONNECTIONS sockets open', async () => {
    const server = await serverWith({ maxConnections: 3 });
    const sockets: Socket[] = [];
    try {
      for (let index = 0; index < 3; index += 1) {
        const socket = connect(server.port, '127.0.0.1');
        await once(socket, 'connect');
        sockets.push(socket);
      }
      const extra = connect(server.port, '127.0.0.1');
      sockets.push(extra);
      expect(await closedWithin(extra, 2_000)).toBe(true);
      expect(sockets.slice(0, 3).every((socket) => !socket.destroyed)).toBe(true);
    } finally {
      for (const socket of sockets) socket.destroy();
      await server.close();
    }
  });
});
