/**
 * What the hub logs (issue 11 point 2, issue 15): real requests, through the hub's own logger at
 * debug level writing to memory — webhooks whose URL carries a Gumroad token, a postback with
 * `?api_key=`, API calls with bearer keys and X-Api-Key, a Stripe delivery with its signature,
 * deliveries carrying customer emails, a webhook that fails with a 500 and one that meets a closed
 * database. Every request has its line (request id, method, route pattern, status, duration,
 * merchant) and every processed event its own; no secret, key, token, signature, email or query
 * string that was sent appears anywhere in the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributedGumroadFixture, encodeGumroadForm, setUpGumroadMerchant, withGumroadFields, type GumroadMerchant } from '../helpers/gumroad.js';
import { recordingLogger, type LogEntry, type RecordingLogger } from '../helpers/recording-logger.js';
import { attributedStripeFixture, setStripeField, setUpStripeMerchant, signStripe, STRIPE_SECRET, type StripeMerchant } from '../helpers/stripe.js';
import { ADMIN_TOKEN, createMerchant, createTestHub, type TestHub } from '../helpers/test-hub.js';

const STRIPE_BUYER_EMAIL = 'maya.secret-buyer@example.com';
const GUMROAD_BUYER_EMAIL = 'jana.secret-buyer@example.net';
const AFFILIATE_EMAIL = 'bea.secret-affiliate@affiliates.test';
const SESSION_COOKIE = 'session=cookie-value-that-must-not-be-logged';

const requestLines = (logger: RecordingLogger) => logger.entries.filter((entry) => entry.message === 'request');

describe('request and event logs, with nothing secret in them', () => {
  let hub: TestHub;
  let logger: RecordingLogger;
  let stripe: StripeMerchant;
  let gumroad: GumroadMerchant;
  /** Everything sent that must never be logged, in every form it was sent in. */
  const secrets: string[] = [ADMIN_TOKEN, STRIPE_SECRET, STRIPE_BUYER_EMAIL, GUMROAD_BUYER_EMAIL, AFFILIATE_EMAIL, 'cookie-value-that-must-not-be-logged'];
  const responses: { name: string; requestId: string; status: number }[] = [];

  const remember = (name: string, response: { headers: Record<string, string>; status: number }) => {
    responses.push({ name, requestId: response.headers['x-request-id'] ?? '', status: response.status });
    return response;
  };

  beforeAll(async () => {
    logger = recordingLogger('debug');
    hub = await createTestHub({ logger, processInBackground: false });
    stripe = await setUpStripeMerchant(hub);
    gumroad = await setUpGumroadMerchant(hub);
    const merchants = [stripe, gumroad];
    for (const merchant of merchants) secrets.push(merchant.writeKey);
    secrets.push(gumroad.token, encodeURIComponent(gumroad.token), encodeURIComponent(STRIPE_BUYER_EMAIL), encodeURIComponent(GUMROAD_BUYER_EMAIL));

    // A Stripe delivery with its signature and a customer email.
    const checkout = setStripeField(attributedStripeFixture('checkout.session.completed.1', stripe), 'data.object.customer_details.email', STRIPE_BUYER_EMAIL);
    const body = JSON.stringify(checkout);
    const signature = signStripe(body, { timestamp: Math.floor(hub.clock.now().getTime() / 1000) });
    secrets.push(signature, signature.split('v1=')[1] ?? signature);
    remember('stripe', await hub.http.post(`/webhooks/stripe/${stripe.connectionId}`).set('Content-Type', 'application/json').set('Stripe-Signature', signature).send(body).expect(200));

    // A Gumroad ping: the URL token is its only authentication; the form carries the buyer's email.
    const ping = withGumroadFields(attributedGumroadFixture('sale.1', gumroad), { email: GUMROAD_BUYER_EMAIL });
    remember('gumroad', await hub.http.post(`/webhooks/gumroad/${gumroad.connectionId}?token=${encodeURIComponent(gumroad.token)}`)
      .set('Content-Type', 'application/x-www-form-urlencoded').send(encodeGumroadForm(ping)).expect(200));

    // The postback with its key in the query, and API calls with a bearer key, X-Api-Key and a cookie.
    const postback = await hub.http.get(`/api/postback/${stripe.campaignId}?api_key=${stripe.writeKey}&order_id=logged-postback-1&amount=12.50&click_id=${stripe.clickId}`).expect(200);
    remember('postback', postback);
    const conversionId = postback.body.conversion_id as string;
    remember('api', await stripe.api.get(`/api/v1/conversions/${conversionId}`).set('Cookie', SESSION_COOKIE).set('X-Request-Id', 'trace-abc.123').expect(200));
    remember('api-key-header', await hub.http.get('/api/v1/campaigns').set('X-Api-Key', gumroad.writeKey).expect(200));
    remember('api-not-found', await stripe.api.get('/api/v1/conversions/conv_00000000000000000000000').expect(404));
    remember('affiliate', await stripe.api.post('/api/v1/affiliates', { name: 'Bea', email: AFFILIATE_EMAIL, campaignId: stripe.campaignId }).expect(201));
    remember('insane-request-id', await hub.http.get('/healthz').set('X-Request-Id', 'spaces are not ok ' + 'x'.repeat(200)).expect(200));
    const admin = await createMerchant(hub);
    secrets.push(admin.writeKey, admin.readKey);

    // A Gumroad connection whose sealed secrets cannot be opened: its ping, token in the URL, fails with a 500.
    const broken = await setUpGumroadMerchant(hub);
    secrets.push(broken.token, encodeURIComponent(broken.token), broken.writeKey);
    const row = await hub.database.db.selectFrom('connection').select('sealed_credentials').where('id', '=', broken.connectionId).executeTakeFirstOrThrow();
    const tampered = row.sealed_credentials.slice(0, -6) + (row.sealed_credentials.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA');
    await hub.database.db.updateTable('connection').set({ sealed_credentials: tampered }).where('id', '=', broken.connectionId).execute();
    hub.services.connections.invalidate(broken.connectionId);
    remember('broken', await hub.http.post(`/webhooks/gumroad/${broken.connectionId}?token=${encodeURIComponent(broken.token)}`)
      .set('Content-Type', 'application/x-www-form-urlencoded').send(encodeGumroadForm(ping)).expect(500));

    await hub.services.processor.drain();

    // The database closed under a hub (logging to the same place): the webhook with its token answers 503.
    const doomed = await createTestHub({ logger, processInBackground: false });
    try {
      await doomed.database.close();
      remember('database-closed', await doomed.http.post(`/webhooks/gumroad/${gumroad.connectionId}?token=${encodeURIComponent(gumroad.token)}`)
        .set('Content-Type', 'application/x-www-form-urlencoded').send(encodeGumroadForm(ping)).expect(503));
    } finally {
      await doomed.close().catch(() => undefined);
    }
  });
  afterAll(async () => hub.close());

  const responseOf = (name: string) => {
    const response = responses.find((candidate) => candidate.name === name);
    if (!response) throw new Error(`no response named ${name}`);
    return response;
  };
  const lineOf = (name: string): LogEntry => {
    const { requestId } = responseOf(name);
    const line = requestLines(logger).find((entry) => entry.fields.requestId === requestId);
    if (!line) throw new Error(`no request line for ${name} (${requestId})`);
    return line;
  };

  it('writes no secret, key, token, signature, email, cookie or query string that was sent', () => {
    const text = logger.text();
    expect(text.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(text, `the log holds ${secret}`).not.toContain(secret);
    expect(text).not.toMatch(/[?&](token|api_key|order_id|amount|click_id)=/);
    expect(text).not.toMatch(/hub_(sk|rk|admin)_[A-Za-z0-9]/);
    expect(text).not.toMatch(/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]/);
  });

  it('writes one line per request at info, with its route pattern and never its URL', () => {
    expect(lineOf('stripe')).toMatchObject({ level: 'info', fields: { method: 'POST', route: '/webhooks/:provider/:connectionId', status: 200, merchantId: expect.stringMatching(/^mer_/) } });
    expect(lineOf('gumroad').fields).toMatchObject({ route: '/webhooks/:provider/:connectionId', status: 200 });
    expect(lineOf('postback').fields).toMatchObject({ method: 'GET', route: '/api/postback/:campaignId', status: 200, merchantId: expect.stringMatching(/^mer_/) });
    expect(lineOf('api')).toMatchObject({ level: 'info', fields: { requestId: 'trace-abc.123', method: 'GET', route: '/api/v1/conversions/:conversionId', status: 200 } });
    expect(lineOf('broken').fields).toMatchObject({ route: '/webhooks/:provider/:connectionId', status: 500 });
    expect(lineOf('database-closed').fields).toMatchObject({ route: '/webhooks/:provider/:connectionId', status: 503 });
    expect(lineOf('insane-request-id').fields).toMatchObject({ route: '/healthz', status: 200 });
    expect(lineOf('api-key-header').fields).toMatchObject({ route: '/api/v1/campaigns', status: 200 });
    // An error leaving a mounted router still has its route's whole pattern (express resets req.baseUrl on the way out).
    expect(lineOf('api-not-found').fields).toMatchObject({ route: '/api/v1/conversions/:conversionId', status: 404 });
    for (const line of requestLines(logger)) {
      expect(line.level).toBe('info');
      expect(Object.keys(line.fields).sort()).toEqual(expect.arrayContaining(['durationMs', 'method', 'requestId', 'route', 'status']));
      expect(typeof line.fields.durationMs).toBe('number');
      expect(String(line.fields.route)).not.toMatch(/[?]|con_|conv_|camp_/);
      expect(line.fields).not.toHaveProperty('url');
      expect(line.fields).not.toHaveProperty('req');
    }
    expect(requestLines(logger).length).toBeGreaterThanOrEqual(responses.length);
  });

  it('labels metrics with the same route patterns, errors of mounted routes included', async () => {
    const metrics = (await hub.http.get('/metrics').expect(200)).text;
    expect(metrics).toContain('hub_http_requests_total{method="GET",route="/api/v1/conversions/:conversionId",status="404"} 1');
    expect(metrics).toContain('hub_http_requests_total{method="GET",route="/api/postback/:campaignId",status="200"} 1');
  });

  it('names the merchant a request was authenticated as', () => {
    const merchantOfStripe = lineOf('stripe').fields.merchantId;
    expect(lineOf('api').fields.merchantId).toBe(merchantOfStripe);
    expect(lineOf('postback').fields.merchantId).toBe(merchantOfStripe);
    expect(lineOf('api-key-header').fields.merchantId).toBe(lineOf('gumroad').fields.merchantId);
    expect(lineOf('insane-request-id').fields).not.toHaveProperty('merchantId');
  });

  it('echoes a sane X-Request-Id and replaces any other with a fresh one', () => {
    expect(responseOf('api').requestId).toBe('trace-abc.123');
    expect(responseOf('insane-request-id').requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(responseOf('stripe').requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(responses.map((response) => response.requestId)).size).toBe(responses.length);
  });

  it('logs a server error with its request id, the error\'s name and message (and stack at debug), and no URL', () => {
    const failure = logger.entries.find((entry) => entry.level === 'error' && entry.message === 'request failed');
    expect(failure?.fields).toMatchObject({ requestId: responseOf('broken').requestId, path: '/webhooks/:provider/:connectionId', code: 'internal' });
    expect(failure?.fields.error).toMatchObject({ name: expect.any(String), message: expect.any(String), stack: expect.any(String) });
    const unavailable = logger.entries.find((entry) => entry.level === 'warn' && entry.message === 'request answered unavailable');
    expect(unavailable?.fields).toMatchObject({ requestId: responseOf('database-closed').requestId, code: 'unavailable' });
  });

  it('writes one line per processed event, with the request id of the delivery that stored it', () => {
    const events = logger.entries.filter((entry) => entry.message === 'event processed');
    const stripeEvent = events.find((entry) => entry.fields.provider === 'stripe');
    expect(stripeEvent).toMatchObject({
      level: 'info',
      fields: { eventId: expect.stringMatching(/^ev_/), type: 'checkout.session.completed', outcome: 'processed', requestId: responseOf('stripe').requestId },
    });
    expect(events.find((entry) => entry.fields.provider === 'gumroad')?.fields).toMatchObject({ outcome: 'processed', requestId: responseOf('gumroad').requestId });
  });
});
