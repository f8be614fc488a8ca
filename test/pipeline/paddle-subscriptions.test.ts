/**
 * Paddle subscriptions end to end: the first `transaction.completed` (origin `web`) binds the
 * subscription; `subscription_recurring` transactions are renewals that follow the campaign's
 * recurring rule, attributed by their copied `custom_data` or through the subscription; further
 * charges on the subscription count like renewals; a free trial's zero transaction binds the
 * subscription so the paid renewals after it need not wait.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attributedPaddleFixture,
  deliverPaddle,
  paddleFixture,
  setPaddleField,
  setUpPaddleMerchant,
  withPaddleAttribution,
  withPaddleEventId,
  type PaddleFixture,
  type PaddleMerchant,
} from '../helpers/paddle.js';
import { conversionsOf, eventOf, ledgerSum } from '../helpers/stripe.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

const FIRST = 'txn_01kgj60as33833tfadgf99b31q';
const RENEWAL = 'txn_01kjt993v71k318vs7j5aqxx02';
const SUBSCRIPTION_KEY = 'paddle:subscription:sub_01kgj64pqmp5r1mpytfv79h06s';
const DAY_MS = 86_400_000;

describe('Paddle subscriptions', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
  });
  afterAll(async () => hub.close());

  const first = (merchant: PaddleMerchant) => attributedPaddleFixture('transaction.completed.2', merchant);
  /** The renewal as Paddle sends it (custom_data copied) or stripped of it. */
  const renewal = (merchant: PaddleMerchant, options: { attributed: boolean }) => options.attributed
    ? attributedPaddleFixture('transaction.completed.3', merchant)
    : withPaddleAttribution(paddleFixture('transaction.completed.3'), { clickId: null, visitorId: null, programId: null });

  it('records the first payment as a subscription conversion in its own currency', async () => {
    const merchant = await setUpPaddleMerchant(hub);
    await deliverPaddle(hub, merchant, [first(merchant)]);
    // 34.51 EUR with 5.51 VAT → net 29.00 → 20 % = 5.80 (a percent commission is paid in the sale's currency).
    expect(await conversionsOf(merchant)).toMatchObject([{ orderId: FIRST, conversionType: 'subscription', currency: 'EUR', amount: 34.51, taxAmount: 5.51, commission: 5.8 }]);
  });

  /** The transaction as `transaction.paid` announced it: paid, before completion adds the invoice number (and, for a first payment, the subscription). */
  const asPaid = (event: PaddleFixture, suffix: string, options: { subscriptionKnown: boolean }): PaddleFixture => {
    const paid = withPaddleEventId(event, suffix);
    setPaddleField(paid, 'event_type', 'transaction.paid');
    setPaddleField(paid, 'data.status', 'paid');
    setPaddleField(paid, 'data.invoice_number', null);
    if (!options.subscriptionKnown) setPaddleField(paid, 'data.subscription_id', null);
    return paid;
  };

  it('records a subscription from transaction.paid events alone, the renewal attributed through the first sale', async () => {
    // An endpoint subscribed only to transaction.paid: the first payment does not name its subscription yet.
    const merchant = await setUpPaddleMerchant(hub, { recurring: 'lifetime' });
    const [, renewalEvent = ''] = await deliverPaddle(hub, merchant, [
      asPaid(first(merchant), 'firstpaid', { subscriptionKnown: false }), asPaid(renewal(merchant, { attributed: false }), 'renewpaid', { subscriptionKnown: true }),
    ]);
    const conversions = await conversionsOf(merchant);
    expect(conversions.map((row) => [row.orderId, row.conversionType, row.amount, row.commission, row.affiliateId]).sort()).toEqual([
      [FIRST, 'subscription', 34.51, 5.8, merchant.affiliateId], [RENEWAL, 'recurring', 34.51, 5.8, merchant.affiliateId],
    ]);
    // Found through the customer the first sale bound (its subscription was never named to the hub).
    const firstConversion = conversions.find((row) => row.orderId === FIRST);
    expect((await eventOf(merchant, renewalEvent)).trace.join(' ')).toContain(`→ first conversion ${firstConversion?.id} (order ${FIRST})`);
  });

  it('binds the subscription when the completed first payment follows its transaction.paid, so a bare renewal finds it', async () => {
    const merchant = await setUpPaddleMerchant(hub, { recurring: 'lifetime' });
    await deliverPaddle(hub, merchant, [asPaid(first(merchant), 'firstpaid', { subscriptionKnown: false }), first(merchant)]);
    const [renewalEvent = ''] = await deliverPaddle(hub, merchant, [renewal(merchant, { attributed: false })]);
    expect((await eventOf(merchant, renewalEvent)).trace.join(' ')).toContain(`${SUBSCRIPTION_KEY} → first conversion`);
    expect((await conversionsOf(merchant)).find((row) => row.orderId === FIRST)?.adjustments.map((line) => line.type)).toEqual(['commission']);
  });

  it('ignores renewals when the campaign pays no recurring commission', async () => {
    const merchant = await setUpPaddleMerchant(hub);
    const [, renewalEvent = ''] = await deliverPaddle(hub, merchant, [first(merchant), renewal(merchant, { attributed: true })]);
    expect(await eventOf(merchant, renewalEvent)).toMatchObject({ status: 'ignored', reason: 'recurring_disabled' });
    expect(await conversionsOf(merchant)).toHaveLength(1);
  });

  it('records renewals for a lifetime campaign from their copied custom_data', async () => {
    const merchant = await setUpPaddleMerchant(hub, { recurring: 'lifetime' });
    await deliverPaddle(hub, merchant, [first(merchant), renewal(merchant, { attributed: true })]);
    const renewed = (await conversionsOf(merchant)).find((row) => row.orderId === RENEWAL);
    expect(renewed).toMatchObject({ conversionType: 'recurring', affiliateId: merchant.affiliateId, clickId: merchant.clickId, amount: 34.51, commission: 5.8 });
  });

  it('attributes a renewal without custom_data through the subscription its first payment bound', async () => {
    const merchant = await setUpPaddleMerchant(hub, { recurring: 'lifetime' });
    const [, renewalEvent = ''] = await deliverPaddle(hub, merchant, [first(merchant), renewal(merchant, { attributed: false })]);
    expect((await conversionsOf(merchant)).find((row) => row.orderId === RENEWAL)).toMatchObject({ conversionType: 'recurring', affiliateId: merchant.affiliateId, commission: 5.8 });
    expect((await eventOf(merchant, renewalEvent)).trace.join(' ')).toMatch(new RegExp(`${SUBSCRIPTION_KEY} → first conversion conv_\\w+ \\(order ${FIRST}\\)`));
  });

  it('stops paying renewals after the campaign’s recurring window', async () => {
    for (const [daysLater, expected] of [[20, 'processed'], [45, 'ignored']] as const) {
      const merchant = await setUpPaddleMerchant(hub, { recurring: { months: 1 } });
      // The window runs from the first conversion, which dates from its transaction's occurred_at.
      const sale = first(merchant);
      const late = setPaddleField(renewal(merchant, { attributed: false }), 'occurred_at', new Date(Date.parse(sale.occurred_at) + daysLater * DAY_MS).toISOString());
      const [, renewalEvent = ''] = await deliverPaddle(hub, merchant, [sale, late]);
      const event = await eventOf(merchant, renewalEvent);
      expect(event.status, `${daysLater} days later`).toBe(expected);
      if (expected === 'ignored') expect(event.reason).toBe('recurring_window_ended');
    }
  });

  // Without custom_data the renewal can only be attributed through the first payment, so it waits for it.
  // (With custom_data on a lifetime campaign it needs nothing else and is recorded at once.)
  it('lets a renewal that arrives before the first payment wait for it', async () => {
    const merchant = await setUpPaddleMerchant(hub, { recurring: 'lifetime' });
    const [renewalEvent = ''] = await deliverPaddle(hub, merchant, [renewal(merchant, { attributed: false })]);
    expect(await eventOf(merchant, renewalEvent)).toMatchObject({ status: 'waiting', waitingFor: SUBSCRIPTION_KEY });
    await deliverPaddle(hub, merchant, [first(merchant)]);
    expect(await eventOf(merchant, renewalEvent)).toMatchObject({ status: 'processed' });
    expect((await conversionsOf(merchant)).map((row) => row.orderId).sort()).toEqual([FIRST, RENEWAL].sort());
  });

  it('counts a one-time charge and an upgrade on the subscription like renewals', async () => {
    const charge = (merchant: PaddleMerchant, origin: string, suffix: string): PaddleFixture => {
      const event = withPaddleEventId(renewal(merchant, { attributed: false }), suffix);
      setPaddleField(event, 'data.origin', origin);
      setPaddleField(event, 'data.id', `txn_01kjt993v71k318vs7j5a${suffix}`);
      return event;
    };
    const lifetime = await setUpPaddleMerchant(hub, { recurring: 'lifetime' });
    const [, chargeEvent = '', upgradeEvent = ''] = await deliverPaddle(hub, lifetime, [first(lifetime), charge(lifetime, 'subscription_charge', 'chg'), charge(lifetime, 'subscription_update', 'upd')]);
    expect(await eventOf(lifetime, chargeEvent)).toMatchObject({ status: 'processed' });
    expect(await eventOf(lifetime, upgradeEvent)).toMatchObject({ status: 'processed' });
    const conversions = await conversionsOf(lifetime);
    expect(conversions.filter((row) => row.conversionType === 'recurring').map((row) => row.orderId).sort()).toEqual(['txn_01kjt993v71k318vs7j5achg', 'txn_01kjt993v71k318vs7j5aupd']);

    const firstSalesOnly = await setUpPaddleMerchant(hub);
    const [, ignoredCharge = ''] = await deliverPaddle(hub, firstSalesOnly, [first(firstSalesOnly), charge(firstSalesOnly, 'subscription_charge', 'chg')]);
    expect(await eventOf(firstSalesOnly, ignoredCharge)).toMatchObject({ status: 'ignored', reason: 'recurring_disabled' });
  });

  it('binds a free trial’s subscription so the first paid renewal is recorded instead of waiting', async () => {
    const merchant = await setUpPaddleMerchant(hub, { recurring: 'lifetime' });
    const trial = first(merchant);
    setPaddleField(trial, 'data.details.totals', { subtotal: '0', discount: '0', tax: '0', total: '0', credit: '0', balance: '0', grand_total: '0', currency_code: 'EUR' });
    const [trialEvent = '', renewalEvent = ''] = await deliverPaddle(hub, merchant, [trial, renewal(merchant, { attributed: true })]);
    expect(await eventOf(merchant, trialEvent)).toMatchObject({ status: 'processed', conversionIds: [] });
    expect(await eventOf(merchant, renewalEvent)).toMatchObject({ status: 'processed' });
    expect(await conversionsOf(merchant)).toMatchObject([{ orderId: RENEWAL, conversionType: 'recurring', affiliateId: merchant.affiliateId, commission: 5.8 }]);
  });

  it('reverses a refunded renewal and leaves the first payment alone, even when the refund comes first', async () => {
    const merchant = await setUpPaddleMerchant(hub, { recurring: 'lifetime' });
    const refund = withPaddleEventId(paddleFixture('adjustment.updated.1'), 'renewalrefund');
    setPaddleField(refund, 'data.transaction_id', RENEWAL);
    setPaddleField(refund, 'data.subscription_id', 'sub_01kgj64pqmp5r1mpytfv79h06s');
    setPaddleField(refund, 'data.currency_code', 'EUR');
    setPaddleField(refund, 'data.totals', { subtotal: '2900', tax: '551', total: '3451', currency_code: 'EUR' });
    const [refundEvent = ''] = await deliverPaddle(hub, merchant, [refund]);
    expect(await eventOf(merchant, refundEvent)).toMatchObject({ status: 'waiting', waitingFor: `order:${RENEWAL}` });
    await deliverPaddle(hub, merchant, [first(merchant), renewal(merchant, { attributed: true })]);
    const conversions = await conversionsOf(merchant);
    const renewed = conversions.find((row) => row.orderId === RENEWAL);
    expect(renewed).toMatchObject({ refundedAmount: 34.51, commission: 0, status: 'reversed' });
    expect(ledgerSum(renewed!)).toBe(0);
    expect(conversions.find((row) => row.orderId === FIRST)).toMatchObject({ refundedAmount: 0, commission: 5.8, status: 'pending' });
    expect(await eventOf(merchant, refundEvent)).toMatchObject({ status: 'processed', conversionIds: [renewed?.id] });
  });

  it('ignores the renewals of a subscription whose first payment was not attributed', async () => {
    const merchant = await setUpPaddleMerchant(hub, { recurring: 'lifetime' });
    const unattributed = withPaddleAttribution(paddleFixture('transaction.completed.2'), { clickId: null, visitorId: null, programId: null });
    const [, renewalEvent = ''] = await deliverPaddle(hub, merchant, [unattributed, renewal(merchant, { attributed: false })]);
    const event = await eventOf(merchant, renewalEvent);
    expect(event).toMatchObject({ status: 'ignored', reason: 'unattributed' });
    expect(event.trace.join(' ')).toContain(`first sale ${FIRST} has no conversion`);
  });
});
