/**
 * One SSRF guard for every outbound call of the hub, end to end on both backends: a merchant cannot
 * point the hub at a loopback service — neither an outbound webhook endpoint nor a processor's API
 * base — and what was saved while HUB_ALLOW_PRIVATE_NETWORK=1 is refused at call time by a hub
 * process started without it: the local server standing in for the target sees no request, and the
 * delivery or the event records a clear refusal that carries no credential.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGoPayApiDouble, type GoPayApiDouble } from '../../src/doubles/gopay-api-double.js';
import { startGumroadApiDouble, type GumroadApiDouble } from '../../src/doubles/gumroad-api-double.js';
import { attributedGoPayPayment, GOPAY_CLIENT_ID, GOPAY_CLIENT_SECRET, GOPAY_GOID, notifyGoPay, Q1, setUpGoPayMerchant } from '../helpers/gopay.js';
import { attributedGumroadFixture, GUMROAD_ACCESS_TOKEN, gumroadApiSale, sendGumroadPing, setUpGumroadMerchant } from '../helpers/gumroad.js';
import { conversionsOf, eventOf } from '../helpers/stripe.js';
import { apiClient, createCampaignWithAffiliate, createHubProcess, createMerchant, createTestHub, type TestHub } from '../helpers/test-hub.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

const REFUSED_LOOPBACK = /refused to call http:\/\/127\.0\.0\.1:\d+: the URL points to the private or loopback address 127\.0\.0\.1/;

describe('the SSRF guard on every outbound call', () => {
  /** A hub without HUB_ALLOW_PRIVATE_NETWORK, as in production. */
  let strict: TestHub;
  /** A hub with it, to save what a strict hub would refuse, as a development setting left on would. */
  let permissive: TestHub;
  let gopay: GoPayApiDouble;
  let gumroad: GumroadApiDouble;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    [strict, permissive] = await Promise.all([
      createTestHub({ processInBackground: false }),
      createTestHub({ processInBackground: false, start: new Date(), environment: { HUB_ALLOW_PRIVATE_NETWORK: '1' } }),
    ]);
    gopay = await startGoPayApiDouble({ clientId: GOPAY_CLIENT_ID, clientSecret: GOPAY_CLIENT_SECRET, clock: permissive.clock });
    gumroad = await startGumroadApiDouble({ accessTokens: { [GUMROAD_ACCESS_TOKEN]: ['view_sales'] } });
    receiver = await new WebhookReceiver().start();
  });
  afterAll(async () => {
    await Promise.all([strict.close(), permissive.close(), gopay.close(), gumroad.close(), receiver.stop()]);
  });
  beforeEach(() => {
    gopay.clearRequests();
    gumroad.clearRequests();
  });

  describe('outbound webhooks', () => {
    it('never delivers to an endpoint on a loopback IP literal saved while private networks were allowed', async () => {
      const merchant = await createMerchant(permissive);
      const api = apiClient(permissive, merchant.writeKey);
      const { campaignId, affiliateId } = await createCampaignWithAffiliate(permissive, merchant);
      const endpoint = (await api.post('/api/v1/webhook-endpoints', { url: receiver.url, events: ['conversion.created'] }).expect(201)).body.data as { id: string };
      await api.post('/api/v1/conversions', { campaignId, affiliateId, amount: '100.00', orderId: 'ord-ssrf' }).expect(201);

      // The hub restarted without the flag delivers what is in the outbox.
      await createHubProcess(permissive).relay.drain();

      expect(receiver.received).toEqual([]);
      const deliveries = (await api.get(`/api/v1/webhook-endpoints/${endpoint.id}/deliveries`).expect(200)).body.data as Record<string, unknown>[];
      expect(deliveries).toMatchObject([{ status: 'pending', attempts: 1, lastResponseStatus: null, lastError: expect.stringMatching(REFUSED_LOOPBACK) }]);
      expect(deliveries[0]?.lastError).not.toContain('/hooks');
    });
  });

  describe.each([
    ['gopay', { goid: GOPAY_GOID, clientId: GOPAY_CLIENT_ID, clientSecret: GOPAY_CLIENT_SECRET }, GOPAY_CLIENT_SECRET, () => gopay.apiBase],
    ['gumroad', { accessToken: GUMROAD_ACCESS_TOKEN }, GUMROAD_ACCESS_TOKEN, () => gumroad.apiBase],
  ] as const)('%s API base', (provider, credentials, secret, doubleApiBase) => {
    it.each([
      ['the loopback double', () => doubleApiBase()],
      ['loopback over https', () => doubleApiBase().replace('http://127.0.0.1', 'https://127.0.0.1')],
      ['loopback in decimal', () => doubleApiBase().replace('127.0.0.1', '2130706433')],
      ['localhost', () => doubleApiBase().replace('127.0.0.1', 'localhost')],
      ['the cloud metadata address', () => 'https://169.254.169.254/latest'],
      ['a 6to4 loopback', () => 'https://[2002:7f00:1::]/api'],
      ['a NAT64 local-use address', () => 'https://[64:ff9b:1::a00:1]/api'],
      ['a public address over plain http', () => 'http://93.184.216.34/api'],
    ])('refuses %s when the connection is created or changed without HUB_ALLOW_PRIVATE_NETWORK', async (_label, apiBase) => {
      const merchant = await createMerchant(strict);
      const api = apiClient(strict, merchant.writeKey);
      const { campaignId } = await createCampaignWithAffiliate(strict, merchant);
      const created = await api.post('/api/v1/connections', { provider, campaignId, options: { ...credentials, apiBase: apiBase() } }).expect(400);
      expect(created.body.error).toMatchObject({ code: 'invalid_request', details: [{ field: 'options.apiBase', message: expect.stringMatching(/private or loopback address|must be https/) }] });
      expect(JSON.stringify(created.body)).not.toContain(secret);
      expect((await api.get('/api/v1/connections').expect(200)).body.data).toEqual([]);

      const connection = (await api.post('/api/v1/connections', { provider, campaignId, options: credentials }).expect(201)).body.data as { id: string };
      const changed = await api.patch(`/api/v1/connections/${connection.id}`, { options: { ...credentials, apiBase: apiBase() } }).expect(400);
      expect(changed.body.error.details).toEqual([{ field: 'options.apiBase', message: expect.any(String) }]);
      expect((await api.get(`/api/v1/connections/${connection.id}`).expect(200)).body.data.options).not.toHaveProperty('apiBase');
      expect(gopay.requests).toEqual([]);
      expect(gumroad.requests).toEqual([]);
    });

    it('accepts a public https API base', async () => {
      const merchant = await createMerchant(strict);
      const { campaignId } = await createCampaignWithAffiliate(strict, merchant);
      await apiClient(strict, merchant.writeKey).post('/api/v1/connections', { provider, campaignId, options: { ...credentials, apiBase: 'https://93.184.216.34/api' } }).expect(201);
    });
  });

  it('refuses at call time a GoPay API base on loopback saved while private networks were allowed: GoPay’s double sees no request', async () => {
    const merchant = await setUpGoPayMerchant(permissive, gopay);
    gopay.setPayment(attributedGoPayPayment('payment.PAID.1', merchant));
    const eventId = (await notifyGoPay(permissive, merchant.connectionId, Q1).expect(200)).body.eventId as string;

    await createHubProcess(permissive).processor.drain();

    expect(gopay.requests).toEqual([]);
    const event = await eventOf(merchant, eventId);
    expect(event).toMatchObject({ status: 'failed', error: expect.stringMatching(new RegExp(`GoPay POST /oauth2/token failed: ${REFUSED_LOOPBACK.source}`)) });
    expect(event.error).not.toContain(GOPAY_CLIENT_SECRET);
    expect(await conversionsOf(merchant)).toEqual([]);
  });

  it('refuses at call time a Gumroad API base on loopback saved while private networks were allowed: Gumroad’s double sees no request', async () => {
    const merchant = await setUpGumroadMerchant(permissive, { connection: { options: { accessToken: GUMROAD_ACCESS_TOKEN, apiBase: gumroad.apiBase } } });
    gumroad.setSale(gumroadApiSale('api.sale.1'));
    const eventId = (await sendGumroadPing(permissive, merchant, attributedGumroadFixture('sale.1', merchant)).expect(200)).body.eventId as string;

    await createHubProcess(permissive).processor.drain();

    expect(gumroad.requests).toEqual([]);
    const event = await eventOf(merchant, eventId);
    expect(event).toMatchObject({ status: 'failed', error: expect.stringMatching(new RegExp(`Gumroad GET /v2/sales/\\S+ failed: ${REFUSED_LOOPBACK.source}`)) });
    expect(event.error).not.toContain(GUMROAD_ACCESS_TOKEN);
    expect(await conversionsOf(merchant)).toEqual([]);
  });
});
