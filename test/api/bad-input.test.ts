/**
 * Bad input, endpoint by endpoint: every request below must get the right 4xx, an error code, a
 * message that names what is wrong, and leave the database exactly as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotDatabase } from '../helpers/database-snapshot.js';
import { sendStripeEvent, STRIPE_SECRET, stripeFixture } from '../helpers/stripe.js';
import { ADMIN_TOKEN, apiClient, createCampaignWithAffiliate, createMerchant, createTestHub, type TestHub } from '../helpers/test-hub.js';

type Body = Record<string, unknown>;
/** [label, body, status, error code, the field the details (or message) must name, the path if not the endpoint's] */
type BadCase = [string, unknown, number, string, string, string?];

interface Endpoint {
  method: 'post' | 'patch' | 'get';
  path: () => string;
  key: () => string;
  valid: () => Body;
  cases: () => BadCase[];
  /** Takes `application/x-www-form-urlencoded` as well as JSON (the postback). */
  acceptsForm?: boolean;
}

type Refusal = { status: number; body: { error?: { code: string; message: string; details?: { field: string; message: string }[] } } };

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
  let clickId: string;
  let jpyClickId: string;
  let otherClickId: string;
  let connectionId: string;
  let webhookEndpointId: string;
  let otherEventId: string;

  beforeAll(async () => {
    hub = await createTestHub();
    const merchant = await createMerchant(hub);
    ({ writeKey, id: merchantId } = merchant);
    ({ campaignId, affiliateId } = await createCampaignWithAffiliate(hub, merchant));
    jpyCampaignId = (await apiClient(hub, writeKey).post('/api/v1/campaigns', { name: 'Yen', currency: 'JPY', commission: { type: 'percent', rate: 10 } }).expect(201)).body.data.id as string;
    await apiClient(hub, writeKey).patch(`/api/v1/affiliates/${affiliateId}`, { campaignId: jpyCampaignId, status: 'approved' }).expect(200);
    conversionId = (await apiClient(hub, writeKey).post('/api/v1/conversions', { campaignId, affiliateId, amount: 10, orderId: 'existing' }).expect(201)).body.data.id as string;
    clickId = (await apiClient(hub, writeKey).post('/api/v1/clicks', { campaignId, affiliateId }).expect(201)).body.data.clickId as string;
    jpyClickId = (await apiClient(hub, writeKey).post('/api/v1/clicks', { campaignId: jpyCampaignId, affiliateId }).expect(201)).body.data.clickId as string;
    connectionId = (await apiClient(hub, writeKey).post('/api/v1/connections', { provider: 'stripe', campaignId, secrets: [STRIPE_SECRET] }).expect(201)).body.data.id as string;
    // Subscribed to reversals only, which nothing here causes: no delivery ever leaves for this public address.
    webhookEndpointId = (await apiClient(hub, writeKey).post('/api/v1/webhook-endpoints', { url: 'https://93.184.216.34/hooks', events: ['conversion.reversed'] }).expect(201)).body.data.id as string;
    const other = await createMerchant(hub);
    ({ campaignId: otherCampaignId, affiliateId: otherAffiliateId } = await createCampaignWithAffiliate(hub, other));
    otherClickId = (await apiClient(hub, other.writeKey).post('/api/v1/clicks', { campaignId: otherCampaignId, affiliateId: otherAffiliateId }).expect(201)).body.data.clickId as string;
    const otherConnectionId = (await apiClient(hub, other.writeKey).post('/api/v1/connections', { provider: 'stripe', campaignId: otherCampaignId, secrets: [STRIPE_SECRET] }).expect(201)).body.data.id as string;
    otherEventId = (await sendStripeEvent(hub, otherConnectionId, stripeFixture('customer.subscription.deleted.1')).expect(200)).body.eventId as string;
    // The other merchant's event is processed (ignored) before any test takes a snapshot.
    await hub.services.processor.drain();
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
        ['an unknown field', { name: 'Ada', balance: 100 }, 400, 'invalid_request', 'balance'],
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
        ['missing campaignId', { affiliateId, destinationUrl: 'https://shop.test/' }, 400, 'invalid_request', 'campaignId'],
        ['missing affiliateId', { campaignId, destinationUrl: 'https://shop.test/' }, 400, 'invalid_request', 'affiliateId'],
        ['missing destinationUrl', { campaignId, affiliateId }, 400, 'invalid_request', 'destinationUrl'],
        ['campaignId as a number', { campaignId: 7, affiliateId, destinationUrl: 'https://shop.test/' }, 400, 'invalid_request', 'campaignId'],
        ['affiliateId as a list', { campaignId, affiliateId: [affiliateId], destinationUrl: 'https://shop.test/' }, 400, 'invalid_request', 'affiliateId'],
        ['destinationUrl as an object', { campaignId, affiliateId, destinationUrl: { href: 'https://shop.test/' } }, 400, 'invalid_request', 'destinationUrl'],
        ['code as a number', { campaignId, affiliateId, destinationUrl: 'https://shop.test/', code: 12345 }, 400, 'invalid_request', 'code'],
        ['a foreign campaign', { campaignId: otherCampaignId, affiliateId, destinationUrl: 'https://shop.test/' }, 404, 'not_found', 'campaign'],
        ['an unknown field', { campaignId, affiliateId, destinationUrl: 'https://shop.test/', merchantId }, 400, 'invalid_request', 'merchantId'],
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
        ['an unknown field', { campaignId, affiliateId, ipAddress: '203.0.113.7' }, 400, 'invalid_request', 'ipAddress'],
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
    'POST /api/postback/:campaignId': {
      method: 'post', path: () => `/api/postback/${campaignId}`, key: merchant, acceptsForm: true,
      valid: () => ({ order_id: 'pb-valid', amount: '19.99', click_id: clickId }),
      cases: () => {
        const postback = (changes: Body) => ({ order_id: 'pb-bad', amount: '19.99', click_id: clickId, ...changes });
        return [
          ['missing order_id', { amount: '19.99', click_id: clickId }, 400, 'invalid_request', 'order_id'],
          ['missing amount', { order_id: 'pb-bad', click_id: clickId }, 400, 'invalid_request', 'amount'],
          ['neither click_id nor visitor_id', { order_id: 'pb-bad', amount: '19.99' }, 400, 'invalid_request', 'click_id'],
          ['order_id as a number', postback({ order_id: 42 }), 400, 'invalid_request', 'order_id'],
          ['a blank order_id', postback({ order_id: '   ' }), 400, 'invalid_request', 'order_id'],
          ['an amount as a boolean', postback({ amount: true }), 400, 'invalid_request', 'amount'],
          ['an amount in words', postback({ amount: 'ten' }), 400, 'invalid_request', 'amount'],
          ['a negative amount', postback({ amount: -5 }), 400, 'invalid_request', 'amount'],
          ['a negative amount as text', postback({ amount: '-0.01' }), 400, 'invalid_request', 'amount'],
          ['three decimals in USD', postback({ amount: '9.999' }), 400, 'invalid_request', 'amount'],
          ['decimals for a JPY campaign', postback({ amount: 1.5, click_id: jpyClickId }), 400, 'invalid_request', 'amount', `/api/postback/${jpyCampaignId}`],
          ['four decimals in KWD', postback({ amount: '1.0001', currency: 'KWD' }), 400, 'invalid_request', 'amount'],
          ['an unknown currency', postback({ currency: 'XYZ' }), 400, 'invalid_request', 'currency'],
          ['a currency as a number', postback({ currency: 840 }), 400, 'invalid_request', 'currency'],
          ['click_id as a number', postback({ click_id: 12 }), 400, 'invalid_request', 'click_id'],
          ['a visitor id with markup', { order_id: 'pb-bad', amount: '19.99', visitor_id: '<script>' }, 400, 'invalid_request', 'visitor_id'],
          ['a sub_id of 300 characters', postback({ sub_id: 's'.repeat(300) }), 400, 'invalid_request', 'sub_id'],
          ['an unknown field', postback({ affiliate_id: affiliateId }), 400, 'invalid_request', 'affiliate_id'],
          ['a camelCase orderId', { orderId: 'pb-bad', amount: '19.99', click_id: clickId }, 400, 'invalid_request', 'orderId'],
          ['a mass-assigned status', postback({ status: 'approved' }), 400, 'invalid_request', 'status'],
          ['a mass-assigned commission', postback({ commission: 1000 }), 400, 'invalid_request', 'commission'],
          ['an unknown click', postback({ click_id: 'clk_missing' }), 404, 'not_found', 'click'],
          ["another merchant's click", postback({ click_id: otherClickId }), 404, 'not_found', 'click'],
          ["another campaign's click", postback({ click_id: jpyClickId }), 400, 'invalid_request', 'click_id'],
          ["another merchant's campaign", postback({}), 404, 'not_found', 'campaign', `/api/postback/${otherCampaignId}`],
          ['a malformed campaign id', postback({}), 404, 'not_found', 'campaign', `/api/postback/${encodeURIComponent("camp_'; drop table conversion; --")}`],
          ['a campaign id of 300 characters', postback({}), 404, 'not_found', 'campaign', `/api/postback/camp_${'x'.repeat(300)}`],
          ['query and body disagreeing', postback({}), 400, 'invalid_request', 'order_id', `/api/postback/${campaignId}?order_id=pb-other`],
        ];
      },
    },
    'POST /api/v1/connections': {
      method: 'post', path: () => '/api/v1/connections', key: merchant, valid: () => ({ provider: 'stripe', campaignId, secrets: ['whsec_valid_1'] }),
      cases: () => [
        ['missing provider', { campaignId, secrets: ['whsec_1'] }, 400, 'invalid_request', 'provider'],
        ['an unknown provider', { provider: 'paypal', campaignId, secrets: ['whsec_1'] }, 400, 'invalid_request', 'provider'],
        ['provider as a number', { provider: 1, campaignId, secrets: ['whsec_1'] }, 400, 'invalid_request', 'provider'],
        ['missing campaignId', { provider: 'stripe', secrets: ['whsec_1'] }, 400, 'invalid_request', 'campaignId'],
        ['campaignId as a number', { provider: 'stripe', campaignId: 7, secrets: ['whsec_1'] }, 400, 'invalid_request', 'campaignId'],
        ['a foreign campaign', { provider: 'stripe', campaignId: otherCampaignId, secrets: ['whsec_1'] }, 404, 'not_found', 'campaign'],
        ['a malformed campaign id', { provider: 'stripe', campaignId: "camp_'; drop table connection; --", secrets: ['whsec_1'] }, 404, 'not_found', 'campaign'],
        ['no secrets for a signing processor', { provider: 'stripe', campaignId }, 400, 'invalid_request', 'secrets'],
        ['secrets as a string', { provider: 'stripe', campaignId, secrets: 'whsec_1' }, 400, 'invalid_request', 'secrets'],
        ['a secret as a number', { provider: 'stripe', campaignId, secrets: [42] }, 400, 'invalid_request', 'secrets.0'],
        ['an empty secret list', { provider: 'stripe', campaignId, secrets: [] }, 400, 'invalid_request', 'secrets'],
        ['eleven secrets', { provider: 'stripe', campaignId, secrets: Array.from({ length: 11 }, (_, index) => `whsec_${index}`) }, 400, 'invalid_request', 'secrets'],
        ['secrets for a processor that takes none', { provider: 'gumroad', campaignId, secrets: ['token'] }, 400, 'invalid_request', 'secrets'],
        ['an unknown mode', { provider: 'stripe', campaignId, secrets: ['whsec_1'], mode: 'sandbox' }, 400, 'invalid_request', 'mode'],
        ['options as a list', { provider: 'stripe', campaignId, secrets: ['whsec_1'], options: ['apiKey'] }, 400, 'invalid_request', 'options'],
        ['an unknown option', { provider: 'stripe', campaignId, secrets: ['whsec_1'], options: { webhookSecret: 'x' } }, 400, 'invalid_request', 'options.webhookSecret'],
        ['an unknown field', { provider: 'stripe', campaignId, secrets: ['whsec_1'], webhookUrl: 'https://evil.test/' }, 400, 'invalid_request', 'webhookUrl'],
        ['a mass-assigned id', { provider: 'stripe', campaignId, secrets: ['whsec_1'], id: 'con_mine' }, 400, 'invalid_request', 'id'],
      ],
    },
    'PATCH /api/v1/connections/:id': {
      method: 'patch', path: () => `/api/v1/connections/${connectionId}`, key: merchant, valid: () => ({ mode: 'test' }),
      cases: () => [
        ['an unknown mode', { mode: 'sandbox' }, 400, 'invalid_request', 'mode'],
        ['a provider change', { provider: 'paddle' }, 400, 'invalid_request', 'provider'],
        ['secrets as a string', { secrets: 'whsec_2' }, 400, 'invalid_request', 'secrets'],
        ['an empty secret list', { secrets: [] }, 400, 'invalid_request', 'secrets'],
        ['a blank secret', { secrets: ['  '] }, 400, 'invalid_request', 'secrets.0'],
        ['campaignId as a number', { campaignId: 7 }, 400, 'invalid_request', 'campaignId'],
        ['a foreign campaign', { campaignId: otherCampaignId }, 404, 'not_found', 'campaign'],
        ['options as a string', { options: 'apiKey=x' }, 400, 'invalid_request', 'options'],
        ['an unknown field', { mode: 'test', deletedAt: null }, 400, 'invalid_request', 'deletedAt'],
        ['an unknown connection id', { mode: 'test' }, 404, 'not_found', 'connection', '/api/v1/connections/con_missing'],
        ['a malformed connection id', { mode: 'test' }, 404, 'not_found', 'connection', `/api/v1/connections/${encodeURIComponent('not a connection')}`],
      ],
    },
    'POST /api/v1/webhook-endpoints': {
      method: 'post', path: () => '/api/v1/webhook-endpoints', key: merchant,
      // Reversals only, which nothing in this file causes: no delivery is ever attempted.
      valid: () => ({ url: 'https://93.184.216.34/hooks', events: ['conversion.reversed'] }),
      cases: () => [
        ['missing url', { events: ['conversion.reversed'] }, 400, 'invalid_request', 'url'],
        ['url as a number', { url: 42, events: ['conversion.reversed'] }, 400, 'invalid_request', 'url'],
        ['an ftp url', { url: 'ftp://93.184.216.34/hooks', events: ['conversion.reversed'] }, 400, 'invalid_request', 'url'],
        ['a javascript: url', { url: 'javascript:alert(1)', events: ['conversion.reversed'] }, 400, 'invalid_request', 'url'],
        ['a relative url', { url: '/hooks', events: ['conversion.reversed'] }, 400, 'invalid_request', 'url'],
        ['a loopback address', { url: 'http://127.0.0.1:8080/hooks', events: ['conversion.reversed'] }, 400, 'invalid_request', 'url'],
        ['the cloud metadata address', { url: 'http://169.254.169.254/latest/meta-data', events: ['conversion.reversed'] }, 400, 'invalid_request', 'url'],
        ['missing events', { url: 'https://93.184.216.34/hooks' }, 400, 'invalid_request', 'events'],
        ['no events', { url: 'https://93.184.216.34/hooks', events: [] }, 400, 'invalid_request', 'events'],
        ['events as a string', { url: 'https://93.184.216.34/hooks', events: 'conversion.reversed' }, 400, 'invalid_request', 'events'],
        ['an unknown event type', { url: 'https://93.184.216.34/hooks', events: ['conversion.deleted'] }, 400, 'invalid_request', 'events.0'],
        ['an unknown field', { url: 'https://93.184.216.34/hooks', events: ['conversion.reversed'], secret: 'whsec_mine' }, 400, 'invalid_request', 'secret'],
        ['a status on create', { url: 'https://93.184.216.34/hooks', events: ['conversion.reversed'], status: 'disabled' }, 400, 'invalid_request', 'status'],
      ],
    },
    'PATCH /api/v1/webhook-endpoints/:id': {
      method: 'patch', path: () => `/api/v1/webhook-endpoints/${webhookEndpointId}`, key: merchant, valid: () => ({ url: 'https://93.184.216.35/hooks' }),
      cases: () => [
        ['an ftp url', { url: 'ftp://93.184.216.34/hooks' }, 400, 'invalid_request', 'url'],
        ['a private address', { url: 'http://10.0.0.5/hooks' }, 400, 'invalid_request', 'url'],
        ['url as null', { url: null }, 400, 'invalid_request', 'url'],
        ['an unknown event type', { events: ['conversion.deleted'] }, 400, 'invalid_request', 'events.0'],
        ['no events', { events: [] }, 400, 'invalid_request', 'events'],
        ['an unknown status', { status: 'paused' }, 400, 'invalid_request', 'status'],
        ['an unknown field', { url: 'https://93.184.216.35/hooks', secret: 'whsec_mine' }, 400, 'invalid_request', 'secret'],
        ['an unknown endpoint id', { url: 'https://93.184.216.35/hooks' }, 404, 'not_found', 'webhook endpoint', '/api/v1/webhook-endpoints/we_missing'],
      ],
    },
  };

  async function send(endpoint: Endpoint, body: unknown, contentType = 'application/json', raw?: string, path = endpoint.path()) {
    const request = endpoint.method === 'get' ? hub.http.get(path) : hub.http[endpoint.method](path);
    request.set('Authorization', `Bearer ${endpoint.key()}`);
    if (raw !== undefined) return request.set('Content-Type', contentType).send(raw);
    return request.set('Content-Type', contentType).send(JSON.stringify(body));
  }

  function expectRefused(response: Refusal, status: number, code: string, field: string) {
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
        for (const [label, body, status, code, field, path] of endpoint.cases()) {
          const before = await snapshotDatabase(hub.services.db);
          const response = await send(endpoint, body, 'application/json', undefined, path);
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
        if (endpoint.acceptsForm) {
          // A form is welcome here, so it is judged by its fields (an unknown one), and a huge one is still a 413.
          expectRefused(await send(endpoint, null, 'text/xml', '<name>x</name>'), 415, 'unsupported_media_type', 'application/x-www-form-urlencoded');
          expectRefused(await send(endpoint, null, 'application/x-www-form-urlencoded', 'name=x'), 400, 'invalid_request', 'name');
          expectRefused(await send(endpoint, null, 'application/x-www-form-urlencoded', `name=${'x'.repeat(1024 * 1024 + 10)}`), 413, 'payload_too_large', '1 MiB');
        } else {
          expectRefused(await send(endpoint, null, 'application/x-www-form-urlencoded', 'name=x'), 415, 'unsupported_media_type', 'application/json');
        }
        expectRefused(await send(endpoint, { ...endpoint.valid(), padding: 'x'.repeat(1024 * 1024 + 10) }), 413, 'payload_too_large', '1 MiB');
        expect(await snapshotDatabase(hub.services.db)).toEqual(before);
      });
    });
  }

  describe('a known order id does not excuse a request that could never be valid', () => {
    it('refuses another merchant\'s campaign and a malformed amount before answering "already recorded"', async () => {
      const before = await snapshotDatabase(hub.services.db);
      const api = apiClient(hub, writeKey);
      expectRefused(await api.post('/api/v1/conversions', { campaignId: otherCampaignId, affiliateId, amount: 10, orderId: 'existing' }), 404, 'not_found', 'campaign');
      expectRefused(await api.post('/api/v1/conversions', { campaignId: jpyCampaignId, affiliateId, amount: '10.5', orderId: 'existing' }), 400, 'invalid_request', 'amount');
      expectRefused(await hub.http.get(`/api/postback/${otherCampaignId}`).query({ api_key: writeKey, order_id: 'existing', amount: 10, click_id: 'clk_x' }), 404, 'not_found', 'campaign');
      expectRefused(await hub.http.get(`/api/postback/${campaignId}`).query({ api_key: writeKey, order_id: 'existing', amount: '-5', click_id: 'clk_x' }), 400, 'invalid_request', 'amount');
      // The same request again is a retry, and is told so.
      const retry = await api.post('/api/v1/conversions', { campaignId, affiliateId, amount: 10, orderId: 'existing' });
      expect(retry.status).toBe(409);
      expect(retry.body.error).toMatchObject({ code: 'duplicate', conversionId });
      expect(await snapshotDatabase(hub.services.db)).toEqual(before);
    });
  });

  describe('the NUL character, which PostgreSQL cannot store', () => {
    const nulCases: [string, () => Promise<Refusal>, string][] = [
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

  describe('the postback by GET with query parameters, and by form', () => {
    /** The valid parameters with `changes` applied; an undefined change removes the parameter. */
    function postbackParameters(changes: Record<string, string | undefined> = {}): Record<string, string> {
      const merged: Record<string, string | undefined> = { order_id: 'pbq-bad', amount: '19.99', click_id: clickId, ...changes };
      return Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined));
    }
    const getPostback = (changes: Record<string, string | undefined>, path = `/api/postback/${campaignId}`) =>
      hub.http.get(path).query({ api_key: writeKey, ...postbackParameters(changes) });
    const formPostback = (changes: Record<string, string | undefined>, path = `/api/postback/${campaignId}`) =>
      hub.http.post(path).set('Authorization', `Bearer ${writeKey}`).set('Content-Type', 'application/x-www-form-urlencoded')
        .send(new URLSearchParams(postbackParameters(changes)).toString());

    it('accepts the valid query and the valid form these cases vary', async () => {
      const byQuery = await getPostback({ order_id: 'pbq-valid' });
      expect(byQuery.status, JSON.stringify(byQuery.body)).toBe(200);
      expect(byQuery.body).toMatchObject({ success: true, conversion_id: expect.stringMatching(/^conv_/) });
      const byForm = await formPostback({ order_id: 'pbf-valid' });
      expect(byForm.status, JSON.stringify(byForm.body)).toBe(200);
      expect(byForm.body).toMatchObject({ success: true, conversion_id: expect.stringMatching(/^conv_/) });
    });

    const cases: [string, () => ReturnType<typeof getPostback>, number, string, string][] = [
      ['GET without order_id', () => getPostback({ order_id: undefined }), 400, 'invalid_request', 'order_id'],
      ['GET without amount', () => getPostback({ amount: undefined }), 400, 'invalid_request', 'amount'],
      ['GET without click_id or visitor_id', () => getPostback({ click_id: undefined }), 400, 'invalid_request', 'click_id'],
      ['GET with a negative amount', () => getPostback({ amount: '-5' }), 400, 'invalid_request', 'amount'],
      ['GET with an amount in words', () => getPostback({ amount: 'ten' }), 400, 'invalid_request', 'amount'],
      ['GET with decimals for a JPY campaign', () => getPostback({ amount: '1.5', click_id: jpyClickId }, `/api/postback/${jpyCampaignId}`), 400, 'invalid_request', 'amount'],
      ['GET with four decimals in KWD', () => getPostback({ amount: '1.0001', currency: 'KWD' }), 400, 'invalid_request', 'amount'],
      ['GET with an unknown currency', () => getPostback({ currency: 'XYZ' }), 400, 'invalid_request', 'currency'],
      ['GET with an unknown parameter', () => getPostback({ affiliate_id: affiliateId }), 400, 'invalid_request', 'affiliate_id'],
      ['GET with order_id given twice', () => getPostback({}, `/api/postback/${campaignId}?order_id=pbq-other`), 400, 'invalid_request', 'order_id'],
      ['GET with amount given twice', () => getPostback({}, `/api/postback/${campaignId}?amount=5`), 400, 'invalid_request', 'amount'],
      ['GET with an unknown click', () => getPostback({ click_id: 'clk_missing' }), 404, 'not_found', 'click'],
      ["GET to another merchant's campaign", () => getPostback({}, `/api/postback/${otherCampaignId}`), 404, 'not_found', 'campaign'],
      ['GET to a malformed campaign id', () => getPostback({}, '/api/postback/..%2F..%2Fadmin'), 404, 'not_found', 'campaign'],
      ['a form with a negative amount', () => formPostback({ amount: '-19.99' }), 400, 'invalid_request', 'amount'],
      ['a form with decimals for a JPY campaign', () => formPostback({ amount: '1.5', click_id: jpyClickId }, `/api/postback/${jpyCampaignId}`), 400, 'invalid_request', 'amount'],
      ['a form with an unknown currency', () => formPostback({ currency: 'ABC' }), 400, 'invalid_request', 'currency'],
      ['a form with an unknown field', () => formPostback({ status: 'approved' }), 400, 'invalid_request', 'status'],
      ['a form disagreeing with the query', () => formPostback({}, `/api/postback/${campaignId}?amount=5`), 400, 'invalid_request', 'amount'],
      ["a form to another merchant's campaign", () => formPostback({}, `/api/postback/${otherCampaignId}`), 404, 'not_found', 'campaign'],
    ];
    it.each(cases)('%s is refused and changes nothing', async (_label, request, status, code, field) => {
      const before = await snapshotDatabase(hub.services.db);
      const response = await request();
      expectRefused(response, status, code, field);
      expect(await snapshotDatabase(hub.services.db)).toEqual(before);
    });
  });

  describe('malformed, unknown and foreign ids in the path of bodiless requests', () => {
    const admin = (path: string) => hub.http.delete(path).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    const replay = (eventId: () => string) => () => apiClient(hub, writeKey).post(`/api/v1/events/${encodeURIComponent(eventId())}/replay`);
    const cases: [string, () => Promise<Refusal>, string][] = [
      ['DELETE /admin/v1/api-keys/:id with an unknown id', () => admin('/admin/v1/api-keys/key_missing'), 'API key'],
      ['DELETE /admin/v1/api-keys/:id with a malformed id', () => admin(`/admin/v1/api-keys/${encodeURIComponent("key_' or '1'='1")}`), 'API key'],
      ['DELETE /admin/v1/api-keys/:id with an id of 300 characters', () => admin(`/admin/v1/api-keys/key_${'k'.repeat(300)}`), 'API key'],
      ['DELETE /admin/v1/api-keys/:id with a merchant id', () => admin(`/admin/v1/api-keys/${merchantId}`), 'API key'],
      ['POST /api/v1/events/:id/replay with an unknown id', replay(() => 'ev_missing'), 'event'],
      ['POST /api/v1/events/:id/replay with a malformed id', replay(() => "ev_' or '1'='1"), 'event'],
      ['POST /api/v1/events/:id/replay with an id of 300 characters', replay(() => `ev_${'e'.repeat(300)}`), 'event'],
      ["POST /api/v1/events/:id/replay with another merchant's event", replay(() => otherEventId), 'event'],
    ];
    it.each(cases)('%s is a 404 and changes nothing', async (_label, request, what) => {
      const before = await snapshotDatabase(hub.services.db);
      const response = await request();
      expectRefused(response, 404, 'not_found', what);
      expect(response.body.error?.message).toBe(`${what} not found`);
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
