/**
 * Gumroad end to end through HTTP on both backends, on connections without an access token (pings
 * alone): the URL token, a click becoming a conversion through `url_params`, refunds and disputes
 * found through the sale's binding, memberships' renewals through the subscription's, out-of-order
 * arrival, re-deliveries, concurrent duplicates, test purchases, form and JSON bodies, ignores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotDatabase } from '../helpers/database-snapshot.js';
import {
  attributedGumroadFixture,
  deliverGumroad,
  gumroadFixture,
  gumroadJsonFixture,
  sendGumroadPing,
  setUpGumroadMerchant,
  withGumroadAttribution,
  type GumroadMerchant,
} from '../helpers/gumroad.js';
import { conversionsOf, eventOf, ledgerSum } from '../helpers/stripe.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

const G1 = 'niBD7_w9Wcu93NQ24c_PhQ==';
const G2_FIRST = '3TaF7dAdyKzYpMnzfAaRsA==';
const G2_RENEWAL = 'nSS0dSvWDptSoTkCNYUbQg==';
const G2_SUBSCRIPTION = 'Dr-fC_LYz3tJvUSlO7waJg==';

describe('Gumroad pings', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
  });
  afterAll(async () => hub.close());

  it('hands out a webhook URL ending ?token=…, and records the first sale ping as one attributed conversion in USD', async () => {
    const merchant = await setUpGumroadMerchant(hub);
    expect(merchant.webhookUrl).toBe(`https://hub.test/webhooks/gumroad/${merchant.connectionId}?token=${merchant.token}`);
    expect(merchant.token).toMatch(/^[0-9A-Za-z]{32}$/);
    const [eventId = ''] = await deliverGumroad(hub, merchant, [attributedGumroadFixture('sale.1', merchant)]);
    const [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({
      source: 'gumroad', orderId: G1, conversionType: 'one_time', currency: 'USD', amount: 49, commission: 9.8, status: 'pending',
      affiliateId: merchant.affiliateId, clickId: merchant.clickId, campaignId: merchant.campaignId,
    });
    const event = await eventOf(merchant, eventId);
    expect(event).toMatchObject({ status: 'processed', conversionIds: [conversion?.id] });
    expect(event.trace.join('\n')).toContain(`url_params click_id=${merchant.clickId} → click ${merchant.clickId} → affiliate ${merchant.affiliateId}`);
  });

  it.each([
    ['a wrong token', 'not-the-connection-token-00000000'],
    ['no token', null],
    ['another connection’s token', 'other'],
  ])('refuses a ping with %s: 400 invalid_signature, nothing stored', async (_label, token) => {
    const merchant = await setUpGumroadMerchant(hub);
    const other = await setUpGumroadMerchant(hub);
    const before = await snapshotDatabase(hub.services.db);
    const response = await sendGumroadPing(hub, merchant, attributedGumroadFixture('sale.1', merchant), { token: token === 'other' ? other.token : token }).expect(400);
    expect(response.body.error.code).toBe('invalid_signature');
    expect(response.body.error.message).toMatch(/Gumroad URL token/);
    expect(await snapshotDatabase(hub.services.db)).toEqual(before);
  });

  it('never stores the URL token with the event', async () => {
    const merchant = await setUpGumroadMerchant(hub);
    const [eventId = ''] = await deliverGumroad(hub, merchant, [attributedGumroadFixture('sale.1', merchant)]);
    const row = await hub.services.db.selectFrom('inbound_event').select(['query', 'headers']).where('id', '=', eventId).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(merchant.token);
  });

  it('reverses on a full refund, found through the sale’s binding (the refund ping has no url_params)', async () => {
    const merchant = await setUpGumroadMerchant(hub);
    await deliverGumroad(hub, merchant, [attributedGumroadFixture('sale.1', merchant), gumroadFixture('refund.2')]);
    const [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ refundedAmount: 49, commission: 0, status: 'reversed' });
    expect(conversion?.adjustments.map((line) => [line.type, line.commissionDelta])).toEqual([['commission', 9.8], ['refund', -9.8]]);
  });

  it('lets a partial refund wait for the access token, with a detail saying so, and changes nothing', async () => {
    const merchant = await setUpGumroadMerchant(hub);
    const [, refundEvent = ''] = await deliverGumroad(hub, merchant, [attributedGumroadFixture('sale.1', merchant), gumroadFixture('refund.1')]);
    const event = await eventOf(merchant, refundEvent);
    expect(event.status).toBe('waiting');
    expect(event.trace.join(' ')).toMatch(/partial refund of sale .*no amount.*accessToken/);
    expect(await conversionsOf(merchant)).toMatchObject([{ refundedAmount: 0, commission: 9.8, status: 'pending' }]);
  });

  it('reverses on a dispute and restores when it is won', async () => {
    const merchant = await setUpGumroadMerchant(hub);
    await deliverGumroad(hub, merchant, [attributedGumroadFixture('sale.1', merchant), gumroadFixture('dispute.1')]);
    expect(await conversionsOf(merchant)).toMatchObject([{ commission: 0, status: 'reversed' }]);
    await deliverGumroad(hub, merchant, [gumroadFixture('dispute_won.1')]);
    const [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ commission: 9.8, status: 'pending' });
    expect(conversion?.adjustments.map((line) => line.type)).toEqual(['commission', 'chargeback', 'chargeback_won']);
    expect(ledgerSum(conversion!)).toBe(9.8);
  });

  it('lets a refund that arrives before its sale wait, then applies it when the sale lands', async () => {
    const merchant = await setUpGumroadMerchant(hub);
    const [refundEvent = ''] = await deliverGumroad(hub, merchant, [gumroadFixture('refund.2')]);
    expect(await eventOf(merchant, refundEvent)).toMatchObject({ status: 'waiting', waitingFor: `gumroad:sale:${G1}` });
    await deliverGumroad(hub, merchant, [attributedGumroadFixture('sale.1', merchant)]);
    const [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ refundedAmount: 49, commission: 0, status: 'reversed' });
    expect(await eventOf(merchant, refundEvent)).toMatchObject({ status: 'processed', conversionIds: [conversion?.id] });
  });

  describe('memberships', () => {
    const firstSale = (merchant: GumroadMerchant) => attributedGumroadFixture('sale.2', merchant);
    const renewal = () => gumroadFixture('sale.3');

    it('ignores renewals when the campaign pays no recurring commission', async () => {
      const merchant = await setUpGumroadMerchant(hub);
      const [, renewalEvent = ''] = await deliverGumroad(hub, merchant, [firstSale(merchant), renewal()]);
      expect(await eventOf(merchant, renewalEvent)).toMatchObject({ status: 'ignored', reason: 'recurring_disabled' });
      expect(await conversionsOf(merchant)).toMatchObject([{ orderId: G2_FIRST, conversionType: 'subscription', amount: 12, commission: 2.4 }]);
    });

    it('records renewals for a lifetime campaign, attributed through the subscription bound by the first sale', async () => {
      const merchant = await setUpGumroadMerchant(hub, { campaign: { recurring: 'lifetime' } });
      const [, renewalEvent = ''] = await deliverGumroad(hub, merchant, [firstSale(merchant), renewal()]);
      const conversions = await conversionsOf(merchant);
      expect(conversions.find((row) => row.orderId === G2_RENEWAL)).toMatchObject({ conversionType: 'recurring', affiliateId: merchant.affiliateId, commission: 2.4 });
      const trace = (await eventOf(merchant, renewalEvent)).trace.join(' ');
      expect(trace).toMatch(new RegExp(`gumroad:subscription:${G2_SUBSCRIPTION} → first [^→]*${G2_FIRST}`));
    });

    it('stops paying renewals after the campaign’s recurring window', async () => {
      // The renewal is dated 2026-04-14; the first conversion is created on the hub's clock, 2026-03-10.
      for (const [months, expected] of [[2, 'processed'], [1, 'ignored']] as const) {
        const merchant = await setUpGumroadMerchant(hub, { campaign: { recurring: { months } } });
        const [, renewalEvent = ''] = await deliverGumroad(hub, merchant, [firstSale(merchant), renewal()]);
        const event = await eventOf(merchant, renewalEvent);
        expect(event.status, `${months} months`).toBe(expected);
        if (expected === 'ignored') expect(event.reason).toBe('recurring_window_ended');
      }
    });

    it('lets a renewal that arrives before the first sale wait for the subscription, then records it', async () => {
      const merchant = await setUpGumroadMerchant(hub, { campaign: { recurring: 'lifetime' } });
      const [renewalEvent = ''] = await deliverGumroad(hub, merchant, [renewal()]);
      expect(await eventOf(merchant, renewalEvent)).toMatchObject({ status: 'waiting', waitingFor: `gumroad:subscription:${G2_SUBSCRIPTION}` });
      await deliverGumroad(hub, merchant, [firstSale(merchant)]);
      expect((await conversionsOf(merchant)).map((row) => row.orderId).sort()).toEqual([G2_FIRST, G2_RENEWAL].sort());
      expect(await eventOf(merchant, renewalEvent)).toMatchObject({ status: 'processed' });
    });

    it('ignores the cancellation ping: no money moved', async () => {
      const merchant = await setUpGumroadMerchant(hub, { campaign: { recurring: 'lifetime' } });
      const [, cancellationEvent = ''] = await deliverGumroad(hub, merchant, [firstSale(merchant), gumroadFixture('cancellation.1')]);
      expect(await eventOf(merchant, cancellationEvent)).toMatchObject({ status: 'ignored', reason: 'irrelevant_event' });
      expect(await conversionsOf(merchant)).toMatchObject([{ commission: 2.4, status: 'pending' }]);
    });
  });

  it('answers a re-delivery (and Gumroad’s retry with retry_count) with the original event, counting once', async () => {
    const merchant = await setUpGumroadMerchant(hub);
    const sale = attributedGumroadFixture('sale.1', merchant);
    const first = await sendGumroadPing(hub, merchant, sale).expect(200);
    const again = await sendGumroadPing(hub, merchant, sale).expect(200);
    const retried = await sendGumroadPing(hub, merchant, { ...sale, retry_count: '1' }).expect(200);
    expect(again.body).toEqual({ received: true, eventId: first.body.eventId, duplicate: true });
    expect(retried.body).toEqual({ received: true, eventId: first.body.eventId, duplicate: true });
    await hub.services.processor.drain();
    expect(await conversionsOf(merchant)).toHaveLength(1);
  });

  it('stores twenty concurrent identical pings once and records one conversion', async () => {
    const merchant = await setUpGumroadMerchant(hub);
    const sale = attributedGumroadFixture('sale.1', merchant);
    const responses = await Promise.all(Array.from({ length: 20 }, () => sendGumroadPing(hub, merchant, sale)));
    expect(responses.map((response) => response.status)).toEqual(Array<number>(20).fill(200));
    expect(new Set(responses.map((response) => response.body.eventId as string)).size).toBe(1);
    await hub.services.processor.drain();
    const conversions = await conversionsOf(merchant);
    expect(conversions).toHaveLength(1);
    expect(ledgerSum(conversions[0]!)).toBe(9.8);
  });

  it('ignores a seller’s test purchase on a live connection, and records it on a test connection', async () => {
    const live = await setUpGumroadMerchant(hub);
    const [eventId = ''] = await deliverGumroad(hub, live, [attributedGumroadFixture('sale.5', live)]);
    expect(await eventOf(live, eventId)).toMatchObject({ status: 'ignored', reason: 'test_mode' });
    expect(await conversionsOf(live)).toEqual([]);
    const test = await setUpGumroadMerchant(hub, { connection: { mode: 'test' } });
    await deliverGumroad(hub, test, [attributedGumroadFixture('sale.5', test)]);
    expect(await conversionsOf(test)).toMatchObject([{ orderId: 'Cxg8Cf5Wt_TAaZ_u3Yx6ZA==', amount: 49 }]);
  });

  it('reads JSON pings like form pings', async () => {
    const merchant = await setUpGumroadMerchant(hub);
    const json = gumroadJsonFixture('sale.1');
    json.url_params = { visitor_id: merchant.visitorId, click_id: merchant.clickId, program_id: merchant.campaignId };
    const [saleEvent = '', refundEvent = ''] = await deliverGumroad(hub, merchant, [{ json }, { json: gumroadJsonFixture('refund.1') }]);
    expect(await eventOf(merchant, saleEvent)).toMatchObject({ status: 'processed' });
    expect(await eventOf(merchant, refundEvent)).toMatchObject({ status: 'waiting' });
    expect(await conversionsOf(merchant)).toMatchObject([{ orderId: G1, amount: 49, commission: 9.8 }]);
  });

  it('records a EUR product’s sale in USD cents, as the ping’s price is', async () => {
    const merchant = await setUpGumroadMerchant(hub);
    await deliverGumroad(hub, merchant, [attributedGumroadFixture('sale.4', merchant)]);
    expect(await conversionsOf(merchant)).toMatchObject([{ currency: 'USD', amount: 48.94, commission: 9.79 }]);
  });

  it('ignores unattributed sales and unknown programs with their reasons, but their refunds need not wait', async () => {
    const merchant = await setUpGumroadMerchant(hub);
    const unattributed = withGumroadAttribution(gumroadFixture('sale.1'), { clickId: null, visitorId: null, programId: null });
    const unknownProgram = withGumroadAttribution(gumroadFixture('sale.4'), { programId: 'camp_someone_else' });
    const ids = await deliverGumroad(hub, merchant, [unattributed, unknownProgram, gumroadFixture('refund.2')]);
    const events = await Promise.all(ids.map((id) => eventOf(merchant, id)));
    expect(events.map((event) => [event.status, event.reason])).toEqual([['ignored', 'unattributed'], ['ignored', 'unknown_campaign'], ['processed', null]]);
    expect(events[0]?.trace.join(' ')).toContain('no visitor_id/click_id in url_params');
    expect(events[2]?.trace.join(' ')).toContain('has no conversion');
    expect(await conversionsOf(merchant)).toEqual([]);
  });

  it('stores an authentic ping it cannot read as failed, answering 200 so nothing is lost', async () => {
    const merchant = await setUpGumroadMerchant(hub);
    const response = await hub.http.post(`/webhooks/gumroad/${merchant.connectionId}?token=${merchant.token}`).set('Content-Type', 'application/json').send('{"resource_name": "sale"').expect(200);
    expect(await eventOf(merchant, response.body.eventId as string)).toMatchObject({ status: 'failed', error: expect.stringMatching(/not JSON/) });
  });
});
