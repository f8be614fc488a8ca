/**
 * A subscription that starts with a free trial has no paid first sale: its first paid invoice is a
 * renewal of a subscription whose first invoice was zero. It must be recorded, not left waiting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributedStripeFixture, conversionsOf, deliverStripe, eventOf, setStripeField, setUpStripeMerchant, withStripeAttribution, type StripeFixture } from '../helpers/stripe.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

/** invoice.paid.1, as the zero-amount invoice a trial starts with. */
function trialInvoice(event: StripeFixture): StripeFixture {
  for (const field of ['amount_paid', 'amount_due', 'total', 'subtotal', 'total_excluding_tax', 'subtotal_excluding_tax']) setStripeField(event, `data.object.${field}`, 0);
  setStripeField(event, 'data.object.total_taxes', []);
  return event;
}

describe('Stripe subscriptions that start with a free trial', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
  });
  afterAll(async () => hub.close());

  it('records the first paid renewal after a trial, attributed by its metadata, and later renewals through it', async () => {
    const merchant = await setUpStripeMerchant(hub, { recurring: { months: 12 } });
    const [trialEvent = '', firstPaid = ''] = await deliverStripe(hub, merchant, [
      trialInvoice(attributedStripeFixture('invoice.paid.1', merchant)),
      attributedStripeFixture('invoice.paid.2', merchant),
    ]);
    expect(await eventOf(merchant, trialEvent)).toMatchObject({ status: 'processed' });
    expect(await eventOf(merchant, firstPaid)).toMatchObject({ status: 'processed' });
    const conversions = await conversionsOf(merchant);
    expect(conversions).toMatchObject([{ orderId: 'in_1UjW8d7HnQ2eLx4KteoaJA1C', conversionType: 'recurring', affiliateId: merchant.affiliateId, commission: 4 }]);

    // A later renewal without metadata is attributed through the first paid one.
    const later = withStripeAttribution(attributedStripeFixture('invoice.paid.2', merchant), { clickId: null, visitorId: null, programId: null });
    setStripeField(later, 'id', 'evt_later_renewal');
    setStripeField(later, 'data.object.id', 'in_later_renewal');
    await deliverStripe(hub, merchant, [later]);
    expect((await conversionsOf(merchant)).find((row) => row.orderId === 'in_later_renewal')).toMatchObject({ affiliateId: merchant.affiliateId, conversionType: 'recurring' });
  });

  it('records a renewal that carries its own attribution for a lifetime campaign even when no first sale is known', async () => {
    const merchant = await setUpStripeMerchant(hub, { recurring: 'lifetime' });
    await deliverStripe(hub, merchant, [attributedStripeFixture('invoice.paid.2', merchant)]);
    expect(await conversionsOf(merchant)).toMatchObject([{ conversionType: 'recurring', affiliateId: merchant.affiliateId }]);
  });
});
