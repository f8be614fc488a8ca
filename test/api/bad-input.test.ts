/**
 * Bad input, endpoint by endpoint: every request below must get the right 4xx, an error code, a
 * message that names what is wrong, and leave the database exactly as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotDatabase } from '../helpers/database-snapshot.js';
import { ADMIN_TOKEN, apiClient, createCampaignWithAffiliate, createMerchant, createTestHub, type TestHub } from '../helpers/test-hub.js';

type Body = Record<string, unknown>;
/** [label, body, status, error code, the field the details (or message) must name] */
type BadCase = [string, unknown, number, string, string];

interface Endpoint {
  method: 'post' | 'patch' | 'get';
  path: () => string;
  key: () => string;
  valid: () => Body;
  cases: () => BadCase[];
}

describe('bad input is refused with a clear error and loses nothing', () => {
  let hub: TestHub;
  let writeKey: string;
  let merchantId: string;
  let campaignId: string;
  let jpyCampaignId: string;
  let affiliateId: string;
  let conversionId: string;
  let otherCampaignId: string;
  let otherAffiliateId: string;

  beforeAll(async () => {
    hub = await createTestHub();
    const merchant = await createMerchant(hub);
    ({ writeKey, id: merchantId } = merchant);
    ({ campaignId, affiliateId } = await createCampaignWithAffiliate(hub, merchant));
    jpyCampaignId = (await apiClient(hub, writeKey).post('/api/v1/campaigns', { name: 'Yen', currency: 'JPY', commission: { type: 'percent', rate: 10 } }).expect(201)).body.data.id as string;
    await apiClient(hub, writeKey).patch(`/api/v1/affiliates/${affiliateId}`, { campaignId: jpyCampaignId, status: 'approved' }).expect(200);
    conversionId = (await apiClient(hub, writeKey).post('/api/v1/conversions', { campaignId, affiliateId, amount: 10, orderId: 'existing' }).expect(201)).body.data.id as string;
    const other = await createMerchant(hub);
    ({ campaignId: otherCampaignId, affiliateId: otherAffiliateId } = await createCampaignWithAffiliate(hub, other));
  });
  afterAll(async () => hub.close());

  const admin = () => ADMIN_TOKEN;
  const merchant = () => writeKey;

  const endpoints: Record<string, Endpoint> = {
    'POST /admin/v1/merchants': {
      method: 'post', path: () => '/admin/v1/merchants', key: admin, valid: () => ({ name: 'Shop' }),
      cases: () => [
        ['missing name', {}, 400, 'invalid_request', 'name'],
        ['empty name', { name: '  ' }, 400, 'invalid_request', 'name'],
        ['name as a number', { name: 42 }, 400, 'invalid_request', 'name'],
        ['negative cap', { name: 'Shop', monthlyEarningsCap: -5 }, 400, 'invalid_request', 'monthlyEarningsCap'],
        ['cap with too many decimals for KWD', { name: 'Shop', monthlyEarningsCap: '1.0001', capCurrency: 'KWD' }, 400, 'invalid_request', 'monthlyEarningsCap'],
        ['cap with decimals for JPY', { name: 'Shop', monthlyEarningsCap: '100.5', capCurrency: 'JPY' }, 400, 'invalid_request', 'monthlyEarningsCap'],
        ['unknown cap currency', { name: 'Shop', capCurrency: 'ABC' }, 400, 'invalid_request', 'capCurrency'],
        ['an unknown field', { name: 'Shop', plan: 'enterprise' }, 400, 'invalid_request', 'plan'],
      ],
    },
    'POST /admin/v1/merchants/:id/api-keys': {
      method: 'post', path: () => `/admin/v1/merchants/${merchantId}/api-keys`, key: admin, valid: () => ({ scope: 'read' }),
      cases: () => [
        ['missing scope', {}, 400, 'invalid_request', 'scope'],
        ['unknown scope', { scope: 'admin' }, 400, 'invalid_request', 'scope'],
        ['an unknown field', { scope: 'read', expiresAt: 'never' }, 400, 'invalid_request', 'expiresAt'],
      ],
    },
    'POST /api/v1/campaigns': {
      method: 'post', path: () => '/api/v1/campaigns', key: merchant,
      valid: () => ({ name: 'C', currency: 'USD', commission: { type: 'percent', rate: 10 } }),
      cases: () => [
        ['missing currency', { name: 'C', commission: { type: 'percent', rate: 10 } }, 400, 'invalid_request', 'currency'],
        ['unknown currency', { name: 'C', currency: 'XYZ', commission: { type: 'percent', rate: 10 } }, 400, 'invalid_request', 'currency'],
        ['currency as a number', { name: 'C', currency: 840, commission: { type: 'percent', rate: 10 } }, 400, 'invalid_request', 'currency'],
        ['unknown commission type', { name: 'C', currency: 'USD', commission: { type: 'cpa', rate: 10 } }, 400, 'invalid_request', 'commission'],
        ['negative rate', { name: 'C', currency: 'USD', commission: { type: 'percent', rate: -1 } }, 400, 'invalid_request', 'commission.rate'],
        ['rate with three decimals', { name: 'C', currency: 'USD', commission: { type: 'percent', rate: '10.125' } }, 400, 'invalid_request', 'commission.rate'],
        ['rate above 100', { name: 'C', currency: 'USD', commission: { type: 'percent', rate: 150 } }, 400, 'invalid_request', 'commission.rate'],
        ['zero rate', { name: 'C', currency: 'USD', commission: { type: 'percent', rate: 0 } }, 400, 'invalid_request', 'commission.rate'],
        ['flat amount over-precise for KWD', { name: 'C', currency: 'KWD', commission: { type: 'flat', amount: '0.0001' } }, 400, 'invalid_request', 'commission.amount'],
        ['tiers not starting at 1', { name: 'C', currency: 'USD', commission: { type: 'tiered', tiers: [{ from: 5, rate: 10 }] } }, 400, 'invalid_request', 'commission.tiers.0.from'],
        ['tiers out of order', { name: 'C', currency: 'USD', commission: { type: 'tiered', tiers: [{ from: 1, rate: 10 }, { from: 1, rate: 20 }] } }, 400, 'invalid_request', 'commission.tiers.1.from'],
        ['unknown field inside commission', { name: 'C', currency: 'USD', commission: { type: 'percent', rate: 10, cap: 5 } }, 400, 'invalid_request', 'commission.cap'],
        ['bad recurring', { name: 'C', currency: 'USD', commission: { type: 'percent', rate: 10 }, recurring: 'forever' }, 400, 'invalid_request', 'recurring'],
        ['cookie window of 0 days', { name: 'C', currency: 'USD', commission: { type: 'percent', rate: 10 }, cookieWindowDays: 0 }, 400, 'invalid_request', 'cookieWindowDays'],
        ['hold days as text', { name: 'C', currency: 'USD', commission: { type: 'percent', rate: 10 }, holdDays: '30' }, 400, 'invalid_request', 'holdDays'],
        ['an unknown field', { name: 'C', currency: 'USD', commission: { type: 'percent', rate: 10 }, merchantId: 'mer_x' }, 400, 'invalid_request', 'merchantId'],
      ],
    },
    'PATCH /api/v1/campaigns/:id': {
      method: 'patch', path: () => `/api/v1/campaigns/${campaignId}`, key: merchant, valid: () => ({ name: 'Renamed' }),
      cases: () => [
        ['a currency change', { currency: 'EUR' }, 400, 'invalid_request', 'currency'],
        ['negative hold days', { holdDays: -1 }, 400, 'invalid_request', 'holdDays'],
        ['an unknown field', { id: 'camp_other' }, 400, 'invalid_request', 'id'],
      ],
    },
    'POST /api/v1/affiliates': {
      method: 'post', path: () => '/api/v1/affiliates', key: merchant, valid: () => ({ name: 'A', email: 'a@example.com', campaignId }),
      cases: () => [
        ['missing email', { name: 'A', campaignId }, 400, 'invalid_request', 'email'],
        ['malformed email', { name: 'A', email: 'not-an-email', campaignId }, 400, 'invalid_request', 'email'],
        ['unknown status', { name: 'A', email: 'a@example.com', campaignId, status: 'vip' }, 400, 'invalid_request', 'status'],
        ['campaignId as a number', { name: 'A', email: 'a@example.com', campaignId: 7 }, 400, 'invalid_request', 'campaignId'],
        ['a foreign campaign', { name: 'A', email: 'a@example.com', campaignId: otherCampaignId }, 404, 'not_found', 'campaign'],
        ['a malformed campaign id', { name: 'A', email: 'a@example.com', campaignId: "camp_'; drop table campaign; --" }, 404, 'not_found', 'campaign'],
        ['an unknown field', { name: 'A', email: 'a@example.com', campaignId, balance: 100 }, 400, 'invalid_request', 'balance'],
      ],
    },
    'PATCH /api/v1/affiliates/:id': {
      method: 'patch', path: () => `/api/v1/affiliates/${affiliateId}`, key: merchant, valid: () => ({ name: 'Ada' }),
      cases: () => [
        ['status without campaign', { status: 'rejected' }, 400, 'invalid_request', 'status'],
        ['an email change', { email: 'new@example.com' }, 400, 'invalid_request', 'email'],
        ['nothing to change', {}, 400, 'invalid_request', 'body'],
        ['a foreign campaign', { campaignId: otherCampaignId, status: 'approved' }, 404, 'not_found', 'campaign'],
      ],
    },
    'POST /api/v1/links': {
      method: 'post', path: () => '/api/v1/links', key: merchant, valid: () => ({ campaignId, affiliateId, destinationUrl: 'https://shop.test/' }),
      cases: () => [
        ['a javascript: URL', { campaignId, affiliateId, destinationUrl: 'javascript:alert(1)' }, 400, 'invalid_request', 'destinationUrl'],
        ['a relative URL', { campaignId, affiliateId, destinationUrl: '/landing' }, 400, 'invalid_request', 'destinationUrl'],
        ['a code with spaces', { campaignId, affiliateId, destinationUrl: 'https://shop.test/', code: 'a b c' }, 400, 'invalid_request', 'code'],
        ['a foreign affiliate', { campaignId, affiliateId: otherAffiliateId, destinationUrl: 'https://shop.test/' }, 404, 'not_found', 'affiliate'],
        ['an affiliate not in the campaign', { campaignId: jpyCampaignId, affiliateId: 'aff_missing', destinationUrl: 'https://shop.test/' }, 404, 'not_found', 'affiliate'],
      ],
    },
    'POST /api/v1/clicks': {
      method: 'post', path: () => '/api/v1/clicks', key: merchant, valid: () => ({ campaignId, affiliateId }),
      cases: () => [
        ['neither code nor ids', {}, 400, 'invalid_request', 'code'],
        ['both code and ids', { code: 'abc', campaignId, affiliateId }, 400, 'invalid_request', 'code'],
        ['a campaign without affiliate', { campaignId }, 400, 'invalid_request', 'affiliateId'],
        ['four sub ids', { campaignId, affiliateId, subIds: ['a', 'b', 'c', 'd'] }, 400, 'invalid_request', 'subIds'],
        ['a visitor id with markup', { campaignId, affiliateId, visitorId: '<script>' }, 400, 'invalid_request', 'visitorId'],
        ['an unknown link code', { code: 'nope-nope' }, 404, 'not_found', 'link'],
      ],
    },
    'POST /api/v1/conversions': {
      method: 'post', path: () => '/api/v1/conversions', key: merchant, valid: () => ({ campaignId, affiliateId, amount: 10, orderId: 'fresh-order' }),
      cases: () => [
        ['missing orderId', { campaignId, affiliateId, amount: 10 }, 400, 'invalid_request', 'orderId'],
        ['missing amount', { campaignId, affiliateId, orderId: 'o-1' }, 400, 'invalid_request', 'amount'],
        ['no attribution at all', { campaignId, amount: 10, orderId: 'o-1' }, 400, 'invalid_request', 'affiliateId'],
        ['a negative amount', { campaignId, affiliateId, amount: -10, orderId: 'o-1' }, 400, 'invalid_request', 'amount'],
        ['a negative amount as text', { campaignId, affiliateId, amount: '-0.01', orderId: 'o-1' }, 400, 'invalid_request', 'amount'],
        ['three decimals in USD', { campaignId, affiliateId, amount: '9.999', orderId: 'o-1' }, 400, 'invalid_request', 'amount'],
        ['decimals in JPY', { campaignId: jpyCampaignId, affiliateId, amount: '1.5', orderId: 'o-1' }, 400, 'invalid_request', 'amount'],
        ['four decimals in KWD', { campaignId, affiliateId, amount: '1.0005', currency: 'kwd', orderId: 'o-1' }, 400, 'invalid_request', 'amount'],
        ['an amount in words', { campaignId, affiliateId, amount: 'ten', orderId: 'o-1' }, 400, 'invalid_request', 'amount'],
        ['an amount as a boolean', { campaignId, affiliateId, amount: true, orderId: 'o-1' }, 400, 'invalid_request', 'amount'],
        ['an unknown currency', { campaignId, affiliateId, amount: 10, currency: 'BTC', orderId: 'o-1' }, 400, 'invalid_request', 'currency'],
        ['an unknown event type', { campaignId, affiliateId, amount: 10, orderId: 'o-1', eventType: 'purchase' }, 400, 'invalid_request', 'eventType'],
        ['metadata as a list', { campaignId, affiliateId, amount: 10, orderId: 'o-1', metadata: ['a'] }, 400, 'invalid_request', 'metadata'],
        ['an order id of 300 characters', { campaignId, affiliateId, amount: 10, orderId: 'x'.repeat(300) }, 400, 'invalid_request', 'orderId'],
        ['a mass-assigned commission', { campaignId, affiliateId, amount: 10, orderId: 'o-1', commission: 1000 }, 400, 'invalid_request', 'commission'],
        ['a mass-assigned status', { campaignId, affiliateId, amount: 10, orderId: 'o-1', status: 'paid' }, 400, 'invalid_request', 'status'],
        ['a foreign campaign', { campaignId: otherCampaignId, affiliateId, amount: 10, orderId: 'o-1' }, 404, 'not_found', 'campaign'],
        ['a foreign affiliate', { campaignId, affiliateId: otherAffiliateId, amount: 10, orderId: 'o-1' }, 404, 'not_found', 'affiliate'],
        ['a malformed click id', { campaignId, clickId: '../../etc/passwd', amount: 10, orderId: 'o-1' }, 404, 'not_found', 'click'],
      ],
    },
    'PATCH /api/v1/conversions/:id': {
      method: 'patch', path: () => `/api/v1/conversions/${conversionId}`, key: merchant, valid: () => ({ status: 'approved' }),
      cases: () => [
        ['missing status', {}, 400, 'invalid_request', 'status'],
        ['status pending', { status: 'pending' }, 400, 'invalid_request', 'status'],
        ['status reversed', { status: 'reversed' }, 400, 'invalid_request', 'status'],
        ['a commission edit', { status: 'approved', commission: 0 }, 400, 'invalid_request', 'commission'],
        ['a note of 600 characters', { status: 'approved', note: 'n'.repeat(600) }, 400, 'invalid_request', 'note'],
      ],
    },
  };

  async function send(endpoint: Endpoint, body: unknown, contentType = 'application/json', raw?: string) {
    const request = endpoint.method === 'get' ? hub.http.get(endpoint.path()) : hub.http[endpoint.method](endpoint.path());
    request.set('Authorization', `Bearer ${endpoint.key()}`);
    if (raw !== undefined) return request.set('Content-Type', contentType).send(raw);
    return request.set('Content-Type', contentType).send(JSON.stringify(body));
  }

  function expectRefused(response: { status: number; body: { error?: { code: string; message: string; details?: { field: string; message: string }[] } } }, status: number, code: string, field: string) {
    expect(response.status).toBe(status);
    expect(response.body.error?.code).toBe(code);
    expect(response.body.error?.message.length).toBeGreaterThan(5);
    const named = [response.body.error?.message ?? '', ...(response.body.error?.details ?? []).map((detail) => `${detail.field}: ${detail.message}`)].join(' | ');
    expect(named).toContain(field);
  }

  for (const [name, endpoint] of Object.entries(endpoints)) {
    describe(name, () => {
      it('accepts the valid body this table varies (so each refusal below is about its one change)', async () => {
        const response = await send(endpoint, endpoint.valid());
        expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);
      });

      it('refuses every bad body and changes nothing', async () => {
        for (const [label, body, status, code, field] of endpoint.cases()) {
          const before = await snapshotDatabase(hub.services.db);
          const response = await send(endpoint, body);
          try {
            expectRefused(response, status, code, field);
          } catch (error) {
            throw new Error(`${name} with ${label}: ${(error as Error).message}\n${JSON.stringify(response.body)}`, { cause: error });
          }
          expect(await snapshotDatabase(hub.services.db), `${name} with ${label} changed the database`).toEqual(before);
        }
      });

      it('refuses malformed JSON, a JSON array, a wrong content type and a body over 1 MiB', async () => {
        const before = await snapshotDatabase(hub.services.db);
        expectRefused(await send(endpoint, null, 'application/json', '{"name": '), 400, 'invalid_request', 'JSON');
        expectRefused(await send(endpoint, ['not', 'an', 'object']), 400, 'invalid_request', 'body');
        expectRefused(await send(endpoint, null, 'text/plain', 'name=x'), 415, 'unsupported_media_type', 'Content-Type');
        expectRefused(await send(endpoint, null, 'application/x-www-form-urlencoded', 'name=x'), 415, 'unsupported_media_type', 'application/json');
        expectRefused(await send(endpoint, { ...endpoint.valid(), padding: 'x'.repeat(1024 * 1024 + 10) }), 413, 'payload_too_large', '1 MiB');
        expect(await snapshotDatabase(hub.services.db)).toEqual(before);
      });
    });
  }

  describe('the NUL character, which PostgreSQL cannot store', () => {
    const nulCases: [string, () => Promise<{ status: number; body: { error?: { code: string; message: string; details?: { field: string; message: string }[] } } }>, string][] = [
      ['an order id in a body', () => apiClient(hub, writeKey).post('/api/v1/conversions', { campaignId, affiliateId, amount: 1, orderId: 'a\u0000b' }), 'orderId'],
      ['a value deep in metadata', () => apiClient(hub, writeKey).post('/api/v1/conversions', { campaignId, affiliateId, amount: 1, orderId: 'nul-meta', metadata: { plan: { tier: 'x\u0000' } } }), 'metadata.plan.tier'],
      ['a metadata key', () => apiClient(hub, writeKey).post('/api/v1/conversions', { campaignId, affiliateId, amount: 1, orderId: 'nul-key', metadata: { 'a\u0000': 1 } }), 'metadata.a'],
      ['a campaign name', () => apiClient(hub, writeKey).post('/api/v1/campaigns', { name: 'Spring\u0000', currency: 'KWD', commission: { type: 'percent', rate: 5 } }), 'name'],
      ['a click sub id', () => apiClient(hub, writeKey).post('/api/v1/clicks', { campaignId, affiliateId, subIds: ['\u0000'] }), 'subIds.0'],
      ['an id in the path', () => apiClient(hub, writeKey).get('/api/v1/conversions/conv_%00x'), 'path'],
      ['a postback order id in the query', () => hub.http.get(`/api/postback/${jpyCampaignId}`).query({ api_key: writeKey, order_id: 'p\u0000', amount: 100, click_id: 'clk_x' }), 'order_id'],
      ['a link code', () => hub.http.get('/r/%00'), 'path'],
      ['an admin path id', () => hub.http.delete('/admin/v1/api-keys/%00').set('Authorization', `Bearer ${ADMIN_TOKEN}`), 'path'],
    ];
    it.each(nulCases)('in %s is a 400 naming where it was, and changes nothing', async (_label, request, field) => {
      const before = await snapshotDatabase(hub.services.db);
      const response = await request();
      expectRefused(response, 400, 'invalid_request', field);
      expect(response.body.error?.message).toContain('NUL character');
      expect(await snapshotDatabase(hub.services.db)).toEqual(before);
    });
  });

  describe('list query parameters', () => {
    it.each([
      ['/api/v1/conversions?perPage=501', 'perPage'],
      ['/api/v1/conversions?page=0', 'page'],
      ['/api/v1/conversions?page=two', 'page'],
      ['/api/v1/conversions?status=lost', 'status'],
      ['/api/v1/conversions?source=paypal', 'source'],
      ['/api/v1/conversions?dateFrom=yesterday', 'dateFrom'],
      ['/api/v1/conversions?dateTo=2026-13-45', 'dateTo'],
      ['/api/v1/conversions?campaign_id=camp_x', 'campaign_id'],
      ['/api/v1/conversions?status=pending&status=approved', 'status'],
      ['/api/v1/campaigns?sort=name', 'sort'],
      ['/api/v1/affiliates?perPage=-1', 'perPage'],
      ['/api/v1/links?page=1.5', 'page'],
      ['/api/v1/clicks?visitorId=%3Cx%3E', 'visitorId'],
    ])('%s is refused naming %s', async (path, field) => {
      const response = await apiClient(hub, writeKey).get(path);
      expectRefused(response, 400, 'invalid_request', field);
    });
  });
});
