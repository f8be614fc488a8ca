import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, createCampaignWithAffiliate, createMerchant, createTestHub, type TestHub, type TestMerchant } from '../helpers/test-hub.js';

describe('server-to-server postback (SPEC §10)', () => {
  let hub: TestHub;
  let merchant: TestMerchant;
  let campaignId: string;
  let affiliateId: string;
  let clickId: string;
  let visitorId: string;
  beforeAll(async () => {
    hub = await createTestHub();
    merchant = await createMerchant(hub);
    ({ campaignId, affiliateId } = await createCampaignWithAffiliate(hub, merchant, { currency: 'EUR' }));
    const click = await apiClient(hub, merchant.writeKey).post('/api/v1/clicks', { campaignId, affiliateId }).expect(201);
    ({ clickId, visitorId } = click.body.data as { clickId: string; visitorId: string });
  });
  afterAll(async () => hub.close());

  it('records a conversion from a GET with query parameters and ?api_key=', async () => {
    const response = await hub.http.get(`/api/postback/${campaignId}`)
      .query({ api_key: merchant.writeKey, order_id: 'pb-1', amount: '59.90', click_id: clickId, customer_id: 'cust-42', sub_id: 'banner-7' }).expect(200);
    expect(response.body).toEqual({ success: true, conversion_id: expect.stringMatching(/^conv_/), status: 'pending' });
    const conversion = await apiClient(hub, merchant.readKey).get(`/api/v1/conversions/${response.body.conversion_id}`).expect(200);
    expect(conversion.body.data).toMatchObject({ source: 'postback', orderId: 'pb-1', amount: 59.9, currency: 'EUR', commission: 11.98, affiliateId, clickId, metadata: { sub_id: 'banner-7' } });
    const row = await hub.services.db.selectFrom('conversion').selectAll().where('id', '=', response.body.conversion_id).executeTakeFirstOrThrow();
    expect(row.customer_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain('cust-42');
  });

  it('answers a repeat with the same body plus duplicate: true', async () => {
    const first = await hub.http.get(`/api/postback/${campaignId}`).set('X-Api-Key', merchant.writeKey).query({ order_id: 'pb-2', amount: 10, visitor_id: visitorId }).expect(200);
    const again = await hub.http.get(`/api/postback/${campaignId}`).set('X-Api-Key', merchant.writeKey).query({ order_id: 'pb-2', amount: 10, visitor_id: visitorId }).expect(200);
    expect(again.body).toEqual({ ...first.body, duplicate: true });
  });

  it('accepts POST with a JSON body or a form body and Bearer auth', async () => {
    const json = await hub.http.post(`/api/postback/${campaignId}`).set('Authorization', `Bearer ${merchant.writeKey}`)
      .send({ order_id: 'pb-3', amount: 1250, click_id: clickId, currency: 'jpy' }).expect(200);
    expect(json.body.success).toBe(true);
    const form = await hub.http.post(`/api/postback/${campaignId}`).set('Authorization', `Bearer ${merchant.writeKey}`)
      .type('form').send('order_id=pb-4&amount=3.125&currency=KWD&click_id=' + clickId).expect(200);
    const conversion = await apiClient(hub, merchant.readKey).get(`/api/v1/conversions/${form.body.conversion_id}`).expect(200);
    expect(conversion.body.data).toMatchObject({ currency: 'KWD', amount: 3.125 });
  });

  it('rejects 12.5 JPY because yen has no decimals', async () => {
    const json = await hub.http.post(`/api/postback/${campaignId}`).set('X-Api-Key', merchant.writeKey)
      .send({ order_id: 'pb-5', amount: 12.5, click_id: clickId, currency: 'JPY' }).expect(400);
    expect(json.body.error).toMatchObject({ code: 'invalid_request', details: [{ field: 'amount', message: 'JPY has no minor unit; "12.5" has decimals' }] });
  });

  it('uses the error envelope for every failure', async () => {
    const cases: [() => Promise<{ status: number; body: { error: { code: string } } }>, number, string][] = [
      [() => hub.http.get(`/api/postback/${campaignId}`).query({ order_id: 'x', amount: 1, click_id: clickId }), 401, 'unauthorized'],
      [() => hub.http.get(`/api/postback/${campaignId}`).query({ api_key: merchant.readKey, order_id: 'x', amount: 1, click_id: clickId }), 403, 'insufficient_permissions'],
      [() => hub.http.get(`/api/postback/${campaignId}`).query({ api_key: merchant.writeKey, amount: 1, click_id: clickId }), 400, 'invalid_request'],
      [() => hub.http.get(`/api/postback/${campaignId}`).query({ api_key: merchant.writeKey, order_id: 'x', amount: 1 }), 400, 'invalid_request'],
      [() => hub.http.get(`/api/postback/${campaignId}`).query({ api_key: merchant.writeKey, order_id: 'x', amount: 1, click_id: clickId, bonus: 5 }), 400, 'invalid_request'],
      [() => hub.http.get('/api/postback/camp_unknown').query({ api_key: merchant.writeKey, order_id: 'x', amount: 1, click_id: clickId }), 404, 'not_found'],
      [() => hub.http.get(`/api/postback/${campaignId}`).query({ api_key: merchant.writeKey, order_id: 'x', amount: 1, click_id: 'clk_nope' }), 404, 'not_found'],
    ];
    for (const [send, status, code] of cases) {
      const response = await send();
      expect([response.status, response.body.error.code]).toEqual([status, code]);
    }
  });

  it('limits each IP to 100 postbacks per minute per campaign', async () => {
    const limited = await createCampaignWithAffiliate(hub, merchant, {}, { email: 'limit@example.com' });
    const click = await apiClient(hub, merchant.writeKey).post('/api/v1/clicks', limited).expect(201);
    for (let index = 0; index < 100; index += 1) {
      await hub.http.get(`/api/postback/${limited.campaignId}`).set('X-Api-Key', merchant.writeKey)
        .query({ order_id: `rl-${index}`, amount: 1, click_id: click.body.data.clickId }).expect(200);
    }
    const refused = await hub.http.get(`/api/postback/${limited.campaignId}`).set('X-Api-Key', merchant.writeKey)
      .query({ order_id: 'rl-100', amount: 1, click_id: click.body.data.clickId }).expect(429);
    expect(refused.body.error.code).toBe('rate_limit_exceeded');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Another campaign has its own budget.
    await hub.http.get(`/api/postback/${campaignId}`).set('X-Api-Key', merchant.writeKey).query({ order_id: 'rl-other', amount: 1, click_id: clickId }).expect(200);
  });
});
