/**
 * The conversion lifecycle (SPEC §4, §9, §11): pending conversions become approved after the
 * campaign's hold period (never reversed or rejected ones), and every state change — and only a
 * change — puts exactly one event in the outbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOutboundEvents } from '../../src/db/repositories/outbound.repository.js';
import { attributedStripeFixture, conversionsOf, deliverStripe, sendStripeEvent, setUpStripeMerchant, stripeFixture, type StripeMerchant } from '../helpers/stripe.js';
import { apiClient, createCampaignWithAffiliate, createMerchant, createTestHub, subscribeToConversionEvents, type TestHub } from '../helpers/test-hub.js';

const DAY = 86_400_000;

describe('the hold period', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false, environment: { HUB_ALLOW_PRIVATE_NETWORK: '1' } });
  });
  afterAll(async () => hub.close());

  it('approves pending conversions once holdDays have passed since the sale, and announces it', async () => {
    const merchant = await createMerchant(hub);
    const api = apiClient(hub, merchant.writeKey);
    await subscribeToConversionEvents(api);
    const { campaignId, affiliateId } = await createCampaignWithAffiliate(hub, merchant, { holdDays: 14 });
    const created = (await api.post('/api/v1/conversions', { campaignId, affiliateId, amount: 50, orderId: 'hold-1' }).expect(201)).body.data as { id: string };
    const rejected = (await api.post('/api/v1/conversions', { campaignId, affiliateId, amount: 50, orderId: 'hold-2' }).expect(201)).body.data as { id: string };
    await api.patch(`/api/v1/conversions/${rejected.id}`, { status: 'rejected' }).expect(200);

    hub.clock.advance(14 * DAY - 1000);
    await hub.services.sweeper.runOnce();
    expect((await api.get(`/api/v1/conversions/${created.id}`).expect(200)).body.data.status).toBe('pending');

    hub.clock.advance(1000);
    expect((await hub.services.sweeper.runOnce()).approved).toBeGreaterThanOrEqual(1);
    expect((await api.get(`/api/v1/conversions/${created.id}`).expect(200)).body.data.status).toBe('approved');
    expect((await api.get(`/api/v1/conversions/${rejected.id}`).expect(200)).body.data.status).toBe('rejected');
    const events = await listOutboundEvents(hub.services.db, merchant.id, created.id);
    expect(events.map((event) => event.type)).toEqual(['conversion.created', 'conversion.updated']);
    expect(JSON.parse(events[1]!.body)).toMatchObject({ type: 'conversion.updated', data: { id: created.id, status: 'approved' } });
    // A second sweep finds nothing more to do.
    await hub.services.sweeper.runOnce();
    expect(await listOutboundEvents(hub.services.db, merchant.id, created.id)).toHaveLength(2);
  });

  it('never approves a reversed conversion, and approves at once when holdDays is 0', async () => {
    const merchant = await setUpStripeMerchant(hub, { holdDays: 0 });
    await deliverStripe(hub, merchant, [attributedStripeFixture('checkout.session.completed.1', merchant), attributedStripeFixture('payment_intent.succeeded.2', merchant), stripeFixture('charge.refunded.2')]);
    // The fixtures' sales are dated late 2026; the sweep runs after them.
    hub.clock.set(new Date('2026-12-01T00:00:00Z'));
    await hub.services.sweeper.runOnce();
    const conversions = await conversionsOf(merchant);
    expect(conversions.find((row) => row.currency === 'USD')).toMatchObject({ status: 'reversed' });
    expect(conversions.find((row) => row.currency === 'JPY')).toMatchObject({ status: 'approved' });
  });
});

describe('one outbound event per state change', () => {
  let hub: TestHub;
  let merchant: StripeMerchant;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false, environment: { HUB_ALLOW_PRIVATE_NETWORK: '1' } });
    merchant = await setUpStripeMerchant(hub);
    await subscribeToConversionEvents(merchant.api);
  });
  afterAll(async () => hub.close());

  const eventsOf = async (conversionId: string) => (await listOutboundEvents(hub.services.db, (await hub.services.db.selectFrom('conversion').select('merchant_id').where('id', '=', conversionId).executeTakeFirstOrThrow()).merchant_id, conversionId))
    .map((event) => ({ type: event.type, data: (JSON.parse(event.body) as { data: { status: string; commission: number } }).data }));

  it('announces creation, a partial refund and the full refund once each; re-deliveries and replays announce nothing', async () => {
    const ids = await deliverStripe(hub, merchant, [attributedStripeFixture('checkout.session.completed.1', merchant), stripeFixture('charge.refunded.1')]);
    await sendStripeEvent(hub, merchant.connectionId, stripeFixture('charge.refunded.1')).expect(200);
    await sendStripeEvent(hub, merchant.connectionId, attributedStripeFixture('payment_intent.succeeded.1', merchant)).expect(200);
    await hub.services.processor.drain();
    for (const eventId of ids) await merchant.api.post(`/api/v1/events/${eventId}/replay`).expect(200);
    await deliverStripe(hub, merchant, [stripeFixture('charge.refunded.2'), stripeFixture('charge.refunded.2')]);
    const [conversion] = await conversionsOf(merchant);
    const events = await eventsOf(conversion!.id);
    expect(events.map((event) => [event.type, event.data.status, event.data.commission])).toEqual([
      ['conversion.created', 'pending', 9],
      ['conversion.updated', 'pending', 7.18],
      ['conversion.reversed', 'reversed', 0],
    ]);
  });

  // A Stripe refund names only the PaymentIntent: it cannot be kept with an order nobody knows yet, so it
  // applies after the sale's transaction committed, and both states are announced.
  it('announces a sale and then the refund that was waiting for it', async () => {
    const own = await setUpStripeMerchant(hub);
    await subscribeToConversionEvents(own.api);
    await deliverStripe(hub, own, [stripeFixture('charge.refunded.1')]);
    await deliverStripe(hub, own, [attributedStripeFixture('checkout.session.completed.1', own)]);
    const [conversion] = await conversionsOf(own);
    expect((await eventsOf(conversion!.id)).map((event) => [event.type, event.data.commission])).toEqual([['conversion.created', 9], ['conversion.updated', 7.18]]);
  });
});

describe('outbound events only for endpoints that take them', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false, environment: { HUB_ALLOW_PRIVATE_NETWORK: '1' } });
  });
  afterAll(async () => hub.close());

  const outboxOf = async (merchantId: string) => hub.services.db.selectFrom('outbound_event').select(['type', 'conversion_id']).where('merchant_id', '=', merchantId).execute();
  const merchantOf = async (merchant: StripeMerchant) => (await merchant.api.get('/api/v1/connections').expect(200)).body.data[0].id as string;

  it('writes no outbound event for a merchant without an endpoint, and only the subscribed types for one with', async () => {
    const silent = await setUpStripeMerchant(hub);
    await deliverStripe(hub, silent, [attributedStripeFixture('checkout.session.completed.1', silent), stripeFixture('charge.refunded.1')]);
    expect(await conversionsOf(silent)).toHaveLength(1);
    const silentMerchant = (await hub.services.db.selectFrom('connection').select('merchant_id').where('id', '=', await merchantOf(silent)).executeTakeFirstOrThrow()).merchant_id;
    expect(await outboxOf(silentMerchant)).toEqual([]);

    const listening = await setUpStripeMerchant(hub);
    await listening.api.post('/api/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/created-only', events: ['conversion.created'] }).expect(201);
    await deliverStripe(hub, listening, [attributedStripeFixture('checkout.session.completed.1', listening), stripeFixture('charge.refunded.1')]);
    const listeningMerchant = (await hub.services.db.selectFrom('connection').select('merchant_id').where('id', '=', await merchantOf(listening)).executeTakeFirstOrThrow()).merchant_id;
    expect((await outboxOf(listeningMerchant)).map((event) => event.type)).toEqual(['conversion.created']);
  });
});
