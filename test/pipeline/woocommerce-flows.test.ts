/**
 * WooCommerce orders end to end, through signed HTTP deliveries on both backends: the creation ping
 * is answered and stores nothing; a paid order becomes a conversion through its `meta_data`; each
 * refund in `refunds[]` reduces commission pro rata and the `refunded` status reverses it; the same
 * order state delivered again is a duplicate at ingest; arrival order never matters; two stores of
 * one merchant stay apart through their order-id prefixes.
 *
 * WooCommerce core has no renewals, no chargebacks and no test mode (providers.md §6.2), so those
 * flows do not exist here; and since every delivery carries the whole order, a refund always comes
 * with its purchase: nothing waits, the order of arrival only changes which delivery records it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotDatabase } from '../helpers/database-snapshot.js';
import { conversionsOf, eventOf, ledgerSum } from '../helpers/stripe.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';
import {
  WOO_SECRET,
  WOO_STORE_URL,
  attributedWooDelivery,
  deliverWoo,
  sendWooEvent,
  sendWooPing,
  setUpWooMerchant,
  signWoo,
  wooDelivery,
  withWooAttribution,
  type WooMerchant,
} from '../helpers/woocommerce.js';

describe('WooCommerce orders', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
  });
  afterAll(async () => hub.close());

  it('answers the creation ping with 200 and stores nothing; anything else unsigned is refused, storing nothing', async () => {
    const merchant = await setUpWooMerchant(hub);
    const before = await snapshotDatabase(hub.services.db);
    const ping = await sendWooPing(hub, merchant.connectionId).expect(200);
    expect(ping.body).toEqual({ received: true });
    expect(await snapshotDatabase(hub.services.db)).toEqual(before);

    const notAPing = await sendWooPing(hub, merchant.connectionId, 'webhook_id=12&status=processing').expect(400);
    expect(notAPing.body.error).toEqual({ code: 'invalid_signature', message: 'missing X-WC-Webhook-Signature header' });
    const unsignedOrder = await hub.http.post(`/webhooks/woocommerce/${merchant.connectionId}`).set('Content-Type', 'application/json')
      .send(JSON.stringify(attributedWooDelivery('order.updated.1', merchant).order)).expect(400);
    expect(unsignedOrder.body.error.code).toBe('invalid_signature');
    expect(await snapshotDatabase(hub.services.db)).toEqual(before);
  });

  it('records nothing for the pending order, then one conversion once it is paid, with a readable trace', async () => {
    const merchant = await setUpWooMerchant(hub);
    const [pendingEvent = '', paidEvent = ''] = await deliverWoo(hub, merchant, [attributedWooDelivery('order.created.1', merchant), attributedWooDelivery('order.updated.1', merchant)]);
    expect(await eventOf(merchant, pendingEvent)).toMatchObject({ status: 'ignored', reason: 'unpaid' });
    const [conversion] = await conversionsOf(merchant);
    // 29.35 − 1.35 tax − 10.00 shipping = 18.00 net → 20 % = 3.60.
    expect(conversion).toMatchObject({
      source: 'woocommerce', orderId: '727', conversionType: 'one_time', currency: 'USD',
      amount: 29.35, taxAmount: 1.35, shippingAmount: 10, discountAmount: 5, netAmount: 18, commission: 3.6, status: 'pending',
      affiliateId: merchant.affiliateId, clickId: merchant.clickId, campaignId: merchant.campaignId,
    });
    const event = await eventOf(merchant, paidEvent);
    expect(event).toMatchObject({ status: 'processed', conversionIds: [conversion?.id] });
    expect(event.trace.join('\n')).toContain(`order meta_data click_id=${merchant.clickId} → click ${merchant.clickId} → affiliate ${merchant.affiliateId} in ${merchant.campaignId}`);
  });

  it('reduces commission with each partial refund and reverses it when the order is refunded', async () => {
    const merchant = await setUpWooMerchant(hub);
    await deliverWoo(hub, merchant, [attributedWooDelivery('order.updated.1', merchant), attributedWooDelivery('order.updated.2', merchant)]);
    let [conversion] = await conversionsOf(merchant);
    // 3.60 × (29.35 − 10.00) / 29.35 = 2.373… → 2.37.
    expect(conversion).toMatchObject({ refundedAmount: 10, commission: 2.37, status: 'pending' });
    await deliverWoo(hub, merchant, [attributedWooDelivery('order.updated.3', merchant)]);
    [conversion] = await conversionsOf(merchant);
    // Refunds 731 (10.00) and 735 (5.00): 3.60 × 14.35 / 29.35 = 1.760… → 1.76.
    expect(conversion).toMatchObject({ refundedAmount: 15, commission: 1.76, status: 'pending' });
    await deliverWoo(hub, merchant, [attributedWooDelivery('order.updated.4', merchant)]);
    [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ refundedAmount: 29.35, commission: 0, status: 'reversed' });
    expect(conversion?.adjustments.map((line) => [line.type, line.commissionDelta])).toEqual([['commission', 3.6], ['refund', -1.23], ['refund', -0.61], ['refund', -1.76]]);
    expect(ledgerSum(conversion!)).toBe(0);
  });

  it('treats the same order state delivered again as a duplicate at ingest (order.updated.8 is .1 with a new date_modified)', async () => {
    const merchant = await setUpWooMerchant(hub);
    const first = await sendWooEvent(hub, merchant.connectionId, attributedWooDelivery('order.updated.1', merchant)).expect(200);
    const again = await sendWooEvent(hub, merchant.connectionId, attributedWooDelivery('order.updated.1', merchant)).expect(200);
    const resent = await sendWooEvent(hub, merchant.connectionId, attributedWooDelivery('order.updated.8', merchant)).expect(200);
    expect(again.body).toEqual({ received: true, eventId: first.body.eventId, duplicate: true });
    expect(resent.body).toEqual({ received: true, eventId: first.body.eventId, duplicate: true });
    // Completion is a new state of the same paid order: stored and processed, and still one conversion.
    const completed = await sendWooEvent(hub, merchant.connectionId, attributedWooDelivery('order.updated.5', merchant)).expect(200);
    expect(completed.body.duplicate).toBeUndefined();
    await hub.services.processor.drain();
    expect(await eventOf(merchant, completed.body.eventId as string)).toMatchObject({ status: 'processed' });
    expect(await conversionsOf(merchant)).toMatchObject([{ orderId: '727', commission: 3.6 }]);
    const rows = await hub.services.db.selectFrom('inbound_event').select('id').where('connection_id', '=', merchant.connectionId).execute();
    expect(rows).toHaveLength(2);
  });

  it('ends the same whatever the arrival order: the refunded state first records the sale already reversed', async () => {
    const merchant = await setUpWooMerchant(hub);
    await deliverWoo(hub, merchant, [attributedWooDelivery('order.updated.4', merchant)]);
    const [reversed] = await conversionsOf(merchant);
    expect(reversed).toMatchObject({ orderId: '727', refundedAmount: 29.35, commission: 0, status: 'reversed' });
    const late = await deliverWoo(hub, merchant, ['order.updated.3', 'order.updated.1', 'order.updated.2', 'order.updated.5'].map((name) => attributedWooDelivery(name, merchant)));
    for (const eventId of late) expect(await eventOf(merchant, eventId)).toMatchObject({ status: 'processed' });
    const [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ refundedAmount: 29.35, commission: 0, status: 'reversed' });
    // The earlier states add no ledger line: the refunds they list are already counted.
    expect(conversion?.adjustments).toEqual(reversed?.adjustments);
    expect(ledgerSum(conversion!)).toBe(0);
  });

  it('applies a later refund state that arrives before an earlier one, and then ignores the earlier one', async () => {
    const merchant = await setUpWooMerchant(hub);
    await deliverWoo(hub, merchant, [attributedWooDelivery('order.updated.3', merchant)]);
    expect(await conversionsOf(merchant)).toMatchObject([{ refundedAmount: 15, commission: 1.76 }]);
    const [earlier = ''] = await deliverWoo(hub, merchant, [attributedWooDelivery('order.updated.2', merchant)]);
    expect((await eventOf(merchant, earlier)).trace.join(' ')).toContain('already reflects this');
    expect(await conversionsOf(merchant)).toMatchObject([{ refundedAmount: 15, commission: 1.76 }]);
  });

  it('stores twenty concurrent identical deliveries once and records one conversion', async () => {
    const merchant = await setUpWooMerchant(hub);
    const delivery = attributedWooDelivery('order.updated.1', merchant);
    const responses = await Promise.all(Array.from({ length: 20 }, () => sendWooEvent(hub, merchant.connectionId, delivery)));
    expect(responses.map((response) => response.status)).toEqual(Array<number>(20).fill(200));
    expect(new Set(responses.map((response) => response.body.eventId as string)).size).toBe(1);
    expect(responses.filter((response) => response.body.duplicate !== true)).toHaveLength(1);
    await hub.services.processor.drain();
    expect(await conversionsOf(merchant)).toMatchObject([{ orderId: '727', commission: 3.6 }]);
  });

  it('ignores unpaid statuses, other topics, unattributed orders and unknown programs, each with its reason', async () => {
    const merchant = await setUpWooMerchant(hub);
    const product = attributedWooDelivery('order.updated.1', merchant);
    product.headers['X-WC-Webhook-Topic'] = 'product.updated';
    const unattributed = withWooAttribution(wooDelivery('order.updated.1'), { clickId: null, visitorId: null, programId: null });
    const unknownProgram = withWooAttribution(wooDelivery('order.created.2'), { programId: 'camp_someone_else' });
    const ids = await deliverWoo(hub, merchant, [
      attributedWooDelivery('order.created.1', merchant), attributedWooDelivery('order.updated.6', merchant), attributedWooDelivery('order.updated.7', merchant),
      product, unattributed, unknownProgram,
    ]);
    const events = await Promise.all(ids.map((id) => eventOf(merchant, id)));
    expect(events.map((event) => [event.status, event.reason])).toEqual([
      ['ignored', 'unpaid'], ['ignored', 'unpaid'], ['ignored', 'unpaid'], ['ignored', 'irrelevant_event'], ['ignored', 'unattributed'], ['ignored', 'unknown_campaign'],
    ]);
    expect(events[1]?.trace.join(' ')).toContain('order 741 is checkout-draft: not paid');
    expect(events[4]?.trace.join(' ')).toContain('no visitor_id/click_id in order meta_data');
    expect(await conversionsOf(merchant)).toEqual([]);
  });

  it('records JPY and KWD orders exactly from their decimal strings', async () => {
    const merchant = await setUpWooMerchant(hub);
    const yen = attributedWooDelivery('order.created.2', merchant);
    await deliverWoo(hub, merchant, [yen, attributedWooDelivery('order.created.3', merchant)]);
    let conversions = await conversionsOf(merchant);
    // ¥4,990 incl. ¥454 tax → net ¥4,536 → 20 % = ¥907.2 → ¥907.
    expect(conversions.find((row) => row.currency === 'JPY')).toMatchObject({ orderId: '752', amount: 4990, taxAmount: 454, netAmount: 4536, commission: 907 });
    // 12.345 KD − 0.845 shipping = 11.500 → 20 % = 2.300 KD.
    expect(conversions.find((row) => row.currency === 'KWD')).toMatchObject({ orderId: '758', amount: 12.345, shippingAmount: 0.845, netAmount: 11.5, commission: 2.3 });

    yen.order.refunds = [{ id: 761, reason: '', total: '-1000' }];
    await deliverWoo(hub, merchant, [yen]);
    conversions = await conversionsOf(merchant);
    // 907 × (4990 − 1000) / 4990 = 725.2 → ¥725.
    expect(conversions.find((row) => row.currency === 'JPY')).toMatchObject({ refundedAmount: 1000, commission: 725 });
  });

  it('keeps two stores of one merchant apart through their order-id prefixes', async () => {
    const merchant = await setUpWooMerchant(hub, {}, { options: { storeUrl: WOO_STORE_URL, orderIdPrefix: 'shopA-' } });
    const second = await merchant.api.post('/api/v1/connections', {
      provider: 'woocommerce', campaignId: merchant.campaignId, secrets: [WOO_SECRET], options: { storeUrl: 'https://second.example.com/', orderIdPrefix: 'shopB-' },
    }).expect(201);
    const other: WooMerchant = { ...merchant, connectionId: second.body.data.id as string };
    await deliverWoo(hub, merchant, [attributedWooDelivery('order.updated.1', merchant)]);
    await deliverWoo(hub, other, [attributedWooDelivery('order.updated.2', merchant)]);
    const conversions = await conversionsOf(merchant);
    expect(conversions.map((row) => [row.orderId, row.refundedAmount]).sort()).toEqual([['shopA-727', 0], ['shopB-727', 10]]);
  });

  it('has no test mode: a test connection records store orders like a live one', async () => {
    const merchant = await setUpWooMerchant(hub, {}, { mode: 'test' });
    await deliverWoo(hub, merchant, [attributedWooDelivery('order.updated.1', merchant)]);
    expect(await conversionsOf(merchant)).toMatchObject([{ orderId: '727', commission: 3.6 }]);
  });

  it('refuses a wrong secret, a tampered body and a missing signature with 400, storing nothing', async () => {
    const merchant = await setUpWooMerchant(hub);
    const before = await snapshotDatabase(hub.services.db);
    const delivery = attributedWooDelivery('order.updated.1', merchant);
    const wrong = await sendWooEvent(hub, merchant.connectionId, delivery, { secret: 'not-the-webhook-secret' }).expect(400);
    expect(wrong.body.error).toMatchObject({ code: 'invalid_signature', message: expect.stringMatching(/WooCommerce signature verification failed/) });
    const body = JSON.stringify(delivery.order);
    const tampered = await hub.http.post(`/webhooks/woocommerce/${merchant.connectionId}`).set('Content-Type', 'application/json')
      .set('X-WC-Webhook-Topic', 'order.updated').set('X-WC-Webhook-Signature', signWoo(body)).send(body.replace('"total":"29.35"', '"total":"92.35"')).expect(400);
    expect(tampered.body.error.code).toBe('invalid_signature');
    expect(await snapshotDatabase(hub.services.db)).toEqual(before);
  });

  it('accepts both secrets during a rotation, and only the new one after it', async () => {
    const merchant = await setUpWooMerchant(hub, {}, { secrets: ['wooPreviousSecret0123456789', WOO_SECRET] });
    await sendWooEvent(hub, merchant.connectionId, attributedWooDelivery('order.updated.1', merchant), { secret: 'wooPreviousSecret0123456789' }).expect(200);
    await merchant.api.patch(`/api/v1/connections/${merchant.connectionId}`, { secrets: [WOO_SECRET] }).expect(200);
    await sendWooEvent(hub, merchant.connectionId, attributedWooDelivery('order.updated.2', merchant), { secret: 'wooPreviousSecret0123456789' }).expect(400);
    await sendWooEvent(hub, merchant.connectionId, attributedWooDelivery('order.updated.2', merchant)).expect(200);
    await hub.services.processor.drain();
    expect(await conversionsOf(merchant)).toMatchObject([{ orderId: '727', refundedAmount: 10 }]);
  });

  it('refuses a connection without a store URL, and never returns the REST keys', async () => {
    const merchant = await setUpWooMerchant(hub);
    const missing = await merchant.api.post('/api/v1/connections', { provider: 'woocommerce', campaignId: merchant.campaignId, secrets: [WOO_SECRET] }).expect(400);
    expect(missing.body.error.details).toEqual([{ field: 'options.storeUrl', message: expect.stringMatching(/required/) }]);
    const keyed = await merchant.api.post('/api/v1/connections', {
      provider: 'woocommerce', campaignId: merchant.campaignId, secrets: [WOO_SECRET],
      options: { storeUrl: WOO_STORE_URL, consumerKey: 'ck_0123456789abcdef0123', consumerSecret: 'cs_fedcba9876543210fedc' },
    }).expect(201);
    const shown = await merchant.api.get(`/api/v1/connections/${keyed.body.data.id}`).expect(200);
    expect(JSON.stringify(shown.body)).not.toMatch(/ck_0123456789abcdef0123|cs_fedcba9876543210fedc/);
  });

  it('stores an authentic body it cannot read as failed, answers 200', async () => {
    const merchant = await setUpWooMerchant(hub);
    const body = '{"id": "seven-two-seven"}';
    const response = await hub.http.post(`/webhooks/woocommerce/${merchant.connectionId}`).set('Content-Type', 'application/json')
      .set('X-WC-Webhook-Topic', 'order.updated').set('X-WC-Webhook-Signature', signWoo(body)).send(body).expect(200);
    expect(await eventOf(merchant, response.body.eventId as string)).toMatchObject({ status: 'failed', error: expect.stringMatching(/not a WooCommerce order/) });
  });

  it('replays events without counting anything twice', async () => {
    const merchant = await setUpWooMerchant(hub);
    const ids = await deliverWoo(hub, merchant, [attributedWooDelivery('order.updated.1', merchant), attributedWooDelivery('order.updated.2', merchant)]);
    const before = await conversionsOf(merchant);
    for (const eventId of [...ids, ...ids]) expect((await merchant.api.post(`/api/v1/events/${eventId}/replay`).expect(200)).body.data.status).toBe('processed');
    expect(await conversionsOf(merchant)).toEqual(before);
  });
});
