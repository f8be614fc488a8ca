/**
 * One-off Stripe payments end to end, through signed HTTP deliveries on both backends: one sale
 * seen through several events is one conversion, refunds reduce commission pro rata, disputes
 * reverse and restore, and arrival order never matters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attributedStripeFixture,
  conversionsOf,
  deliverStripe,
  eventOf,
  ledgerSum,
  setUpStripeMerchant,
  stripeFixture,
  withStripeAttribution,
} from '../helpers/stripe.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

describe('Stripe one-off payments', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
  });
  afterAll(async () => hub.close());

  it('records a paid Checkout Session as one pending conversion on the PaymentIntent, with a readable trace', async () => {
    const merchant = await setUpStripeMerchant(hub);
    const [eventId = ''] = await deliverStripe(hub, merchant, [attributedStripeFixture('checkout.session.completed.1', merchant)]);
    const [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({
      source: 'stripe', orderId: 'pi_3UaQ2m7HnQ2eLx4K5NJRWjM5', conversionType: 'one_time', currency: 'USD',
      amount: 49.5, taxAmount: 4.5, netAmount: 45, discountAmount: 5, commission: 9, status: 'pending',
      affiliateId: merchant.affiliateId, clickId: merchant.clickId, campaignId: merchant.campaignId,
    });
    const event = await eventOf(merchant, eventId);
    expect(event).toMatchObject({ status: 'processed', conversionIds: [conversion?.id] });
    expect(event.trace.join('\n')).toContain(`click_id=${merchant.clickId} → click ${merchant.clickId} → affiliate ${merchant.affiliateId} in ${merchant.campaignId}`);
  });

  it('counts the sale once when both checkout.session.completed and payment_intent.succeeded arrive, in either order, with the itemised amounts', async () => {
    for (const order of [['checkout.session.completed.1', 'payment_intent.succeeded.1'], ['payment_intent.succeeded.1', 'checkout.session.completed.1']]) {
      const merchant = await setUpStripeMerchant(hub);
      await deliverStripe(hub, merchant, order.map((name) => attributedStripeFixture(name, merchant)));
      const conversions = await conversionsOf(merchant);
      expect(conversions).toHaveLength(1);
      expect(conversions[0]).toMatchObject({ amount: 49.5, taxAmount: 4.5, commission: 9 });
      expect(ledgerSum(conversions[0]!)).toBe(9);
    }
  });

  it('reduces commission pro rata on a partial refund and reverses it on the full refund', async () => {
    const merchant = await setUpStripeMerchant(hub);
    await deliverStripe(hub, merchant, [attributedStripeFixture('checkout.session.completed.1', merchant), stripeFixture('charge.refunded.1')]);
    let [conversion] = await conversionsOf(merchant);
    // 9.00 × (49.50 − 10.00) / 49.50 = 7.1818… → 7.18: a $10 refund costs the affiliate $1.82, not everything.
    expect(conversion).toMatchObject({ refundedAmount: 10, commission: 7.18, status: 'pending' });
    expect(conversion?.adjustments.map((line) => [line.type, line.commissionDelta])).toEqual([['commission', 9], ['refund', -1.82]]);

    await deliverStripe(hub, merchant, [stripeFixture('charge.refunded.2')]);
    [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ refundedAmount: 49.5, commission: 0, status: 'reversed' });
    expect(ledgerSum(conversion!)).toBe(0);
  });

  it('counts only succeeded refunds, summing distinct refunds and never double-counting the charge total', async () => {
    const merchant = await setUpStripeMerchant(hub);
    await deliverStripe(hub, merchant, [
      attributedStripeFixture('checkout.session.completed.1', merchant),
      stripeFixture('refund.created.1'), // 10.00 succeeded
      stripeFixture('refund.created.2'), // 39.50 pending: not yet
      stripeFixture('refund.updated.2'), // 5.00 failed: never
      stripeFixture('charge.refunded.1'), // the charge says 10.00 refunded in total: the same money as refund 1
    ]);
    let [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ refundedAmount: 10, commission: 7.18 });
    await deliverStripe(hub, merchant, [stripeFixture('refund.updated.1')]); // the 39.50 succeeds
    [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ refundedAmount: 49.5, commission: 0, status: 'reversed' });
  });

  it('lets a refund that arrives before its purchase wait, then applies it when the purchase lands', async () => {
    const merchant = await setUpStripeMerchant(hub);
    const [refundEventId = ''] = await deliverStripe(hub, merchant, [stripeFixture('charge.refunded.1')]);
    expect(await eventOf(merchant, refundEventId)).toMatchObject({ status: 'waiting', waitingFor: 'stripe:payment_intent:pi_3UaQ2m7HnQ2eLx4K5NJRWjM5' });
    expect(await conversionsOf(merchant)).toEqual([]);

    await deliverStripe(hub, merchant, [attributedStripeFixture('checkout.session.completed.1', merchant)]);
    const [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ refundedAmount: 10, commission: 7.18 });
    expect(await eventOf(merchant, refundEventId)).toMatchObject({ status: 'processed', conversionIds: [conversion?.id] });
  });

  it('reverses on a lost dispute and restores on a won one, with chargeback lines', async () => {
    const merchant = await setUpStripeMerchant(hub);
    await deliverStripe(hub, merchant, [attributedStripeFixture('checkout.session.completed.1', merchant), stripeFixture('charge.refunded.1'), stripeFixture('charge.dispute.funds_withdrawn.1')]);
    let [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ commission: 0, status: 'reversed', refundedAmount: 10 });
    // The three events may be processed in any order (several workers): the lines differ, the outcome does not.
    expect(conversion?.adjustments).toContainEqual(expect.objectContaining({ type: 'chargeback', reason: 'dispute lost' }));
    expect(ledgerSum(conversion!)).toBe(0);

    await deliverStripe(hub, merchant, [stripeFixture('charge.dispute.closed.2'), stripeFixture('charge.dispute.funds_reinstated.1')]);
    [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ commission: 7.18, status: 'pending', refundedAmount: 10 });
    expect(conversion?.adjustments.at(-1)).toMatchObject({ type: 'chargeback_won', commissionDelta: 7.18 });
    expect(ledgerSum(conversion!)).toBe(7.18);
  });

  it('a won dispute stays won whatever arrives after it', async () => {
    const merchant = await setUpStripeMerchant(hub);
    await deliverStripe(hub, merchant, [
      attributedStripeFixture('checkout.session.completed.1', merchant),
      stripeFixture('charge.dispute.closed.2'), stripeFixture('charge.dispute.funds_withdrawn.1'), stripeFixture('charge.dispute.closed.3'),
    ]);
    const [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ commission: 9, status: 'pending' });
  });

  it('claws back from a paid conversion with a clawback line and keeps it paid', async () => {
    const merchant = await setUpStripeMerchant(hub);
    await deliverStripe(hub, merchant, [attributedStripeFixture('checkout.session.completed.1', merchant)]);
    const [created] = await conversionsOf(merchant);
    await merchant.api.patch(`/api/v1/conversions/${created?.id}`, { status: 'approved' }).expect(200);
    await merchant.api.patch(`/api/v1/conversions/${created?.id}`, { status: 'paid' }).expect(200);
    await deliverStripe(hub, merchant, [stripeFixture('charge.refunded.2')]);
    const [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ status: 'paid', commission: 0, refundedAmount: 49.5 });
    expect(conversion?.adjustments.at(-1)).toMatchObject({ type: 'clawback', commissionDelta: -9 });
  });

  it('waits for a delayed payment method and ignores one that fails', async () => {
    const merchant = await setUpStripeMerchant(hub);
    const [unpaid = '', failed = ''] = await deliverStripe(hub, merchant, [
      attributedStripeFixture('checkout.session.completed.3', merchant), attributedStripeFixture('checkout.session.async_payment_failed.1', merchant),
    ]);
    expect(await eventOf(merchant, unpaid)).toMatchObject({ status: 'ignored', reason: 'unpaid' });
    expect(await eventOf(merchant, failed)).toMatchObject({ status: 'ignored', reason: 'unpaid' });
    expect(await conversionsOf(merchant)).toEqual([]);
    await deliverStripe(hub, merchant, [attributedStripeFixture('checkout.session.async_payment_succeeded.1', merchant)]);
    expect(await conversionsOf(merchant)).toMatchObject([{ orderId: 'pi_3UdK9s7HnQ2eLx4K7CsxOXHW', amount: 189 }]);
  });

  it('records JPY and KWD sales in their own minor units', async () => {
    const merchant = await setUpStripeMerchant(hub);
    await deliverStripe(hub, merchant, [attributedStripeFixture('payment_intent.succeeded.2', merchant), attributedStripeFixture('checkout.session.completed.4', merchant)]);
    const conversions = await conversionsOf(merchant);
    expect(conversions.find((row) => row.currency === 'JPY')).toMatchObject({ amount: 4990, commission: 998 });
    const kwd = conversions.find((row) => row.currency === 'KWD');
    expect(kwd?.amount).toBe(12.34);
    expect(kwd?.commission).toBe(Number(((12340 - Math.round(kwd!.taxAmount * 1000)) * 0.2 / 1000).toFixed(3)));
  });

  it('ignores unattributed sales, unknown programs, unapproved affiliates and test-mode events, each with its reason', async () => {
    const merchant = await setUpStripeMerchant(hub);
    const pending = await merchant.api.post('/api/v1/affiliates', { name: 'Pending', email: 'p@example.com', campaignId: merchant.campaignId, status: 'pending' }).expect(201);
    const pendingClick = await merchant.api.post('/api/v1/clicks', { campaignId: merchant.campaignId, affiliateId: pending.body.data.id }).expect(201);
    const unattributed = withStripeAttribution(stripeFixture('checkout.session.completed.1'), { clickId: null, visitorId: null, programId: null });
    const unknownProgram = withStripeAttribution(stripeFixture('checkout.session.completed.4'), { programId: 'camp_someone_else' });
    const notApproved = withStripeAttribution(stripeFixture('payment_intent.succeeded.2'), { clickId: pendingClick.body.data.clickId, visitorId: null, programId: null });
    const testMode = attributedStripeFixture('payment_intent.succeeded.3', merchant);
    const ids = await deliverStripe(hub, merchant, [unattributed, unknownProgram, notApproved, testMode]);
    const events = await Promise.all(ids.map((id) => eventOf(merchant, id)));
    expect(events.map((event) => [event.status, event.reason])).toEqual([
      ['ignored', 'unattributed'], ['ignored', 'unknown_campaign'], ['ignored', 'affiliate_not_approved'], ['ignored', 'test_mode'],
    ]);
    expect(events[0]?.trace.join(' ')).toContain('no visitor_id/click_id in checkout session metadata');
    expect(await conversionsOf(merchant)).toEqual([]);
  });

  it('accepts test-mode events on a test connection', async () => {
    const merchant = await setUpStripeMerchant(hub, {}, { mode: 'test' });
    await deliverStripe(hub, merchant, [attributedStripeFixture('payment_intent.succeeded.3', merchant)]);
    expect(await conversionsOf(merchant)).toHaveLength(1);
  });

  it('records a webhook conversion over the earnings cap as rejected, visibly', async () => {
    const merchant = await setUpStripeMerchant(hub);
    await hub.services.db.updateTable('merchant').set({ monthly_earnings_cap: 500 })
      .where('id', '=', (await hub.services.db.selectFrom('campaign').select('merchant_id').where('id', '=', merchant.campaignId).executeTakeFirstOrThrow()).merchant_id).execute();
    await deliverStripe(hub, merchant, [attributedStripeFixture('checkout.session.completed.1', merchant)]);
    const [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ status: 'rejected', statusReason: 'earnings_limit_reached', commission: 0 });
    expect(conversion?.adjustments.map((line) => line.type)).toEqual(['commission', 'rejection']);
  });

  it('replays an event without counting anything twice', async () => {
    const merchant = await setUpStripeMerchant(hub);
    const [saleEvent = '', refundEvent = ''] = await deliverStripe(hub, merchant, [attributedStripeFixture('checkout.session.completed.1', merchant), stripeFixture('charge.refunded.1')]);
    const before = await conversionsOf(merchant);
    for (const eventId of [saleEvent, refundEvent, saleEvent]) {
      const replay = await merchant.api.post(`/api/v1/events/${eventId}/replay`).expect(200);
      expect(replay.body.data.status).toBe('processed');
    }
    expect(await conversionsOf(merchant)).toEqual(before);
  });
});
