/**
 * GoPay end to end through HTTP on both backends: GoPay's bodiless `GET …?id=` notification, the
 * state read from the local GoPay API double (named through `options.apiBase`) deciding everything —
 * a purchase, its partial and full refunds, a refund seen before the payment, recurring payments and
 * their children, unpaid states, another GoID's payments — and re-deliveries that change nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGoPayApiDouble, type GoPayApiDouble } from '../../src/doubles/gopay-api-double.js';
import { snapshotDatabase } from '../helpers/database-snapshot.js';
import {
  attributedGoPayPayment,
  deliverGoPay,
  GOPAY_CLIENT_ID,
  GOPAY_CLIENT_SECRET,
  gopayPayment,
  gopayRefunds,
  notifyGoPay,
  Q1,
  setUpGoPayMerchant,
  withGoPayAttribution,
} from '../helpers/gopay.js';
import { conversionsOf, eventOf, ledgerSum } from '../helpers/stripe.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

const R1 = 3000007210;
const R1_CHILD = 3000008344;

describe('GoPay payments', () => {
  let hub: TestHub;
  let double: GoPayApiDouble;
  beforeAll(async () => {
    // The API double listens on loopback over http.
    hub = await createTestHub({ processInBackground: false, environment: { HUB_ALLOW_PRIVATE_NETWORK: '1' } });
    double = await startGoPayApiDouble({ clientId: GOPAY_CLIENT_ID, clientSecret: GOPAY_CLIENT_SECRET, clock: hub.clock });
  });
  afterAll(async () => {
    await hub.close();
    await double.close();
  });
  beforeEach(() => {
    double.recover();
    double.clearRequests();
  });

  it('records a PAID payment as one attributed conversion, answering GoPay 200 at once', async () => {
    const merchant = await setUpGoPayMerchant(hub, double);
    double.setPayment(attributedGoPayPayment('payment.PAID.1', merchant));
    const response = await notifyGoPay(hub, merchant.connectionId, Q1).expect(200);
    expect(response.body).toEqual({ received: true, eventId: expect.stringMatching(/^ev_/) });
    await hub.services.processor.drain();
    const [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({
      source: 'gopay', orderId: String(Q1), conversionType: 'one_time', currency: 'CZK', amount: 1399.5, commission: 279.9, status: 'pending',
      affiliateId: merchant.affiliateId, clickId: merchant.clickId, campaignId: merchant.campaignId,
    });
    const event = await eventOf(merchant, response.body.eventId as string);
    expect(event).toMatchObject({ status: 'processed', type: 'payment_notification', conversionIds: [conversion?.id] });
    expect(event.trace.join('\n')).toContain(`payment additional_params click_id=${merchant.clickId} → click ${merchant.clickId} → affiliate ${merchant.affiliateId}`);
  });

  it('follows the payment through a partial refund (SUCCESS refunds only) and the full refund, one event per state GoPay reported', async () => {
    const merchant = await setUpGoPayMerchant(hub, double);
    double.setPayment(attributedGoPayPayment('payment.PAID.1', merchant));
    const [paidEventId = ''] = await deliverGoPay(hub, merchant, [Q1]);

    double.setPayment(attributedGoPayPayment('payment.PARTIALLY_REFUNDED.1', merchant), gopayRefunds('refunds.1'));
    const again = await notifyGoPay(hub, merchant.connectionId, Q1).expect(200);
    // A new state is a new event, answered as one (not as a re-delivery of the PAID one).
    expect(again.body).toEqual({ received: true, eventId: expect.not.stringMatching(paidEventId) });
    await hub.services.processor.drain();
    let [conversion] = await conversionsOf(merchant);
    // SUCCESS 300.00 of 1399.50 (the FAILED 200.00 and REQUESTED 150.00 do not count): 279.90 × 1099.50 / 1399.50 = 219.90.
    expect(conversion).toMatchObject({ refundedAmount: 300, commission: 219.9, status: 'pending' });

    double.setPayment(attributedGoPayPayment('payment.REFUNDED.1', merchant), gopayRefunds('refunds.2'));
    const [refundedEventId = ''] = await deliverGoPay(hub, merchant, [Q1]);
    [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ refundedAmount: 1399.5, commission: 0, status: 'reversed' });
    expect(conversion?.adjustments.map((line) => [line.type, line.commissionDelta])).toEqual([['commission', 279.9], ['refund', -60], ['refund', -219.9]]);

    // Each state its own event, named by it, with its own trace; the PAID event's trace is its own still.
    const events = (await merchant.api.get(`/api/v1/events?connectionId=${merchant.connectionId}`).expect(200)).body.data as { id: string; providerEventId: string; status: string; trace: string[] }[];
    expect(events.map((event) => event.providerEventId).sort()).toEqual([`payment:${Q1}:PAID`, `payment:${Q1}:PARTIALLY_REFUNDED:30000`, `payment:${Q1}:REFUNDED`]);
    expect(events.every((event) => event.status === 'processed')).toBe(true);
    const paid = await eventOf(merchant, paidEventId);
    expect(paid.trace[0]).toBe(`gopay payment_notification payment:${Q1}:PAID`);
    expect(paid.trace.join(' ')).not.toMatch(/refund/i);
    expect((await eventOf(merchant, refundedEventId)).trace[0]).toBe(`gopay payment_notification payment:${Q1}:REFUNDED`);
  });

  it('keeps two partial refunds of one payment apart: each refunded total is a state of its own', async () => {
    const merchant = await setUpGoPayMerchant(hub, double);
    double.setPayment(attributedGoPayPayment('payment.PARTIALLY_REFUNDED.1', merchant), gopayRefunds('refunds.1'));
    await deliverGoPay(hub, merchant, [Q1]);
    const [first] = gopayRefunds('refunds.1').filter((refund) => refund.state === 'SUCCESS');
    double.setRefunds(Q1, [...gopayRefunds('refunds.1'), { ...(first ?? { currency: 'CZK' }), id: 99, state: 'SUCCESS', amount: 10000 }]);
    const [secondEventId = ''] = await deliverGoPay(hub, merchant, [Q1]);
    expect((await eventOf(merchant, secondEventId)).status).toBe('processed');
    const [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ refundedAmount: 400 });
  });

  it('records the purchase and its full refund when GoPay’s first notification it sees is already REFUNDED', async () => {
    const merchant = await setUpGoPayMerchant(hub, double);
    double.setPayment(attributedGoPayPayment('payment.REFUNDED.1', merchant));
    await deliverGoPay(hub, merchant, [Q1]);
    expect(await conversionsOf(merchant)).toMatchObject([{ orderId: String(Q1), amount: 1399.5, refundedAmount: 1399.5, commission: 0, status: 'reversed' }]);
  });

  it('folds a notification of a state already stored into that event: nothing applied twice, and its trace says so', async () => {
    const merchant = await setUpGoPayMerchant(hub, double);
    double.setPayment(attributedGoPayPayment('payment.PARTIALLY_REFUNDED.1', merchant), gopayRefunds('refunds.1'));
    const [eventId = ''] = await deliverGoPay(hub, merchant, [Q1]);
    const before = await conversionsOf(merchant);
    const [repeatId = ''] = await deliverGoPay(hub, merchant, [Q1]);
    expect(repeatId).not.toBe(eventId);
    expect(await conversionsOf(merchant)).toEqual(before);
    expect(ledgerSum(before[0]!)).toBe(219.9);
    // One stored event per (payment, state): the repeat is gone, and the stored event says it came again.
    const events = (await merchant.api.get(`/api/v1/events?connectionId=${merchant.connectionId}`).expect(200)).body.data as { id: string }[];
    expect(events.map((event) => event.id)).toEqual([eventId]);
    expect((await eventOf(merchant, eventId)).trace.at(-1)).toMatch(new RegExp(`notified again \\(${repeatId}\\); the processor reports the same state, nothing new`));
  });

  it('stores twenty concurrent notifications as one event and records one conversion', async () => {
    const merchant = await setUpGoPayMerchant(hub, double);
    double.setPayment(attributedGoPayPayment('payment.PAID.1', merchant));
    const responses = await Promise.all(Array.from({ length: 20 }, () => notifyGoPay(hub, merchant.connectionId, Q1)));
    expect(responses.map((response) => response.status)).toEqual(Array<number>(20).fill(200));
    expect(new Set(responses.map((response) => response.body.eventId as string)).size).toBe(1);
    await hub.services.processor.drain();
    const conversions = await conversionsOf(merchant);
    expect(conversions).toHaveLength(1);
    expect(ledgerSum(conversions[0]!)).toBe(279.9);
  });

  it('ignores unpaid states, then records the payment when it is PAID', async () => {
    const merchant = await setUpGoPayMerchant(hub, double);
    for (const state of ['payment.CREATED.1', 'payment.PAYMENT_METHOD_CHOSEN.1']) {
      double.setPayment(attributedGoPayPayment(state, merchant));
      const [eventId = ''] = await deliverGoPay(hub, merchant, [Q1]);
      expect(await eventOf(merchant, eventId)).toMatchObject({ status: 'ignored', reason: 'unpaid' });
    }
    for (const state of ['payment.AUTHORIZED.1', 'payment.CANCELED.1', 'payment.TIMEOUTED.1']) {
      const payment = attributedGoPayPayment(state, merchant);
      double.setPayment(payment);
      const [eventId = ''] = await deliverGoPay(hub, merchant, [payment.id]);
      const event = await eventOf(merchant, eventId);
      expect(event).toMatchObject({ status: 'ignored', reason: 'unpaid' });
      expect(event.trace.join(' ')).toContain(`is ${payment.state}`);
    }
    expect(await conversionsOf(merchant)).toEqual([]);
    double.setPayment(attributedGoPayPayment('payment.PAID.1', merchant));
    await deliverGoPay(hub, merchant, [Q1]);
    expect(await conversionsOf(merchant)).toMatchObject([{ orderId: String(Q1) }]);
  });

  describe('recurring payments', () => {
    const parentAndChild = (merchant: Parameters<typeof attributedGoPayPayment>[1]) => {
      double.setPayment(attributedGoPayPayment('payment.PAID.2', merchant));
      double.setPayment(gopayPayment('payment.PAID.3'));
    };

    it('ignores children when the campaign pays no recurring commission', async () => {
      const merchant = await setUpGoPayMerchant(hub, double);
      parentAndChild(merchant);
      const [, childEvent = ''] = await deliverGoPay(hub, merchant, [R1, R1_CHILD]);
      expect(await eventOf(merchant, childEvent)).toMatchObject({ status: 'ignored', reason: 'recurring_disabled' });
      expect(await conversionsOf(merchant)).toMatchObject([{ orderId: String(R1), conversionType: 'subscription', amount: 299, commission: 59.8 }]);
    });

    it('records a child as a renewal of its parent for a lifetime campaign, attributed through the recurrence', async () => {
      const merchant = await setUpGoPayMerchant(hub, double, { campaign: { recurring: 'lifetime' } });
      parentAndChild(merchant);
      const [, childEvent = ''] = await deliverGoPay(hub, merchant, [R1, R1_CHILD]);
      expect((await conversionsOf(merchant)).find((row) => row.orderId === String(R1_CHILD))).toMatchObject({ conversionType: 'recurring', affiliateId: merchant.affiliateId, commission: 59.8 });
      expect((await eventOf(merchant, childEvent)).trace.join(' ')).toMatch(new RegExp(`gopay:recurrence:${R1} → first [^→]*${R1}`));
    });

    it('stops paying children after the campaign’s recurring window (a child is dated by its notification)', async () => {
      for (const [daysLater, expected] of [[20, 'processed'], [45, 'ignored']] as const) {
        const merchant = await setUpGoPayMerchant(hub, double, { campaign: { recurring: { months: 1 } } });
        parentAndChild(merchant);
        await deliverGoPay(hub, merchant, [R1]);
        hub.clock.advance(daysLater * 86_400_000);
        const [childEvent = ''] = await deliverGoPay(hub, merchant, [R1_CHILD]);
        const event = await eventOf(merchant, childEvent);
        expect(event.status, `${daysLater} days later`).toBe(expected);
        if (expected === 'ignored') expect(event.reason).toBe('recurring_window_ended');
      }
    });

    it('lets a child notified before its parent wait for the recurrence, then records it', async () => {
      const merchant = await setUpGoPayMerchant(hub, double, { campaign: { recurring: { months: 12 } } });
      parentAndChild(merchant);
      const [childEvent = ''] = await deliverGoPay(hub, merchant, [R1_CHILD]);
      expect(await eventOf(merchant, childEvent)).toMatchObject({ status: 'waiting', waitingFor: `gopay:recurrence:${R1}` });
      await deliverGoPay(hub, merchant, [R1]);
      expect((await conversionsOf(merchant)).map((row) => row.orderId).sort()).toEqual([String(R1), String(R1_CHILD)]);
      expect(await eventOf(merchant, childEvent)).toMatchObject({ status: 'processed' });
    });
  });

  it('ignores a payment paid to another GoID, and one GoPay does not know, as foreign_account', async () => {
    const merchant = await setUpGoPayMerchant(hub, double);
    const foreign = attributedGoPayPayment('payment.PAID.5', merchant);
    double.setPayment(foreign);
    const [foreignEvent = '', unknownEvent = ''] = await deliverGoPay(hub, merchant, [foreign.id, 3000000001]);
    const event = await eventOf(merchant, foreignEvent);
    expect(event).toMatchObject({ status: 'ignored', reason: 'foreign_account' });
    expect(event.trace.join(' ')).toContain("payment 3000009377 is paid to GoID 8987654321, not this connection's GoID 8123456789 → foreign_account");
    expect(await eventOf(merchant, unknownEvent)).toMatchObject({ status: 'ignored', reason: 'foreign_account' });
    expect(await conversionsOf(merchant)).toEqual([]);
  });

  it('accepts the goid as a numeric string too', async () => {
    const merchant = await setUpGoPayMerchant(hub, double, { connectionOptions: { goid: '8123456789' } });
    double.setPayment(attributedGoPayPayment('payment.PAID.4', merchant));
    await deliverGoPay(hub, merchant, [3000009102]);
    expect(await conversionsOf(merchant)).toMatchObject([{ currency: 'EUR', amount: 59.9, commission: 11.98 }]);
  });

  it.each([
    ['no id', ''],
    ['an empty id', '?id='],
    ['a non-numeric id', '?id=3000006529%27%20or%201%3D1'],
  ])('refuses a notification with %s: 400 invalid_signature, nothing stored, GoPay not asked', async (_label, query) => {
    const merchant = await setUpGoPayMerchant(hub, double);
    const before = await snapshotDatabase(hub.services.db);
    const response = await hub.http.get(`/webhooks/gopay/${merchant.connectionId}${query}`).expect(400);
    expect(response.body.error.code).toBe('invalid_signature');
    expect(response.body.error.message).toMatch(/GoPay notification/);
    expect(await snapshotDatabase(hub.services.db)).toEqual(before);
    expect(double.requests).toHaveLength(0);
  });

  it('accepts the notification as a POST, with the id in the query or a form body', async () => {
    const merchant = await setUpGoPayMerchant(hub, double);
    double.setPayment(withGoPayAttribution(gopayPayment('payment.PAID.1'), { clickId: merchant.clickId, visitorId: null, programId: null }));
    const viaQuery = await notifyGoPay(hub, merchant.connectionId, Q1, { method: 'POST' }).expect(200);
    const viaForm = await notifyGoPay(hub, merchant.connectionId, Q1, { method: 'POST', idIn: 'form' }).expect(200);
    expect(viaForm.body).toEqual({ received: true, eventId: viaQuery.body.eventId, duplicate: true });
    await hub.services.processor.drain();
    expect(await conversionsOf(merchant)).toHaveLength(1);
  });
});
