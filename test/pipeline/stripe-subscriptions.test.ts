/**
 * Stripe subscriptions end to end: the first payment seen through its Checkout Session, its invoice
 * and its invoice payment is one conversion in any order; renewals follow the campaign's recurring
 * rule and are attributed through the subscription; refunds find invoices through their PaymentIntent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attributedStripeFixture,
  conversionsOf,
  deliverStripe,
  eventOf,
  setStripeField,
  setUpStripeMerchant,
  stripeFixture,
  withStripeAttribution,
  type StripeFixture,
  type StripeMerchant,
} from '../helpers/stripe.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

const FIRST_INVOICE = 'in_1UcT4p7HnQ2eLx4KfhClnQuH';
const RENEWAL_INVOICE = 'in_1UjW8d7HnQ2eLx4KteoaJA1C';
const DAY = 86_400;

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
}

describe('Stripe subscriptions', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
  });
  afterAll(async () => hub.close());

  const firstPayment = (merchant: StripeMerchant): StripeFixture[] => [
    attributedStripeFixture('checkout.session.completed.2', merchant),
    attributedStripeFixture('invoice.paid.1', merchant),
    stripeFixture('invoice_payment.paid.1'),
  ];
  const renewal = (merchant: StripeMerchant, options: { attributed: boolean }) => options.attributed
    ? attributedStripeFixture('invoice.paid.2', merchant)
    : withStripeAttribution(stripeFixture('invoice.paid.2'), { clickId: null, visitorId: null, programId: null });

  it('records the first payment once, from the invoice’s itemised amounts, whatever the order of its three events', async () => {
    for (const order of permutations([0, 1, 2])) {
      const merchant = await setUpStripeMerchant(hub);
      const events = firstPayment(merchant);
      await deliverStripe(hub, merchant, order.map((index) => events[index]!));
      const conversions = await conversionsOf(merchant);
      expect(conversions, `order ${order.join(',')}`).toHaveLength(1);
      expect(conversions[0]).toMatchObject({ orderId: FIRST_INVOICE, conversionType: 'subscription', amount: 21.8, taxAmount: 1.8, commission: 4 });
    }
  });

  /** The same invoice event as Stripe sends it to endpoints subscribed to invoice.payment_succeeded. */
  const asPaymentSucceeded = (event: StripeFixture): StripeFixture => ({ ...event, id: `${event.id}ps`, type: 'invoice.payment_succeeded' });

  it('records subscription payments from invoice.payment_succeeded alone, first payment and renewal, and a refund once', async () => {
    const merchant = await setUpStripeMerchant(hub, { recurring: 'lifetime' });
    const ids = await deliverStripe(hub, merchant, [
      asPaymentSucceeded(attributedStripeFixture('invoice.paid.1', merchant)), asPaymentSucceeded(renewal(merchant, { attributed: false })),
      stripeFixture('invoice_payment.paid.2'), stripeFixture('charge.refunded.3'),
    ]);
    const conversions = await conversionsOf(merchant);
    expect(conversions.map((row) => [row.orderId, row.conversionType, row.amount, row.refundedAmount, row.commission]).sort()).toEqual([
      [FIRST_INVOICE, 'subscription', 21.8, 0, 4], [RENEWAL_INVOICE, 'recurring', 21.8, 21.8, 0],
    ]);
    expect(await eventOf(merchant, ids[1]!)).toMatchObject({ status: 'processed' });
  });

  it('counts a payment seen as both invoice.paid and invoice.payment_succeeded once, in either order', async () => {
    for (const paidFirst of [true, false]) {
      const merchant = await setUpStripeMerchant(hub, { recurring: 'lifetime' });
      const paid = attributedStripeFixture('invoice.paid.1', merchant);
      const succeeded = asPaymentSucceeded(attributedStripeFixture('invoice.paid.1', merchant));
      await deliverStripe(hub, merchant, paidFirst ? [paid, succeeded] : [succeeded, paid]);
      const conversions = await conversionsOf(merchant);
      expect(conversions, paidFirst ? 'invoice.paid first' : 'invoice.payment_succeeded first').toHaveLength(1);
      expect(conversions[0]).toMatchObject({ orderId: FIRST_INVOICE, amount: 21.8, taxAmount: 1.8, commission: 4 });
      expect(conversions[0]?.adjustments.map((line) => line.type)).toEqual(['commission']);
    }
  });

  it('ignores renewals when the campaign pays no recurring commission', async () => {
    const merchant = await setUpStripeMerchant(hub);
    const [, , , renewalEvent = ''] = await deliverStripe(hub, merchant, [...firstPayment(merchant), renewal(merchant, { attributed: true })]);
    expect(await eventOf(merchant, renewalEvent)).toMatchObject({ status: 'ignored', reason: 'recurring_disabled' });
    expect(await conversionsOf(merchant)).toHaveLength(1);
  });

  it('records renewals for a lifetime campaign, attributed through the subscription when the invoice carries no metadata', async () => {
    const merchant = await setUpStripeMerchant(hub, { recurring: 'lifetime' });
    const [, , , renewalEvent = ''] = await deliverStripe(hub, merchant, [...firstPayment(merchant), renewal(merchant, { attributed: false })]);
    const conversions = await conversionsOf(merchant);
    expect(conversions.find((row) => row.orderId === RENEWAL_INVOICE)).toMatchObject({ conversionType: 'recurring', affiliateId: merchant.affiliateId, commission: 4 });
    const trace = (await eventOf(merchant, renewalEvent)).trace.join(' ');
    expect(trace).toContain('stripe:subscription:sub_1UcT4p7HnQ2eLx4KvHPBNWcD → first conversion conv_');
    expect(trace).toContain(`(order ${FIRST_INVOICE}) → affiliate ${merchant.affiliateId}`);
  });

  it('stops paying renewals after the campaign’s recurring window', async () => {
    for (const [daysLater, expected] of [[20, 'processed'], [45, 'ignored']] as const) {
      const merchant = await setUpStripeMerchant(hub, { recurring: { months: 1 } });
      const [session, invoice, link] = firstPayment(merchant);
      const start = invoice!.created as number;
      const late = setStripeField(renewal(merchant, { attributed: false }), 'created', start + daysLater * DAY);
      const [, , , renewalEvent = ''] = await deliverStripe(hub, merchant, [session!, invoice!, link!, late]);
      const event = await eventOf(merchant, renewalEvent);
      expect(event.status, `${daysLater} days later`).toBe(expected);
      if (expected === 'ignored') expect(event.reason).toBe('recurring_window_ended');
    }
  });

  it('lets a renewal that arrives before the first payment wait for it', async () => {
    const merchant = await setUpStripeMerchant(hub, { recurring: 'lifetime' });
    const [renewalEvent = ''] = await deliverStripe(hub, merchant, [renewal(merchant, { attributed: false })]);
    expect(await eventOf(merchant, renewalEvent)).toMatchObject({ status: 'waiting', waitingFor: 'stripe:subscription:sub_1UcT4p7HnQ2eLx4KvHPBNWcD' });
    await deliverStripe(hub, merchant, firstPayment(merchant));
    expect(await eventOf(merchant, renewalEvent)).toMatchObject({ status: 'processed' });
    expect((await conversionsOf(merchant)).map((row) => row.orderId).sort()).toEqual([FIRST_INVOICE, RENEWAL_INVOICE].sort());
  });

  it('finds a renewal’s invoice for a refund that names only the PaymentIntent, even when the refund comes first', async () => {
    const merchant = await setUpStripeMerchant(hub, { recurring: 'lifetime' });
    const [refundEvent = ''] = await deliverStripe(hub, merchant, [stripeFixture('charge.refunded.3')]);
    expect(await eventOf(merchant, refundEvent)).toMatchObject({ status: 'waiting', waitingFor: 'stripe:payment_intent:pi_3UjX2a7HnQ2eLx4KjMjngoNZ' });
    await deliverStripe(hub, merchant, [...firstPayment(merchant), renewal(merchant, { attributed: true }), stripeFixture('invoice_payment.paid.2')]);
    const renewed = (await conversionsOf(merchant)).find((row) => row.orderId === RENEWAL_INVOICE);
    expect(renewed).toMatchObject({ refundedAmount: 21.8, commission: 0, status: 'reversed' });
    expect(await eventOf(merchant, refundEvent)).toMatchObject({ status: 'processed', conversionIds: [renewed?.id] });
  });

  it('handles the pre-2025-03-31 invoice shape: subscription metadata at the top level, the PaymentIntent on the invoice', async () => {
    const merchant = await setUpStripeMerchant(hub, { recurring: 'lifetime' });
    const refund = stripeFixture('charge.refunded.3');
    setStripeField(refund, 'data.object.payment_intent', 'pi_3UgI0b7HnQ2eLx4KXkziu4Ln');
    setStripeField(refund, 'data.object.amount', 5341);
    setStripeField(refund, 'data.object.amount_refunded', 1000);
    await deliverStripe(hub, merchant, [attributedStripeFixture('invoice.paid.4', merchant), attributedStripeFixture('invoice.paid.3', merchant), refund]);
    const conversions = await conversionsOf(merchant);
    expect(conversions).toHaveLength(2);
    expect(conversions.find((row) => row.orderId === 'in_1Ubr1k7HnQ2eLx4KI9MyzjSo')).toMatchObject({ conversionType: 'subscription', refundedAmount: 0 });
    expect(conversions.find((row) => row.orderId === 'in_1UgH5w7HnQ2eLx4KrQp9nq1j')).toMatchObject({ conversionType: 'recurring', refundedAmount: 10 });
  });

  it('ignores the renewals of a subscription whose first payment was not attributed', async () => {
    const merchant = await setUpStripeMerchant(hub, { recurring: 'lifetime' });
    const unattributed = firstPayment(merchant).map((event) => withStripeAttribution(event, { clickId: null, visitorId: null, programId: null }));
    const [, , , renewalEvent = ''] = await deliverStripe(hub, merchant, [...unattributed, renewal(merchant, { attributed: false })]);
    const event = await eventOf(merchant, renewalEvent);
    expect(event).toMatchObject({ status: 'ignored', reason: 'unattributed' });
    expect(event.trace.join(' ')).toContain(`first sale ${FIRST_INVOICE} has no conversion`);
  });
});
