/**
 * One-off Paddle Billing sales end to end, through signed HTTP deliveries on both backends: click →
 * `transaction.completed` (attributed through `custom_data`) → refund adjustments that count only
 * once approved → chargeback and its reversal; re-deliveries and replays (same `event_id`, new
 * `notification_id`) count once; arrival order never matters; JPY and KWD in their own minor units.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attributedPaddleFixture,
  deliverPaddle,
  paddleFixture,
  sendPaddleEvent,
  setPaddleField,
  setUpPaddleMerchant,
  withPaddleAttribution,
  withPaddleEventId,
  PADDLE_SANDBOX_SECRET,
  type PaddleFixture,
} from '../helpers/paddle.js';
import { conversionsOf, eventOf, ledgerSum } from '../helpers/stripe.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

const ORDER = 'txn_01kkc0w94tt29x4kad8y2xe71q';
const JPY_ORDER = 'txn_01kkzbd60nagsrg3z5hbf222nz';

function variant(name: string, changes: Record<string, unknown>, suffix?: string): PaddleFixture {
  let event = paddleFixture(name);
  for (const [path, value] of Object.entries(changes)) setPaddleField(event, path, value);
  if (suffix) event = withPaddleEventId(event, suffix);
  return event;
}

describe('Paddle one-off sales', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
  });
  afterAll(async () => hub.close());

  it('records a completed checkout as one pending conversion on the transaction, attributed through custom_data', async () => {
    const merchant = await setUpPaddleMerchant(hub);
    const [eventId = ''] = await deliverPaddle(hub, merchant, [attributedPaddleFixture('transaction.completed.1', merchant)]);
    const [conversion] = await conversionsOf(merchant);
    // Gross 49.05 (after the 5.00 discount, with 4.05 tax) → net 45.00 → 20 % = 9.00.
    expect(conversion).toMatchObject({
      source: 'paddle', orderId: ORDER, conversionType: 'one_time', currency: 'USD',
      amount: 49.05, taxAmount: 4.05, netAmount: 45, discountAmount: 5, commission: 9, status: 'pending',
      affiliateId: merchant.affiliateId, clickId: merchant.clickId, campaignId: merchant.campaignId,
      metadata: { paddle: { transaction: ORDER, customer: 'ctm_01kkc0xtk63d2p3920aw14x31x', invoiceNumber: '4183-10021', origin: 'web' } },
    });
    const event = await eventOf(merchant, eventId);
    expect(event).toMatchObject({ status: 'processed', conversionIds: [conversion?.id] });
    expect(event.trace.join('\n')).toContain(`transaction custom_data click_id=${merchant.clickId} → click ${merchant.clickId} → affiliate ${merchant.affiliateId} in ${merchant.campaignId}`);
  });

  it('answers a replayed notification (same event_id, new notification_id) as a duplicate of the original and counts the sale once', async () => {
    const merchant = await setUpPaddleMerchant(hub);
    const first = await sendPaddleEvent(hub, merchant.connectionId, attributedPaddleFixture('transaction.completed.1', merchant)).expect(200);
    expect(first.body).toEqual({ received: true, eventId: expect.stringMatching(/^ev_/) });
    const replay = await sendPaddleEvent(hub, merchant.connectionId, attributedPaddleFixture('transaction.completed.5', merchant)).expect(200);
    expect(replay.body).toEqual({ received: true, eventId: first.body.eventId, duplicate: true });
    // A retry of the very same notification, signed afresh a second later, too.
    hub.clock.advance(1000);
    const retry = await sendPaddleEvent(hub, merchant.connectionId, attributedPaddleFixture('transaction.completed.1', merchant)).expect(200);
    expect(retry.body).toEqual({ received: true, eventId: first.body.eventId, duplicate: true });
    await hub.services.processor.drain();
    const rows = await hub.services.db.selectFrom('inbound_event').select(['id', 'provider_event_id'])
      .where('connection_id', '=', merchant.connectionId).execute();
    expect(rows).toEqual([{ id: first.body.eventId, provider_event_id: 'evt_01kkc12m9rzfarg9r87k9dff2f' }]);
    expect(await conversionsOf(merchant)).toHaveLength(1);
  });

  it('stores twenty concurrent deliveries of one event once and records one conversion', async () => {
    const merchant = await setUpPaddleMerchant(hub);
    const bodies = ['transaction.completed.1', 'transaction.completed.5'].map((name) => attributedPaddleFixture(name, merchant));
    const responses = await Promise.all(Array.from({ length: 20 }, (_, index) => sendPaddleEvent(hub, merchant.connectionId, bodies[index % 2]!)));
    expect(responses.map((response) => response.status)).toEqual(Array<number>(20).fill(200));
    expect(new Set(responses.map((response) => response.body.eventId as string)).size).toBe(1);
    expect(responses.filter((response) => response.body.duplicate !== true)).toHaveLength(1);
    await hub.services.processor.drain();
    const conversions = await conversionsOf(merchant);
    expect(conversions).toHaveLength(1);
    expect(conversions[0]).toMatchObject({ orderId: ORDER, commission: 9 });
  });

  it('records a sale from transaction.paid alone, for endpoints subscribed only to it', async () => {
    const merchant = await setUpPaddleMerchant(hub);
    const [paid = ''] = await deliverPaddle(hub, merchant, [attributedPaddleFixture('transaction.paid.1', merchant), paddleFixture('adjustment.updated.1')]);
    const [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ orderId: ORDER, conversionType: 'one_time', amount: 49.05, taxAmount: 4.05, refundedAmount: 10 });
    // 9.00 × (49.05 − 10.00) / 49.05 = 7.165… → 7.17.
    expect(conversion).toMatchObject({ commission: 7.17 });
    expect(await eventOf(merchant, paid)).toMatchObject({ status: 'processed', conversionIds: [conversion?.id] });
  });

  it('counts the sale once whichever of transaction.paid and transaction.completed comes first, a refund once', async () => {
    for (const order of [['transaction.paid.1', 'transaction.completed.1'], ['transaction.completed.1', 'transaction.paid.1']]) {
      const merchant = await setUpPaddleMerchant(hub);
      const [first = '', second = ''] = await deliverPaddle(hub, merchant, [...order.map((name) => attributedPaddleFixture(name, merchant)), paddleFixture('adjustment.updated.1')]);
      const conversions = await conversionsOf(merchant);
      expect(conversions, order.join(' → ')).toHaveLength(1);
      expect(conversions[0]).toMatchObject({ amount: 49.05, taxAmount: 4.05, refundedAmount: 10, commission: 7.17 });
      expect(ledgerSum(conversions[0]!)).toBe(7.17);
      // Both events are processed; one recorded the sale, the other found it recorded.
      const traces = await Promise.all([first, second].map(async (id) => {
        const event = await eventOf(merchant, id);
        expect(event).toMatchObject({ status: 'processed', conversionIds: [conversions[0]?.id] });
        return event.trace.join(' ');
      }));
      expect(traces.filter((trace) => trace.includes(`→ conversion ${conversions[0]?.id}`))).toHaveLength(1);
    }
  });

  it('lets the completed transaction’s itemisation win over the paid one’s, whichever arrives first', async () => {
    // Paddle's customer-side totals are fixed at billing, so the two normally agree; should the paid
    // snapshot itemise the same gross differently, completion is Paddle's final account.
    const paidSplit = (merchant: Parameters<typeof attributedPaddleFixture>[1]) => {
      const paid = attributedPaddleFixture('transaction.paid.1', merchant);
      setPaddleField(paid, 'data.details.totals.tax', '0');
      setPaddleField(paid, 'data.details.totals.grand_total_tax', '0');
      return paid;
    };
    for (const paidFirst of [true, false]) {
      const merchant = await setUpPaddleMerchant(hub);
      const completed = attributedPaddleFixture('transaction.completed.1', merchant);
      await deliverPaddle(hub, merchant, paidFirst ? [paidSplit(merchant), completed] : [completed, paidSplit(merchant)]);
      const [conversion] = await conversionsOf(merchant);
      // Completed: 49.05 with 4.05 tax → 9.00, whichever came first.
      expect(conversion, paidFirst ? 'paid first' : 'completed first').toMatchObject({ amount: 49.05, taxAmount: 4.05, netAmount: 45, commission: 9 });
      expect(ledgerSum(conversion!)).toBe(9);
    }
  });

  it('counts a refund only once it is approved, never a rejected one, and reduces commission pro rata', async () => {
    const merchant = await setUpPaddleMerchant(hub);
    await deliverPaddle(hub, merchant, [attributedPaddleFixture('transaction.completed.1', merchant), paddleFixture('adjustment.created.1')]);
    let [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ refundedAmount: 0, commission: 9 });

    await deliverPaddle(hub, merchant, [paddleFixture('adjustment.updated.1')]);
    [conversion] = await conversionsOf(merchant);
    // 9.00 × (49.05 − 10.00) / 49.05 = 7.165… → 7.17.
    expect(conversion).toMatchObject({ refundedAmount: 10, commission: 7.17, status: 'pending' });
    expect(conversion?.adjustments.map((line) => [line.type, line.commissionDelta, line.reference])).toEqual([
      ['commission', 9, ORDER], ['refund', -1.83, 'adj_01kkgn8hdjw5ymzwjzsa4cycdd'],
    ]);

    // The 39.05 "full" refund is requested, then rejected: nothing changes either time.
    const [created = '', rejected = ''] = await deliverPaddle(hub, merchant, [paddleFixture('adjustment.created.2'), paddleFixture('adjustment.updated.2')]);
    for (const eventId of [created, rejected]) expect(await eventOf(merchant, eventId)).toMatchObject({ status: 'processed' });
    [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ refundedAmount: 10, commission: 7.17 });

    // Another 20.00, approved: the refunded total is the sum of the approved adjustments.
    await deliverPaddle(hub, merchant, [paddleFixture('adjustment.updated.3')]);
    [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ refundedAmount: 30, commission: 3.5, status: 'pending' });
    expect(ledgerSum(conversion!)).toBe(3.5);
  });

  it('reverses the conversion when the approved refunds reach the whole sale', async () => {
    const merchant = await setUpPaddleMerchant(hub);
    const approvedRemainder = variant('adjustment.updated.2', { 'data.status': 'approved' }, 'fullrefund');
    await deliverPaddle(hub, merchant, [attributedPaddleFixture('transaction.completed.1', merchant), paddleFixture('adjustment.updated.1'), approvedRemainder]);
    const [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ refundedAmount: 49.05, commission: 0, status: 'reversed' });
    expect(conversion?.adjustments.at(-1)).toMatchObject({ type: 'refund', reason: 'fully refunded' });
    expect(ledgerSum(conversion!)).toBe(0);
  });

  it('lets a refund that arrives before its sale wait, then applies it when the sale lands', async () => {
    const merchant = await setUpPaddleMerchant(hub);
    const [refundEvent = ''] = await deliverPaddle(hub, merchant, [paddleFixture('adjustment.updated.1')]);
    expect(await eventOf(merchant, refundEvent)).toMatchObject({ status: 'waiting', waitingFor: `order:${ORDER}` });
    expect(await conversionsOf(merchant)).toEqual([]);

    await deliverPaddle(hub, merchant, [attributedPaddleFixture('transaction.completed.1', merchant)]);
    const [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ refundedAmount: 10, commission: 7.17 });
    expect(await eventOf(merchant, refundEvent)).toMatchObject({ status: 'processed', conversionIds: [conversion?.id] });
  });

  it('reverses on a chargeback and restores on its reversal, with chargeback lines', async () => {
    const merchant = await setUpPaddleMerchant(hub);
    await deliverPaddle(hub, merchant, [attributedPaddleFixture('transaction.completed.1', merchant), paddleFixture('adjustment.created.3')]);
    let [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ commission: 0, status: 'reversed' });
    expect(conversion?.adjustments.at(-1)).toMatchObject({ type: 'chargeback', commissionDelta: -9, reason: 'dispute lost', reference: ORDER });

    await deliverPaddle(hub, merchant, [paddleFixture('adjustment.created.4')]);
    [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ commission: 9, status: 'pending' });
    expect(conversion?.adjustments.at(-1)).toMatchObject({ type: 'chargeback_won', commissionDelta: 9, reason: 'dispute won' });
    expect(ledgerSum(conversion!)).toBe(9);
  });

  it('keeps a won dispute won when the reversal arrives before the chargeback, and both before the sale', async () => {
    const merchant = await setUpPaddleMerchant(hub);
    const [reversal = '', chargeback = ''] = await deliverPaddle(hub, merchant, [paddleFixture('adjustment.created.4'), paddleFixture('adjustment.created.3')]);
    for (const eventId of [reversal, chargeback]) expect(await eventOf(merchant, eventId)).toMatchObject({ status: 'waiting', waitingFor: `order:${ORDER}` });
    await deliverPaddle(hub, merchant, [attributedPaddleFixture('transaction.completed.1', merchant)]);
    const [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ commission: 9, status: 'pending' });
    for (const eventId of [reversal, chargeback]) expect(await eventOf(merchant, eventId)).toMatchObject({ status: 'processed' });
  });

  it('records a JPY sale in whole yen and reverses it on a full refund', async () => {
    const merchant = await setUpPaddleMerchant(hub);
    await deliverPaddle(hub, merchant, [attributedPaddleFixture('transaction.completed.4', merchant)]);
    let [conversion] = await conversionsOf(merchant);
    // 4,990 yen with 454 tax → net 4,536 → 20 % = 907.2 → 907.
    expect(conversion).toMatchObject({ orderId: JPY_ORDER, currency: 'JPY', amount: 4990, taxAmount: 454, commission: 907 });
    await deliverPaddle(hub, merchant, [paddleFixture('adjustment.updated.4')]);
    [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ refundedAmount: 4990, commission: 0, status: 'reversed' });
    expect(ledgerSum(conversion!, 0)).toBe(0);
  });

  it('records a KWD sale in fils and refunds it in fils', async () => {
    // Paddle does not sell in KWD today (paddle-node-sdk src/enums/shared/currency-code.ts lists no
    // three-decimal currency); amounts in its "lowest denomination" would be fils, and are read so.
    const merchant = await setUpPaddleMerchant(hub);
    const totals = { subtotal: '11223', discount: '0', tax: '1122', total: '12345', credit: '0', grand_total: '12345', currency_code: 'KWD' };
    const sale = withPaddleAttribution(variant('transaction.completed.4', { 'data.currency_code': 'KWD', 'data.details.totals': totals }),
      { clickId: merchant.clickId, visitorId: merchant.visitorId, programId: merchant.campaignId });
    const refund = variant('adjustment.updated.4', { 'data.currency_code': 'KWD', 'data.totals': { subtotal: '1000', tax: '0', total: '1000', currency_code: 'KWD' } });
    await deliverPaddle(hub, merchant, [sale, refund]);
    const [conversion] = await conversionsOf(merchant);
    // Net 11.223 → 20 % = 2.2446 → 2.245; refunded 1.000 of 12.345 → 2.245 × 11.345 / 12.345 = 2.0631… → 2.063.
    expect(conversion).toMatchObject({ currency: 'KWD', amount: 12.345, taxAmount: 1.122, netAmount: 11.223, refundedAmount: 1, commission: 2.063 });
    expect(ledgerSum(conversion!, 3)).toBe(2.063);
  });

  it('ignores what is not a sale, and unattributed sales, each with its reason', async () => {
    const merchant = await setUpPaddleMerchant(hub);
    const events: [PaddleFixture, string, string][] = [
      [variant('transaction.paid.1', { 'data.status': 'billed' }, 'billed'), 'unpaid', 'is billed, not paid or completed'],
      [paddleFixture('subscription.canceled.1'), 'irrelevant_event', 'subscription.canceled does not affect conversions'],
      [variant('adjustment.created.3', { 'data.action': 'chargeback_warning' }, 'warning'), 'irrelevant_event', 'early warning'],
      [variant('adjustment.created.3', { 'data.action': 'credit' }, 'credit'), 'irrelevant_event', 'Paddle balance'],
      [variant('transaction.completed.4', { 'data.origin': 'subscription_payment_method_change' }, 'pmchange'), 'not_new_money', 'payment method change'],
      [withPaddleAttribution(paddleFixture('transaction.completed.1'), { clickId: null, visitorId: null, programId: null }), 'unattributed', 'no visitor_id/click_id in transaction custom_data'],
      [withPaddleAttribution(paddleFixture('transaction.completed.4'), { programId: 'camp_someone_else' }), 'unknown_campaign', 'program_id=camp_someone_else → not a campaign of this merchant'],
    ];
    const ids = await deliverPaddle(hub, merchant, events.map(([event]) => event));
    for (const [index, [, reason, words]] of events.entries()) {
      const event = await eventOf(merchant, ids[index]!);
      expect(event, reason).toMatchObject({ status: 'ignored', reason });
      expect(event.trace.join(' ')).toContain(words);
    }
    expect(await conversionsOf(merchant)).toEqual([]);
  });

  it('keeps refunds of an unattributed sale with its order, so they never wait', async () => {
    const merchant = await setUpPaddleMerchant(hub);
    const unattributed = withPaddleAttribution(paddleFixture('transaction.completed.1'), { clickId: null, visitorId: null, programId: null });
    const [, refund = ''] = await deliverPaddle(hub, merchant, [unattributed, paddleFixture('adjustment.updated.1')]);
    expect(await eventOf(merchant, refund)).toMatchObject({ status: 'processed', conversionIds: [] });
  });

  it('records sandbox events on a test connection: Paddle payloads carry no mode, the sandbox destination’s secret does', async () => {
    const sandbox = await setUpPaddleMerchant(hub, {}, { mode: 'test', secrets: [PADDLE_SANDBOX_SECRET] });
    const sale = attributedPaddleFixture('transaction.completed.1', sandbox);
    const response = await sendPaddleEvent(hub, sandbox.connectionId, sale, { secrets: [PADDLE_SANDBOX_SECRET] }).expect(200);
    await hub.services.processor.drain();
    expect(await eventOf(sandbox, response.body.eventId)).toMatchObject({ status: 'processed' });
    expect(await conversionsOf(sandbox)).toMatchObject([{ orderId: ORDER, commission: 9 }]);

    const live = await setUpPaddleMerchant(hub);
    const refused = await sendPaddleEvent(hub, live.connectionId, attributedPaddleFixture('transaction.completed.1', live), { secrets: [PADDLE_SANDBOX_SECRET] }).expect(400);
    expect(refused.body.error.code).toBe('invalid_signature');
  });

  it('replays events without counting anything twice', async () => {
    const merchant = await setUpPaddleMerchant(hub);
    const [sale = '', refund = '', chargeback = ''] = await deliverPaddle(hub, merchant, [
      attributedPaddleFixture('transaction.completed.1', merchant), paddleFixture('adjustment.updated.1'), paddleFixture('adjustment.created.3'),
    ]);
    const before = await conversionsOf(merchant);
    expect(before[0]).toMatchObject({ refundedAmount: 10, commission: 0, status: 'reversed' });
    for (const eventId of [sale, refund, chargeback, sale]) {
      const replay = await merchant.api.post(`/api/v1/events/${eventId}/replay`).expect(200);
      expect(replay.body.data.status).toBe('processed');
    }
    expect(await conversionsOf(merchant)).toEqual(before);
  });
});
