/**
 * Attribution by visitor id when clocks disagree (issue 12 point 7, SPEC §8): a store whose clock
 * runs behind reports a sale time before the click the hub recorded; the click still counts when it
 * was recorded before the delivery arrived and within the campaign's clock-skew allowance (15
 * minutes by default) of the reported sale time, and the trace says so. A click recorded after the
 * delivery arrived never counts, whatever the clocks say.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversionsOf, eventOf, sendStripeEvent, setUpStripeMerchant, stripeFixture, withEventId, withStripeAttribution } from '../helpers/stripe.js';
import { deliverWoo, sendWooEvent, setUpWooMerchant, withWooAttribution, wooDelivery, type WooMerchant } from '../helpers/woocommerce.js';
import { apiClient, createTestHub, type TestHub } from '../helpers/test-hub.js';

const MINUTE = 60_000;

/** WooCommerce writes `date_paid_gmt` to the second, without a zone: `2026-03-10T11:55:00`. */
function wooGmt(date: Date): string {
  return date.toISOString().slice(0, 19);
}

/** A paid order of the merchant's campaign, carrying only the visitor id, paid at `paidAt` by the store's clock. */
function paidOrder(merchant: Pick<WooMerchant, 'campaignId'>, visitorId: string, paidAt: Date, orderId: number) {
  const delivery = withWooAttribution(wooDelivery('order.updated.1'), { visitorId, programId: merchant.campaignId });
  Object.assign(delivery.order, { id: orderId, number: String(orderId), status: 'processing', date_paid_gmt: wooGmt(paidAt), date_completed_gmt: null });
  return delivery;
}

describe('attribution when the processor’s clock runs behind the hub’s', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
  });
  afterAll(async () => hub.close());

  async function newVisitor(merchant: WooMerchant): Promise<{ clickId: string; visitorId: string }> {
    const response = await merchant.api.post('/api/v1/clicks', { campaignId: merchant.campaignId, affiliateId: merchant.affiliateId }).expect(201);
    return response.body.data as { clickId: string; visitorId: string };
  }

  it('credits the click to a store whose clock is 5 minutes behind, and the trace says the allowance was used', async () => {
    const merchant = await setUpWooMerchant(hub);
    const visit = await newVisitor(merchant);
    hub.clock.advance(MINUTE);
    // Paid a minute after the click by the hub's clock; the store's clock, 5 minutes behind, says 4 minutes before.
    const [eventId = ''] = await deliverWoo(hub, merchant, [paidOrder(merchant, visit.visitorId, new Date(hub.clock.now().getTime() - 5 * MINUTE), 9001)]);
    const event = await eventOf(merchant, eventId);
    expect(event.status).toBe('processed');
    expect(event.trace.join('\n')).toMatch(new RegExp(`latest click ${visit.clickId} .*recorded 4 min after the reported sale time, before the delivery arrived: within the 15-minute clock-skew allowance`));
    expect((await conversionsOf(merchant)).map((conversion) => conversion.clickId)).toEqual([visit.clickId]);
  });

  it('does not let a click recorded after the delivery arrived take the sale', async () => {
    const merchant = await setUpWooMerchant(hub);
    const honest = await newVisitor(merchant);
    hub.clock.advance(2 * MINUTE);
    const delivery = paidOrder(merchant, honest.visitorId, new Date(hub.clock.now().getTime() - 5 * MINUTE), 9002);
    const eventId = (await sendWooEvent(hub, merchant.connectionId, delivery).expect(200)).body.eventId as string;
    // After the delivery arrived, and before it is processed, another affiliate's link is clicked by the same visitor.
    hub.clock.advance(30_000);
    const rival = await merchant.api.post('/api/v1/clicks', { campaignId: merchant.campaignId, affiliateId: merchant.affiliateId, visitorId: honest.visitorId }).expect(201);
    await hub.services.processor.drain();
    const [conversion] = await conversionsOf(merchant);
    expect(conversion?.clickId).toBe(honest.clickId);
    expect(conversion?.clickId).not.toBe(rival.body.data.clickId);
    expect((await eventOf(merchant, eventId)).status).toBe('processed');
  });

  it('does not reach back past the allowance: a click 20 minutes after the reported sale time does not count', async () => {
    const merchant = await setUpWooMerchant(hub);
    const visit = await newVisitor(merchant);
    hub.clock.advance(MINUTE);
    const [eventId = ''] = await deliverWoo(hub, merchant, [paidOrder(merchant, visit.visitorId, new Date(hub.clock.now().getTime() - 21 * MINUTE), 9003)]);
    expect(await eventOf(merchant, eventId)).toMatchObject({ status: 'ignored', reason: 'unattributed' });
  });

  it('takes the allowance from the campaign: with clockSkewMinutes 0 the 5-minute-behind store’s sale is unattributed', async () => {
    const merchant = await setUpWooMerchant(hub, { clockSkewMinutes: 0 });
    expect((await merchant.api.get(`/api/v1/campaigns/${merchant.campaignId}`).expect(200)).body.data.clockSkewMinutes).toBe(0);
    const visit = await newVisitor(merchant);
    hub.clock.advance(MINUTE);
    const [eventId = ''] = await deliverWoo(hub, merchant, [paidOrder(merchant, visit.visitorId, new Date(hub.clock.now().getTime() - 5 * MINUTE), 9004)]);
    expect(await eventOf(merchant, eventId)).toMatchObject({ status: 'ignored', reason: 'unattributed' });
    await apiClient(hub, merchant.writeKey).patch(`/api/v1/campaigns/${merchant.campaignId}`, { clockSkewMinutes: 1441 }).expect(400);
  });

  it('credits a click recorded within the second a processor truncates its sale time to', async () => {
    const merchant = await setUpStripeMerchant(hub);
    hub.clock.advance(700);
    const visit = (await merchant.api.post('/api/v1/clicks', { campaignId: merchant.campaignId, affiliateId: merchant.affiliateId }).expect(201)).body.data as { clickId: string; visitorId: string };
    // Stripe's `created` is whole seconds: the sale's second began before the click, 0.7 s into it.
    const event = withEventId(withStripeAttribution(stripeFixture('checkout.session.completed.1'), { clickId: null, visitorId: visit.visitorId, programId: merchant.campaignId }), 'evt_truncated');
    event.created = Math.floor(hub.clock.now().getTime() / 1000);
    await sendStripeEvent(hub, merchant.connectionId, event).expect(200);
    await hub.services.processor.drain();
    expect((await conversionsOf(merchant)).map((conversion) => conversion.clickId)).toEqual([visit.clickId]);
  });
});
