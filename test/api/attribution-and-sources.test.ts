/**
 * Across sources and through HTTP only: an order id is unique per merchant whichever source saw it
 * first (SPEC §5), commission follows the campaign's `commissionBase` with exact minor-unit rounding in
 * 0-, 2- and 3-decimal currencies (SPEC §9), and a visitor id attributes to the visitor's most recent
 * click within the campaign's cookie window, and never to an older one (SPEC §8).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attributedStripeFixture,
  conversionsOf,
  deliverStripe,
  eventOf,
  sendStripeEvent,
  setStripeField,
  setUpStripeMerchant,
  stripeFixture,
  withStripeAttribution,
  type StripeFixture,
} from '../helpers/stripe.js';
import { snapshotDatabase } from '../helpers/database-snapshot.js';
import { apiClient, createCampaignWithAffiliate, createMerchant, createTestHub, type ApiClient, type TestHub } from '../helpers/test-hub.js';

const ORDER_ID = 'pi_3UaQ2m7HnQ2eLx4K5NJRWjM5';
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** The stored row, in the integer minor units the database keeps. */
async function storedMoney(hub: TestHub, conversionId: string) {
  const result = await sql<{ currency: string; amount: number; net_amount: number; tax_amount: number; shipping_amount: number; commission: number }>`
    select currency, amount, net_amount, tax_amount, shipping_amount, commission from conversion where id = ${conversionId}`.execute(hub.services.db);
  const row = result.rows[0];
  if (!row) throw new Error(`no conversion ${conversionId}`);
  // bigint columns may come back as strings from pg: compare as numbers, but insist they are whole.
  const whole = (value: unknown) => {
    const number = Number(value);
    expect(Number.isInteger(number), `${String(value)} is not an integer`).toBe(true);
    return number;
  };
  return {
    currency: row.currency, amount: whole(row.amount), net: whole(row.net_amount), tax: whole(row.tax_amount),
    shipping: whole(row.shipping_amount), commission: whole(row.commission),
  };
}

describe('an order id is unique per merchant across sources (SPEC §5)', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
  });
  afterAll(async () => hub.close());

  it('refuses an API conversion for an order a Stripe webhook recorded: 409 duplicate with the existing conversionId, nothing changes', async () => {
    const merchant = await setUpStripeMerchant(hub);
    await deliverStripe(hub, merchant, [attributedStripeFixture('payment_intent.succeeded.1', merchant)]);
    const [recorded, ...others] = await conversionsOf(merchant);
    expect(others).toEqual([]);
    expect(recorded).toMatchObject({ source: 'stripe', orderId: ORDER_ID, amount: 49.5 });

    const before = await snapshotDatabase(hub.services.db);
    // Everything but the order id differs: the order id alone decides.
    const response = await merchant.api.post('/api/v1/conversions', { campaignId: merchant.campaignId, affiliateId: merchant.affiliateId, amount: '10.00', orderId: ORDER_ID });
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: 'duplicate', conversionId: recorded?.id });
    expect(typeof response.body.error.message).toBe('string');
    expect(await snapshotDatabase(hub.services.db)).toEqual(before);

    // The postback, a third source, sees the same order as already recorded (SPEC §10).
    const postback = await hub.http.get(`/api/postback/${merchant.campaignId}`)
      .query({ api_key: merchant.writeKey, order_id: ORDER_ID, amount: '10.00', click_id: merchant.clickId });
    expect(postback.status).toBe(200);
    expect(postback.body).toMatchObject({ success: true, conversion_id: recorded?.id, duplicate: true });
    expect(await snapshotDatabase(hub.services.db)).toEqual(before);
  });

  it('records a Stripe sale of an order the API recorded first as nothing new: processed, traced, still one conversion', async () => {
    const merchant = await setUpStripeMerchant(hub);
    const created = (await merchant.api.post('/api/v1/conversions', { campaignId: merchant.campaignId, affiliateId: merchant.affiliateId, amount: '49.50', orderId: ORDER_ID }).expect(201)).body.data as { id: string };

    // The PaymentIntent, then the Checkout Session that itemises 4.50 of tax: neither changes what the merchant reported.
    const eventIds = await deliverStripe(hub, merchant, [attributedStripeFixture('payment_intent.succeeded.1', merchant), attributedStripeFixture('checkout.session.completed.1', merchant)]);
    for (const eventId of eventIds) {
      const event = await eventOf(merchant, eventId);
      expect(event).toMatchObject({ status: 'processed', conversionIds: [created.id] });
      expect(event.trace.join('\n')).toContain(`order ${ORDER_ID} is already recorded as ${created.id} (from api); nothing new`);
    }

    const conversions = await conversionsOf(merchant);
    expect(conversions).toHaveLength(1);
    // Still the API's conversion, its amounts and 20 % of 49.50, with its one ledger line.
    expect(conversions[0]).toMatchObject({ id: created.id, source: 'api', orderId: ORDER_ID, amount: 49.5, taxAmount: 0, commission: 9.9 });
    expect(conversions[0]?.adjustments.map((line) => [line.type, line.commissionDelta])).toEqual([['commission', 9.9]]);
  });

  it('keeps order ids per merchant: another merchant may record the same order id', async () => {
    const first = await setUpStripeMerchant(hub);
    const second = await setUpStripeMerchant(hub);
    await deliverStripe(hub, first, [attributedStripeFixture('payment_intent.succeeded.1', first)]);
    const response = await second.api.post('/api/v1/conversions', { campaignId: second.campaignId, affiliateId: second.affiliateId, amount: '49.50', orderId: ORDER_ID });
    expect(response.status).toBe(201);
    expect(response.body.data).toMatchObject({ orderId: ORDER_ID, source: 'api' });
  });
});

describe('commissionBase gross vs net (SPEC §9), exact minor units', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
  });
  afterAll(async () => hub.close());

  /** checkout.session.completed.1 re-itemised: a paid payment-mode session for the PaymentIntent, in minor units. */
  function session(merchant: Parameters<typeof attributedStripeFixture>[1], amounts: { currency: string; total: number; tax: number; shipping: number }): StripeFixture {
    const event = attributedStripeFixture('checkout.session.completed.1', merchant);
    setStripeField(event, 'data.object.currency', amounts.currency);
    setStripeField(event, 'data.object.amount_total', amounts.total);
    setStripeField(event, 'data.object.amount_subtotal', amounts.total - amounts.tax - amounts.shipping);
    setStripeField(event, 'data.object.total_details', { amount_discount: 0, amount_shipping: amounts.shipping, amount_tax: amounts.tax });
    return event;
  }

  // Hand-computed, half away from zero:
  //   USD 20 %:   gross 49.50 → 9.90;            net 49.50 − 4.50 − 3.00 = 42.00 → 8.40
  //   JPY 10 %:   gross ¥4995 → 499.5 → ¥500;    net 4995 − 450 − 500 = 4045 → 404.5 → ¥405
  //   KWD 10 %:   gross 12.345 → 1.2345 → 1.235; net 12.345 − 1.000 − 0.500 = 10.845 → 1.0845 → 1.085
  // (banker's rounding would give ¥404 and 1.234/1.084; truncation ¥499 and 1.234/1.084.)
  const cases = [
    { currency: 'USD', rate: 20, total: 4950, tax: 450, shipping: 300, gross: 990, net: 840, major: { amount: 49.5, tax: 4.5, shipping: 3, netAmount: 42, gross: 9.9, net: 8.4 } },
    { currency: 'JPY', rate: 10, total: 4995, tax: 450, shipping: 500, gross: 500, net: 405, major: { amount: 4995, tax: 450, shipping: 500, netAmount: 4045, gross: 500, net: 405 } },
    { currency: 'KWD', rate: 10, total: 12345, tax: 1000, shipping: 500, gross: 1235, net: 1085, major: { amount: 12.345, tax: 1, shipping: 0.5, netAmount: 10.845, gross: 1.235, net: 1.085 } },
  ];

  it.each(cases)('$currency: a Stripe Checkout sale earns $rate % of gross on a gross campaign and of net on a net campaign', async (example) => {
    for (const base of ['gross', 'net'] as const) {
      const merchant = await setUpStripeMerchant(hub, { currency: example.currency, commission: { type: 'percent', rate: example.rate }, commissionBase: base });
      const campaign = (await merchant.api.get(`/api/v1/campaigns/${merchant.campaignId}`).expect(200)).body.data as { commissionBase: string };
      expect(campaign.commissionBase).toBe(base);

      await deliverStripe(hub, merchant, [session(merchant, { currency: example.currency.toLowerCase(), total: example.total, tax: example.tax, shipping: example.shipping })]);
      const conversions = await conversionsOf(merchant);
      expect(conversions).toHaveLength(1);
      const conversion = conversions[0];
      const expectedMinor = base === 'gross' ? example.gross : example.net;
      expect(conversion).toMatchObject({
        currency: example.currency, amount: example.major.amount, taxAmount: example.major.tax, shippingAmount: example.major.shipping,
        netAmount: example.major.netAmount, commission: base === 'gross' ? example.major.gross : example.major.net,
      });
      expect(await storedMoney(hub, conversion?.id ?? '')).toEqual({
        currency: example.currency, amount: example.total, net: example.total - example.tax - example.shipping, tax: example.tax,
        shipping: example.shipping, commission: expectedMinor,
      });
    }
  });

  it('computes the same base either way for an API conversion, which carries no tax or shipping (JPY and KWD, half away from zero)', async () => {
    const merchant = await createMerchant(hub);
    const api = apiClient(hub, merchant.writeKey);
    const examples = [
      { currency: 'JPY', amount: '4995', commission: 500, minor: { amount: 4995, commission: 500 } },
      { currency: 'KWD', amount: '12.345', commission: 1.235, minor: { amount: 12345, commission: 1235 } },
    ];
    for (const example of examples) {
      for (const base of ['gross', 'net'] as const) {
        const { campaignId, affiliateId } = await createCampaignWithAffiliate(hub, merchant,
          { currency: example.currency, commission: { type: 'percent', rate: 10 }, commissionBase: base }, { email: `${base}-${example.currency}@affiliates.test` });
        const created = await api.post('/api/v1/conversions', { campaignId, affiliateId, amount: example.amount, orderId: `api-${example.currency}-${base}` }).expect(201);
        expect(created.body.data).toMatchObject({ currency: example.currency, taxAmount: 0, shippingAmount: 0, commission: example.commission });
        expect(await storedMoney(hub, created.body.data.id as string)).toMatchObject({ amount: example.minor.amount, net: example.minor.amount, commission: example.minor.commission });
      }
    }
  });
});

describe('visitor attribution (SPEC §8)', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
  });
  afterAll(async () => hub.close());

  /** A campaign with a 7-day cookie window and two approved affiliates in it. */
  async function campaignWithTwoAffiliates(api: ApiClient, campaignId: string, first: string) {
    const second = (await api.post('/api/v1/affiliates', { name: 'Bea Blogger', email: 'bea@affiliates.test', campaignId }).expect(201)).body.data as { id: string };
    return { first, second: second.id };
  }

  async function click(api: ApiClient, campaignId: string, affiliateId: string, visitorId: string): Promise<string> {
    const response = await api.post('/api/v1/clicks', { campaignId, affiliateId, visitorId }).expect(201);
    expect(response.body.data).toMatchObject({ visitorId, affiliateId, campaignId });
    return response.body.data.clickId as string;
  }

  it('gives an API conversion naming only the visitor to the affiliate of the most recent click, whichever affiliate that is', async () => {
    const merchant = await createMerchant(hub);
    const api = apiClient(hub, merchant.writeKey);
    const { campaignId, affiliateId } = await createCampaignWithAffiliate(hub, merchant, { cookieWindowDays: 7 });
    const affiliates = await campaignWithTwoAffiliates(api, campaignId, affiliateId);

    for (const [earlier, later, visitorId] of [[affiliates.first, affiliates.second, 'vis_order_ab'], [affiliates.second, affiliates.first, 'vis_order_ba']] as const) {
      await click(api, campaignId, earlier, visitorId);
      hub.clock.advance(2 * HOUR);
      const latest = await click(api, campaignId, later, visitorId);
      hub.clock.advance(HOUR);
      const created = await api.post('/api/v1/conversions', { campaignId, visitorId, amount: 20, orderId: `visitor-${visitorId}` }).expect(201);
      expect(created.body.data).toMatchObject({ affiliateId: later, clickId: latest, visitorId, campaignId, source: 'api' });
    }
  });

  it('does not attribute by a click older than the campaign cookie window, but does by one inside it', async () => {
    const merchant = await createMerchant(hub);
    const api = apiClient(hub, merchant.writeKey);
    const { campaignId, affiliateId } = await createCampaignWithAffiliate(hub, merchant, { cookieWindowDays: 7 });
    const campaign = (await api.get(`/api/v1/campaigns/${campaignId}`).expect(200)).body.data as { cookieWindowDays: number };
    expect(campaign.cookieWindowDays).toBe(7);

    const stale = await click(api, campaignId, affiliateId, 'vis_stale');
    hub.clock.advance(6 * DAY);
    const fresh = await click(api, campaignId, affiliateId, 'vis_fresh');
    hub.clock.advance(2 * DAY); // the stale click is 8 days old now, the fresh one 2 days

    const before = await snapshotDatabase(hub.services.db);
    const refused = await api.post('/api/v1/conversions', { campaignId, visitorId: 'vis_stale', amount: 20, orderId: 'stale-visitor' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('invalid_request');
    expect(refused.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'visitorId' })]));
    expect(JSON.stringify(refused.body)).not.toContain(stale);
    expect(await snapshotDatabase(hub.services.db)).toEqual(before);

    const created = await api.post('/api/v1/conversions', { campaignId, visitorId: 'vis_fresh', amount: 20, orderId: 'fresh-visitor' }).expect(201);
    expect(created.body.data).toMatchObject({ affiliateId, clickId: fresh, visitorId: 'vis_fresh' });
  });

  it('skips an out-of-window click for a newer one of another affiliate, and leaves a sale with only stale clicks unattributed (Stripe webhook)', async () => {
    const merchant = await setUpStripeMerchant(hub, { cookieWindowDays: 7 });
    const affiliates = await campaignWithTwoAffiliates(merchant.api, merchant.campaignId, merchant.affiliateId);

    /** payment_intent.succeeded.1 carrying only a visitor id (and the program), happening now on the hub's clock. */
    const sale = (visitorId: string, eventId: string, orderId: string): StripeFixture => {
      const event = withStripeAttribution(stripeFixture('payment_intent.succeeded.1'), { visitorId, clickId: null, programId: merchant.campaignId });
      event.id = eventId;
      event.created = Math.floor(hub.clock.now().getTime() / 1000);
      setStripeField(event, 'data.object.id', orderId);
      return event;
    };

    await click(merchant.api, merchant.campaignId, affiliates.first, 'vis_web_mixed');
    await click(merchant.api, merchant.campaignId, affiliates.first, 'vis_web_stale');
    hub.clock.advance(8 * DAY);
    const recent = await click(merchant.api, merchant.campaignId, affiliates.second, 'vis_web_mixed');
    hub.clock.advance(HOUR);

    const [attributedEvent = '', staleEvent = ''] = await deliverStripe(hub, merchant, [
      sale('vis_web_mixed', 'evt_visitor_mixed', 'pi_visitor_mixed'),
      sale('vis_web_stale', 'evt_visitor_stale', 'pi_visitor_stale'),
    ]);

    const attributed = await eventOf(merchant, attributedEvent);
    expect(attributed.status).toBe('processed');
    const conversions = await conversionsOf(merchant);
    expect(conversions.map((conversion) => [conversion.orderId, conversion.affiliateId, conversion.clickId])).toEqual([['pi_visitor_mixed', affiliates.second, recent]]);
    expect(attributed.conversionIds).toEqual([conversions[0]?.id]);

    const stale = await eventOf(merchant, staleEvent);
    expect(stale).toMatchObject({ status: 'ignored', reason: 'unattributed', conversionIds: [] });
    expect(stale.trace.join('\n')).toContain('cookie window');
  });

  it('does not count a visitor click made after the sale it is asked about', async () => {
    const merchant = await setUpStripeMerchant(hub, { cookieWindowDays: 7 });
    const saleTime = Math.floor(hub.clock.now().getTime() / 1000);
    hub.clock.advance(HOUR);
    await click(merchant.api, merchant.campaignId, merchant.affiliateId, 'vis_after_sale');
    hub.clock.advance(60_000);

    const event = withStripeAttribution(stripeFixture('payment_intent.succeeded.1'), { visitorId: 'vis_after_sale', clickId: null, programId: merchant.campaignId });
    event.created = saleTime;
    const eventId = (await sendStripeEvent(hub, merchant.connectionId, event).expect(200)).body.eventId as string;
    await hub.services.processor.drain();
    expect(await eventOf(merchant, eventId)).toMatchObject({ status: 'ignored', reason: 'unattributed' });
    expect(await conversionsOf(merchant)).toEqual([]);
  });
});
