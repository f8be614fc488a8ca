/**
 * Lemon Squeezy subscriptions end to end: the first payment (its order, its subscription, its
 * initial invoice) is one conversion in any order; the subscription's own `order_id` binds it to
 * that order; renewal invoices follow the campaign's recurring rule and are attributed through that
 * binding; refunds of a renewal or of the initial invoice reach the right conversion.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attributedLemonSqueezyFixture,
  deliverLemonSqueezy,
  lemonSqueezyFixture,
  setLemonSqueezyField,
  setUpLemonSqueezyMerchant,
  unattributedLemonSqueezyFixture,
  type LemonSqueezyFixture,
  type LemonSqueezyMerchant,
} from '../helpers/lemonsqueezy.js';
import { conversionsOf, eventOf } from '../helpers/stripe.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

const FIRST_ORDER = '5219031';
const RENEWAL = 'subscription-invoices/3598240';
const SUBSCRIPTION = 'lemonsqueezy:subscription:1184920';

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
}

describe('Lemon Squeezy subscriptions', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
  });
  afterAll(async () => hub.close());

  const firstPayment = (merchant: LemonSqueezyMerchant, attributed = true): LemonSqueezyFixture[] => [
    attributed ? attributedLemonSqueezyFixture('order_created.2', merchant) : unattributedLemonSqueezyFixture('order_created.2'),
    lemonSqueezyFixture('subscription_created.1'),
    lemonSqueezyFixture('subscription_payment_success.1'),
  ];
  // The docs promise custom_data only on order and subscription events: renewals are tested without it.
  const bareRenewal = () => unattributedLemonSqueezyFixture('subscription_payment_success.2');

  it('records the first payment once, from its order, whatever the order of its three events', async () => {
    for (const order of permutations([0, 1, 2])) {
      const merchant = await setUpLemonSqueezyMerchant(hub, { recurring: 'lifetime' });
      const events = firstPayment(merchant);
      const ids = await deliverLemonSqueezy(hub, merchant, order.map((index) => events[index]!));
      const conversions = await conversionsOf(merchant);
      expect(conversions, `order ${order.join(',')}`).toHaveLength(1);
      // 18.00 with 3.00 VAT → net 15.00 → 20 % = 3.00.
      expect(conversions[0]).toMatchObject({ orderId: FIRST_ORDER, conversionType: 'one_time', amount: 18, taxAmount: 3, commission: 3 });
      const initial = await eventOf(merchant, ids[order.indexOf(2)]!);
      expect(initial).toMatchObject({ status: 'ignored', reason: 'not_new_money' });
    }
  });

  it('ignores renewals when the campaign pays no recurring commission', async () => {
    const merchant = await setUpLemonSqueezyMerchant(hub);
    await deliverLemonSqueezy(hub, merchant, firstPayment(merchant));
    const [renewalEvent = ''] = await deliverLemonSqueezy(hub, merchant, [attributedLemonSqueezyFixture('subscription_payment_success.2', merchant)]);
    expect(await eventOf(merchant, renewalEvent)).toMatchObject({ status: 'ignored', reason: 'recurring_disabled' });
    expect(await conversionsOf(merchant)).toHaveLength(1);
  });

  it('records renewals for a lifetime campaign under the invoice id, attributed through the subscription’s binding', async () => {
    const merchant = await setUpLemonSqueezyMerchant(hub, { recurring: 'lifetime' });
    await deliverLemonSqueezy(hub, merchant, firstPayment(merchant));
    const [renewalEvent = ''] = await deliverLemonSqueezy(hub, merchant, [bareRenewal()]);
    const renewal = (await conversionsOf(merchant)).find((row) => row.orderId === RENEWAL);
    expect(renewal).toMatchObject({ conversionType: 'recurring', amount: 18, commission: 3, affiliateId: merchant.affiliateId, clickId: merchant.clickId, campaignId: merchant.campaignId });
    const trace = (await eventOf(merchant, renewalEvent)).trace;
    expect(trace.some((line) => line.startsWith(`${SUBSCRIPTION} → first`) && line.includes(FIRST_ORDER) && line.includes(merchant.affiliateId)), trace.join('\n')).toBe(true);
  });

  it('stops paying renewals after the campaign’s recurring window', async () => {
    // The first conversion is recorded at the hub's clock (2026-03-10); the renewal invoice is dated 2026-04-11.
    for (const [months, expected] of [[2, 'processed'], [1, 'ignored']] as const) {
      const merchant = await setUpLemonSqueezyMerchant(hub, { recurring: { months } });
      await deliverLemonSqueezy(hub, merchant, firstPayment(merchant));
      const [renewalEvent = ''] = await deliverLemonSqueezy(hub, merchant, [bareRenewal()]);
      const event = await eventOf(merchant, renewalEvent);
      expect(event.status, `${months} months`).toBe(expected);
      if (expected === 'ignored') expect(event.reason).toBe('recurring_window_ended');
    }
  });

  it('lets a renewal that arrives before the first payment wait for its subscription, then records it', async () => {
    const merchant = await setUpLemonSqueezyMerchant(hub, { recurring: 'lifetime' });
    const [renewalEvent = ''] = await deliverLemonSqueezy(hub, merchant, [bareRenewal()]);
    expect(await eventOf(merchant, renewalEvent)).toMatchObject({ status: 'waiting', waitingFor: SUBSCRIPTION });
    const [order, subscription] = firstPayment(merchant);
    await deliverLemonSqueezy(hub, merchant, [order!]);
    expect(await eventOf(merchant, renewalEvent)).toMatchObject({ status: 'waiting' });
    await deliverLemonSqueezy(hub, merchant, [subscription!]);
    expect(await eventOf(merchant, renewalEvent)).toMatchObject({ status: 'processed' });
    expect((await conversionsOf(merchant)).map((row) => [row.orderId, row.affiliateId]).sort()).toEqual([[FIRST_ORDER, merchant.affiliateId], [RENEWAL, merchant.affiliateId]]);
  });

  it('keeps a renewal apart from a one-time order that has the same number: each under Lemon Squeezy’s own id', async () => {
    // Orders and subscription invoices are numbered by separate counters (lemonsqueezy-references.ts):
    // a store can own order 3598240 and, later, subscription invoice 3598240.
    const merchant = await setUpLemonSqueezyMerchant(hub, { recurring: 'lifetime' });
    const sameNumber = setLemonSqueezyField(attributedLemonSqueezyFixture('order_created.1', merchant), 'data.id', '3598240');
    const ids = await deliverLemonSqueezy(hub, merchant, [...firstPayment(merchant), sameNumber, bareRenewal()]);
    const conversions = await conversionsOf(merchant);
    expect(conversions.map((row) => [row.orderId, row.conversionType, row.amount]).sort()).toEqual([
      ['3598240', 'one_time', 52.48], [FIRST_ORDER, 'one_time', 18], [RENEWAL, 'recurring', 18],
    ]);
    expect(await eventOf(merchant, ids.at(-1)!)).toMatchObject({ status: 'processed', conversionIds: [conversions.find((row) => row.orderId === RENEWAL)?.id] });
  });

  it('reverses a refunded renewal, also when the refund arrives before the renewal', async () => {
    const merchant = await setUpLemonSqueezyMerchant(hub, { recurring: 'lifetime' });
    const [refundEvent = ''] = await deliverLemonSqueezy(hub, merchant, [lemonSqueezyFixture('subscription_payment_refunded.1')]);
    expect(await eventOf(merchant, refundEvent)).toMatchObject({ status: 'waiting', waitingFor: `order:${RENEWAL}` });
    await deliverLemonSqueezy(hub, merchant, firstPayment(merchant));
    await deliverLemonSqueezy(hub, merchant, [bareRenewal()]);
    const conversions = await conversionsOf(merchant);
    const renewal = conversions.find((row) => row.orderId === RENEWAL);
    expect(renewal).toMatchObject({ refundedAmount: 18, commission: 0, status: 'reversed' });
    expect(conversions.find((row) => row.orderId === FIRST_ORDER)).toMatchObject({ refundedAmount: 0, commission: 3, status: 'pending' });
    expect(await eventOf(merchant, refundEvent)).toMatchObject({ status: 'processed', conversionIds: [renewal?.id] });
  });

  it('counts a refund of the initial invoice against the first order, found through the subscription', async () => {
    const merchant = await setUpLemonSqueezyMerchant(hub, { recurring: 'lifetime' });
    const initialRefund = lemonSqueezyFixture('subscription_payment_refunded.1');
    setLemonSqueezyField(initialRefund, 'data.id', '3402117');
    Object.assign(initialRefund.data.attributes, { billing_reason: 'initial', status: 'paid', refunded: false, refunded_amount: 600 });
    await deliverLemonSqueezy(hub, merchant, [...firstPayment(merchant), initialRefund]);
    // 3.00 × (18.00 − 6.00) / 18.00 = 2.00.
    expect(await conversionsOf(merchant)).toMatchObject([{ orderId: FIRST_ORDER, refundedAmount: 6, commission: 2 }]);
  });

  it('ignores the renewals of a subscription whose first order was not attributed', async () => {
    const merchant = await setUpLemonSqueezyMerchant(hub, { recurring: 'lifetime' });
    await deliverLemonSqueezy(hub, merchant, firstPayment(merchant, false));
    const [renewalEvent = ''] = await deliverLemonSqueezy(hub, merchant, [bareRenewal()]);
    const event = await eventOf(merchant, renewalEvent);
    expect(event).toMatchObject({ status: 'ignored', reason: 'unattributed' });
    expect(event.trace.join(' ')).toContain(`first sale ${FIRST_ORDER} has no conversion`);
    expect(await conversionsOf(merchant)).toEqual([]);
  });

  it('ignores a failed renewal payment and the recovered twin of a successful one', async () => {
    const merchant = await setUpLemonSqueezyMerchant(hub, { recurring: 'lifetime' });
    await deliverLemonSqueezy(hub, merchant, firstPayment(merchant));
    const failed = setLemonSqueezyField(bareRenewal(), 'meta.event_name', 'subscription_payment_failed');
    const recovered = setLemonSqueezyField(bareRenewal(), 'meta.event_name', 'subscription_payment_recovered');
    const ids = await deliverLemonSqueezy(hub, merchant, [failed, bareRenewal(), recovered]);
    const events = await Promise.all(ids.map((id) => eventOf(merchant, id)));
    expect(events.map((event) => [event.status, event.reason])).toEqual([['ignored', 'unpaid'], ['processed', null], ['ignored', 'not_new_money']]);
    expect((await conversionsOf(merchant)).filter((row) => row.orderId === RENEWAL)).toHaveLength(1);
  });
});
