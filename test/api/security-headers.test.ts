/**
 * Security headers on every response (issue 11 point 8): express routes and the webhook route served
 * before express alike, successes, refusals and server errors; `/hub.js` still loadable by merchants'
 * pages on other origins; `/metrics` behind HUB_METRICS_TOKEN when it is set, open when it is not.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendStripeEvent, setUpStripeMerchant, stripeFixture, type StripeMerchant } from '../helpers/stripe.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

const METRICS_TOKEN = 'metrics-scraper-token-0123456789';

/** What helmet, as the hub configures it, puts on every answer. */
function expectSecurityHeaders(headers: IncomingHttpHeaders | Record<string, string>, resourcePolicy = 'same-origin'): void {
  expect(headers).toMatchObject({
    'content-security-policy': "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'",
    'cross-origin-resource-policy': resourcePolicy,
    'cross-origin-opener-policy': 'same-origin',
    'strict-transport-security': 'max-age=31536000',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
  });
  expect(headers['x-powered-by']).toBeUndefined();
}

/** A POST that declares a body over the limit and sends none: refused before any routing. */
function declareTooMuch(hub: TestHub, path: string): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(new URL(path, hub.url), { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': String(5 * 1024 * 1024) } }, (response) => {
      response.resume();
      request.destroy();
      resolve({ status: response.statusCode ?? 0, headers: response.headers });
    });
    request.on('error', reject);
    request.flushHeaders();
  });
}

describe('security headers (issue 11.8)', () => {
  let hub: TestHub;
  let merchant: StripeMerchant;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
    merchant = await setUpStripeMerchant(hub);
  });
  afterAll(async () => hub.close());

  it('are on express routes: JSON answers, refusals, unknown routes and the redirect', async () => {
    expectSecurityHeaders((await hub.http.get('/healthz').expect(200)).headers);
    expectSecurityHeaders((await merchant.api.get('/api/v1/campaigns').expect(200)).headers);
    expectSecurityHeaders((await hub.http.get('/api/v1/campaigns').expect(401)).headers);
    expectSecurityHeaders((await hub.http.get('/nothing/here').expect(404)).headers);
    const link = (await merchant.api.post('/api/v1/links', { campaignId: merchant.campaignId, affiliateId: merchant.affiliateId, destinationUrl: 'https://shop.test/' }).expect(201)).body.data as { code: string };
    const redirect = await hub.http.get(`/r/${link.code}`).expect(302);
    expectSecurityHeaders(redirect.headers);
    // The landing page may still see which site sent the buyer (its origin), as browsers do by default.
    expect(redirect.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect((await hub.http.get('/healthz')).headers['referrer-policy']).toBe('no-referrer');
  });

  it('are on the webhook route served before express, accepted or refused, and on early refusals', async () => {
    const stored = await sendStripeEvent(hub, merchant.connectionId, stripeFixture('payment_intent.succeeded.1')).expect(200);
    expectSecurityHeaders(stored.headers);
    const forged = await hub.http.post(`/webhooks/stripe/${merchant.connectionId}`).set('Stripe-Signature', 't=1,v1=00').set('Content-Type', 'application/json').send('{}').expect(400);
    expectSecurityHeaders(forged.headers);
    expectSecurityHeaders((await hub.http.post('/webhooks/stripe/con_unknown0000000000000000').send('{}').expect(404)).headers);
    const tooLarge = await declareTooMuch(hub, `/webhooks/stripe/${merchant.connectionId}`);
    expect(tooLarge.status).toBe(413);
    expectSecurityHeaders(tooLarge.headers);
  });

  it('are on server errors, of the webhook route and of the API', async () => {
    // A connection whose sealed secrets cannot be opened: the webhook route answers 500.
    const broken = await setUpStripeMerchant(hub);
    const row = await hub.database.db.selectFrom('connection').select('sealed_credentials').where('id', '=', broken.connectionId).executeTakeFirstOrThrow();
    const tampered = row.sealed_credentials.slice(0, -6) + (row.sealed_credentials.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA');
    await hub.database.db.updateTable('connection').set({ sealed_credentials: tampered }).where('id', '=', broken.connectionId).execute();
    hub.services.connections.invalidate(broken.connectionId);
    const failed = await sendStripeEvent(hub, broken.connectionId, stripeFixture('payment_intent.succeeded.1')).expect(500);
    expectSecurityHeaders(failed.headers);

    const doomed = await createTestHub({ processInBackground: false });
    try {
      await doomed.database.close();
      expectSecurityHeaders((await doomed.http.get('/api/v1/campaigns').set('Authorization', 'Bearer hub_sk_whatever').expect(503)).headers);
      expectSecurityHeaders((await doomed.http.post('/webhooks/stripe/con_unknown0000000000000000').send('{}').expect(503)).headers);
    } finally {
      await doomed.close().catch(() => undefined);
    }
  });

  it('let merchants\' pages on other origins load /hub.js as a script', async () => {
    const script = await hub.http.get('/hub.js').expect(200);
    expectSecurityHeaders(script.headers, 'cross-origin');
    expect(script.headers['content-type']).toMatch(/^application\/javascript/);
  });
});

describe('/metrics (issue 11.8)', () => {
  let open: TestHub;
  let guarded: TestHub;
  beforeAll(async () => {
    open = await createTestHub({ processInBackground: false });
    guarded = await createTestHub({ processInBackground: false, environment: { HUB_METRICS_TOKEN: METRICS_TOKEN } });
  });
  afterAll(async () => {
    await open.close();
    await guarded.close();
  });

  it('requires HUB_METRICS_TOKEN as a bearer token when it is set', async () => {
    const missing = await guarded.http.get('/metrics').expect(401);
    expect(missing.body.error.code).toBe('unauthorized');
    expectSecurityHeaders(missing.headers);
    await guarded.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}x`).expect(401);
    await guarded.http.get('/metrics').set('Authorization', `Basic ${METRICS_TOKEN}`).expect(401);
    await guarded.http.get('/metrics').set('X-Api-Key', METRICS_TOKEN).expect(401);
    const scraped = await guarded.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    expect(scraped.text).toContain('# TYPE hub_http_requests_total counter');
  });

  it('is open when HUB_METRICS_TOKEN is not set, with process metrics prefixed once', async () => {
    const scraped = await open.http.get('/metrics').expect(200);
    expect(scraped.text).toContain('hub_process_cpu_user_seconds_total');
    expect(scraped.text).not.toContain('hub_process_process_');
  });
});
