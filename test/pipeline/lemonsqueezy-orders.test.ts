/**
 * Lemon Squeezy one-off orders end to end, through signed HTTP deliveries on both backends: a click
 * becomes a conversion through `meta.custom_data`, the order's cumulative `refunded_amount` reduces
 * commission pro rata, refunds that arrive first wait for their order, re-deliveries count once,
 * test-mode orders stay out of live connections, and bad signatures store nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotDatabase } from '../helpers/database-snapshot.js';
import {
  LEMON_SQUEEZY_SECRET,
  attributedLemonSqueezyFixture,
  deliverLemonSqueezy,
  lemonSqueezyFixture,
  sendLemonSqueezyEvent,
  setLemonSqueezyField,
  setUpLemonSqueezyMerchant,
  signLemonSqueezy,
  unattributedLemonSqueezyFixture,
  withLemonSqueezyAttribution,
} from '../helpers/lemonsqueezy.js';
import { conversionsOf, eventOf, ledgerSum } from '../helpers/stripe.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

const ORDER = '5218764';

describe('Lemon Squeezy one-off orders', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
  });
  afterAll(async () => hub.close());

  it('records a paid order as one pending conversion, attributed from meta.custom_data, with a readable trace', async () => {
    const merchant = await setUpLemonSqueezyMerchant(hub);
    const [eventId = ''] = await deliverLemonSqueezy(hub, merchant, [attributedLemonSqueezyFixture('order_created.1', merchant)]);
    const [conversion] = await conversionsOf(merchant);
    // Gross 52.48 with 8.38 VAT → net 44.10 → 20 % = 8.82.
    expect(conversion).toMatchObject({
      source: 'lemonsqueezy', orderId: ORDER, conversionType: 'one_time', currency: 'USD',
      amount: 52.48, taxAmount: 8.38, netAmount: 44.1, discountAmount: 4.9, commission: 8.82, status: 'pending',
      affiliateId: merchant.affiliateId, clickId: merchant.clickId, campaignId: merchant.campaignId,
    });
    const event = await eventOf(merchant, eventId);
    expect(event).toMatchObject({ status: 'processed', conversionIds: [conversion?.id] });
    expect(event.trace.join('\n')).toContain(`meta.custom_data click_id=${merchant.clickId} → click ${merchant.clickId} → affiliate ${merchant.affiliateId} in ${merchant.campaignId}`);
  });

  it('records the order under Lemon Squeezy’s own order id, so the same order posted through the API is a 409 duplicate', async () => {
    const merchant = await setUpLemonSqueezyMerchant(hub);
    await deliverLemonSqueezy(hub, merchant, [attributedLemonSqueezyFixture('order_created.1', merchant)]);
    const [recorded] = await conversionsOf(merchant);
    expect(recorded).toMatchObject({ source: 'lemonsqueezy', orderId: '5218764' });
    // A backfill script reporting the order as the merchant sees it in the Lemon Squeezy dashboard.
    const duplicate = await merchant.api.post('/api/v1/conversions', {
      campaignId: merchant.campaignId, affiliateId: merchant.affiliateId, amount: '52.48', currency: 'USD', orderId: '5218764',
    }).expect(409);
    expect(duplicate.body.error).toMatchObject({ code: 'duplicate', conversionId: recorded?.id });
    expect(await conversionsOf(merchant)).toEqual([recorded]);
  });

  it('answers a later Lemon Squeezy delivery of an order first reported through the API without a second conversion', async () => {
    const merchant = await setUpLemonSqueezyMerchant(hub);
    const posted = await merchant.api.post('/api/v1/conversions', {
      campaignId: merchant.campaignId, affiliateId: merchant.affiliateId, amount: '52.48', currency: 'USD', orderId: '5218764',
    }).expect(201);
    const [eventId = ''] = await deliverLemonSqueezy(hub, merchant, [attributedLemonSqueezyFixture('order_created.1', merchant)]);
    expect(await conversionsOf(merchant)).toMatchObject([{ id: posted.body.data.id, source: 'api', orderId: '5218764', amount: 52.48 }]);
    expect((await eventOf(merchant, eventId)).trace.join(' ')).toContain(`order 5218764 is already recorded as ${posted.body.data.id as string} (from api)`);
  });

  it('processes deliveries whose flags are 0/1 (refunded, test_mode) and still fails one whose amount is malformed', async () => {
    const merchant = await setUpLemonSqueezyMerchant(hub);
    const integerFlags = attributedLemonSqueezyFixture('order_created.1', merchant);
    Object.assign(integerFlags.data.attributes, { refunded: 0, test_mode: 0 });
    Object.assign(integerFlags.meta, { test_mode: 0 });
    const testOrder = setLemonSqueezyField(attributedLemonSqueezyFixture('order_created.3', merchant), 'data.attributes.test_mode', 1);
    const malformed = setLemonSqueezyField(attributedLemonSqueezyFixture('order_created.4', merchant), 'data.attributes.total', '46.41');
    const [sale = '', test = '', bad = ''] = await deliverLemonSqueezy(hub, merchant, [integerFlags, testOrder, malformed]);
    expect(await eventOf(merchant, sale)).toMatchObject({ status: 'processed' });
    expect(await eventOf(merchant, test)).toMatchObject({ status: 'ignored', reason: 'test_mode' });
    expect(await eventOf(merchant, bad)).toMatchObject({ status: 'failed', error: expect.stringMatching(/total/) });
    expect(await conversionsOf(merchant)).toMatchObject([{ orderId: ORDER, amount: 52.48, refundedAmount: 0 }]);
  });

  it('attributes through the visitor id alone when the checkout carried no click id', async () => {
    const merchant = await setUpLemonSqueezyMerchant(hub);
    const event = withLemonSqueezyAttribution(lemonSqueezyFixture('order_created.1'), { clickId: null, visitorId: merchant.visitorId, programId: null });
    await deliverLemonSqueezy(hub, merchant, [event]);
    expect(await conversionsOf(merchant)).toMatchObject([{ orderId: ORDER, affiliateId: merchant.affiliateId, clickId: merchant.clickId }]);
  });

  it('reduces commission pro rata on a partial refund and reverses it on the full refund', async () => {
    const merchant = await setUpLemonSqueezyMerchant(hub);
    await deliverLemonSqueezy(hub, merchant, [attributedLemonSqueezyFixture('order_created.1', merchant), lemonSqueezyFixture('order_refunded.1')]);
    let [conversion] = await conversionsOf(merchant);
    // 8.82 × (52.48 − 10.00) / 52.48 = 7.1393… → 7.14.
    expect(conversion).toMatchObject({ refundedAmount: 10, commission: 7.14, status: 'pending' });
    expect(conversion?.adjustments.map((line) => [line.type, line.commissionDelta])).toEqual([['commission', 8.82], ['refund', -1.68]]);

    await deliverLemonSqueezy(hub, merchant, [lemonSqueezyFixture('order_refunded.2')]);
    [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ refundedAmount: 52.48, commission: 0, status: 'reversed' });
    expect(ledgerSum(conversion!)).toBe(0);
  });

  it('keeps the largest refunded total: an older, smaller report arriving late changes nothing', async () => {
    const merchant = await setUpLemonSqueezyMerchant(hub);
    await deliverLemonSqueezy(hub, merchant, [attributedLemonSqueezyFixture('order_created.1', merchant), lemonSqueezyFixture('order_refunded.2')]);
    const [lateEvent = ''] = await deliverLemonSqueezy(hub, merchant, [lemonSqueezyFixture('order_refunded.1')]);
    const [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ refundedAmount: 52.48, commission: 0, status: 'reversed' });
    expect(conversion?.adjustments.map((line) => line.type)).toEqual(['commission', 'refund']);
    expect((await eventOf(merchant, lateEvent)).trace.join(' ')).toContain('already reflects this');
  });

  it('lets a refund that arrives before its order wait, then applies it when the order lands', async () => {
    const merchant = await setUpLemonSqueezyMerchant(hub);
    const [refundEventId = ''] = await deliverLemonSqueezy(hub, merchant, [lemonSqueezyFixture('order_refunded.1')]);
    expect(await eventOf(merchant, refundEventId)).toMatchObject({ status: 'waiting', waitingFor: `order:${ORDER}` });
    expect(await conversionsOf(merchant)).toEqual([]);

    await deliverLemonSqueezy(hub, merchant, [attributedLemonSqueezyFixture('order_created.1', merchant)]);
    const [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ refundedAmount: 10, commission: 7.14 });
    expect(await eventOf(merchant, refundEventId)).toMatchObject({ status: 'processed', conversionIds: [conversion?.id] });
  });

  it('stores a re-delivery once (same key, even with a new webhook_id) and a real change as a new event', async () => {
    const merchant = await setUpLemonSqueezyMerchant(hub);
    const order = attributedLemonSqueezyFixture('order_created.1', merchant);
    const first = await sendLemonSqueezyEvent(hub, merchant.connectionId, order).expect(200);
    const again = await sendLemonSqueezyEvent(hub, merchant.connectionId, order).expect(200);
    expect(again.body).toEqual({ received: true, eventId: first.body.eventId, duplicate: true });
    const resent = setLemonSqueezyField(attributedLemonSqueezyFixture('order_created.1', merchant), 'meta.webhook_id', 'b8d1f7e0-0c8e-4d2c-9d0f-5f3a1e2b7c64');
    expect((await sendLemonSqueezyEvent(hub, merchant.connectionId, resent).expect(200)).body).toMatchObject({ eventId: first.body.eventId, duplicate: true });

    const partial = await sendLemonSqueezyEvent(hub, merchant.connectionId, lemonSqueezyFixture('order_refunded.1')).expect(200);
    const full = await sendLemonSqueezyEvent(hub, merchant.connectionId, lemonSqueezyFixture('order_refunded.2')).expect(200);
    expect(new Set([first.body.eventId, partial.body.eventId, full.body.eventId]).size).toBe(3);
    expect(partial.body.duplicate).toBeUndefined();
    await hub.services.processor.drain();
    const conversions = await conversionsOf(merchant);
    expect(conversions).toHaveLength(1);
    expect(conversions[0]).toMatchObject({ refundedAmount: 52.48, status: 'reversed' });
  });

  it('stores twenty concurrent identical deliveries once and records one conversion', async () => {
    const merchant = await setUpLemonSqueezyMerchant(hub);
    const order = attributedLemonSqueezyFixture('order_created.1', merchant);
    const responses = await Promise.all(Array.from({ length: 20 }, () => sendLemonSqueezyEvent(hub, merchant.connectionId, order)));
    expect(responses.map((response) => response.status)).toEqual(Array<number>(20).fill(200));
    expect(new Set(responses.map((response) => response.body.eventId as string)).size).toBe(1);
    expect(responses.filter((response) => response.body.duplicate !== true)).toHaveLength(1);
    await hub.services.processor.drain();
    expect(await conversionsOf(merchant)).toMatchObject([{ orderId: ORDER, commission: 8.82 }]);
  });

  it('ignores a test-mode order on a live connection, and records it on a test connection', async () => {
    const live = await setUpLemonSqueezyMerchant(hub);
    const [ignored = ''] = await deliverLemonSqueezy(hub, live, [attributedLemonSqueezyFixture('order_created.3', live)]);
    expect(await eventOf(live, ignored)).toMatchObject({ status: 'ignored', reason: 'test_mode' });
    expect(await conversionsOf(live)).toEqual([]);

    const test = await setUpLemonSqueezyMerchant(hub, {}, { mode: 'test' });
    await deliverLemonSqueezy(hub, test, [attributedLemonSqueezyFixture('order_created.3', test)]);
    expect(await conversionsOf(test)).toMatchObject([{ orderId: '5219588', amount: 49 }]);
    const [liveOnTest = ''] = await deliverLemonSqueezy(hub, test, [attributedLemonSqueezyFixture('order_created.1', test)]);
    expect(await eventOf(test, liveOnTest)).toMatchObject({ status: 'ignored', reason: 'test_mode' });
  });

  it('ignores events without money, unpaid orders, unattributed orders and unknown programs, each with its reason', async () => {
    const merchant = await setUpLemonSqueezyMerchant(hub);
    const pending = setLemonSqueezyField(attributedLemonSqueezyFixture('order_created.1', merchant), 'data.attributes.status', 'pending');
    const unknownProgram = withLemonSqueezyAttribution(lemonSqueezyFixture('order_created.4'), { programId: 'camp_someone_else' });
    const ids = await deliverLemonSqueezy(hub, merchant, [
      attributedLemonSqueezyFixture('license_key_created.1', merchant), pending, unattributedLemonSqueezyFixture('order_created.2'), unknownProgram,
    ]);
    const events = await Promise.all(ids.map((id) => eventOf(merchant, id)));
    expect(events.map((event) => [event.status, event.reason])).toEqual([
      ['ignored', 'irrelevant_event'], ['ignored', 'unpaid'], ['ignored', 'unattributed'], ['ignored', 'unknown_campaign'],
    ]);
    expect(events[2]?.trace.join(' ')).toContain('no visitor_id/click_id in meta.custom_data');
    expect(await conversionsOf(merchant)).toEqual([]);
  });

  it('records JPY and KWD orders in their own minor units', async () => {
    const merchant = await setUpLemonSqueezyMerchant(hub);
    const yen = attributedLemonSqueezyFixture('order_created.1', merchant);
    Object.assign(yen.data, { id: '5230001' });
    Object.assign(yen.data.attributes, { currency: 'JPY', subtotal: 4536, discount_total: 0, tax: 454, total: 4990 });
    const dinar = attributedLemonSqueezyFixture('order_created.1', merchant);
    Object.assign(dinar.data, { id: '5230002' });
    Object.assign(dinar.data.attributes, { currency: 'KWD', subtotal: 12345, discount_total: 0, tax: 0, total: 12345 });
    const yenRefund = lemonSqueezyFixture('order_refunded.1');
    Object.assign(yenRefund.data, { id: '5230001' });
    Object.assign(yenRefund.data.attributes, { currency: 'JPY', total: 4990, refunded_amount: 1000 });
    await deliverLemonSqueezy(hub, merchant, [yen, dinar, yenRefund]);
    const conversions = await conversionsOf(merchant);
    // ¥4,990 with ¥454 tax → net ¥4,536 → 20 % = ¥907.2 → ¥907; after ¥1,000 back: 907 × 3990 / 4990 = 725.2 → ¥725.
    expect(conversions.find((row) => row.currency === 'JPY')).toMatchObject({ orderId: '5230001', amount: 4990, netAmount: 4536, refundedAmount: 1000, commission: 725 });
    // 12.345 KD, no tax → 20 % = 2.469 KD.
    expect(conversions.find((row) => row.currency === 'KWD')).toMatchObject({ orderId: '5230002', amount: 12.345, commission: 2.469 });
  });

  it('refuses a wrong secret, a tampered body and a missing signature with 400, storing nothing', async () => {
    const merchant = await setUpLemonSqueezyMerchant(hub);
    const before = await snapshotDatabase(hub.services.db);
    const body = JSON.stringify(attributedLemonSqueezyFixture('order_created.1', merchant));
    const post = () => hub.http.post(`/webhooks/lemonsqueezy/${merchant.connectionId}`).set('Content-Type', 'application/json').set('X-Event-Name', 'order_created');
    const wrong = await post().set('X-Signature', signLemonSqueezy(body, 'not-the-signing-secret-000')).send(body).expect(400);
    expect(wrong.body.error).toMatchObject({ code: 'invalid_signature', message: expect.stringMatching(/Lemon Squeezy signature verification failed/) });
    const tampered = await post().set('X-Signature', signLemonSqueezy(body)).send(body.replace('"total":5248', '"total":9248')).expect(400);
    expect(tampered.body.error.code).toBe('invalid_signature');
    const missing = await post().send(body).expect(400);
    expect(missing.body.error).toEqual({ code: 'invalid_signature', message: 'missing X-Signature header' });
    expect(await snapshotDatabase(hub.services.db)).toEqual(before);
  });

  it('accepts both signing secrets during a rotation, and only the new one after it', async () => {
    const merchant = await setUpLemonSqueezyMerchant(hub, {}, { secrets: ['ls-previous-secret-abcdef', LEMON_SQUEEZY_SECRET] });
    const order = attributedLemonSqueezyFixture('order_created.1', merchant);
    await sendLemonSqueezyEvent(hub, merchant.connectionId, order, { secret: 'ls-previous-secret-abcdef' }).expect(200);
    await sendLemonSqueezyEvent(hub, merchant.connectionId, lemonSqueezyFixture('order_refunded.1')).expect(200);
    await merchant.api.patch(`/api/v1/connections/${merchant.connectionId}`, { secrets: [LEMON_SQUEEZY_SECRET] }).expect(200);
    const refused = await sendLemonSqueezyEvent(hub, merchant.connectionId, lemonSqueezyFixture('order_refunded.2'), { secret: 'ls-previous-secret-abcdef' }).expect(400);
    expect(refused.body.error.code).toBe('invalid_signature');
    await hub.services.processor.drain();
    expect(await conversionsOf(merchant)).toMatchObject([{ orderId: ORDER, refundedAmount: 10 }]);
  });

  it('stores an authentic body it cannot read as failed, answers 200, and keeps it replayable', async () => {
    const merchant = await setUpLemonSqueezyMerchant(hub);
    const body = '{"meta": {"event_name": "order_created"}, "data": "surprise"}';
    const response = await hub.http.post(`/webhooks/lemonsqueezy/${merchant.connectionId}`).set('Content-Type', 'application/json')
      .set('X-Signature', signLemonSqueezy(body)).send(body).expect(200);
    const event = await eventOf(merchant, response.body.eventId as string);
    expect(event).toMatchObject({ status: 'failed', error: expect.stringMatching(/not a Lemon Squeezy webhook/) });
  });

  it('replays events without counting anything twice', async () => {
    const merchant = await setUpLemonSqueezyMerchant(hub);
    const [saleEvent = '', refundEvent = ''] = await deliverLemonSqueezy(hub, merchant, [attributedLemonSqueezyFixture('order_created.1', merchant), lemonSqueezyFixture('order_refunded.1')]);
    const before = await conversionsOf(merchant);
    for (const eventId of [saleEvent, refundEvent, saleEvent]) {
      expect((await merchant.api.post(`/api/v1/events/${eventId}/replay`).expect(200)).body.data.status).toBe('processed');
    }
    expect(await conversionsOf(merchant)).toEqual(before);
  });
});
