/**
 * A renewal whose subscription was tied to its first order by a link record (Lemon Squeezy's
 * `subscription_created` carries the order id) but whose first order has not arrived yet must wait
 * for that order, not be written off as unattributed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';
import { conversionsOf, eventOf } from '../helpers/stripe.js';
import * as lemon from '../helpers/lemonsqueezy.js';

describe('a renewal waits for the first sale its subscription is linked to', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false });
  });
  afterAll(async () => hub.close());

  it('link, then renewal without metadata, then the first order: the renewal is recorded', async () => {
    const merchant = await lemon.setUpLemonSqueezyMerchant(hub, { recurring: 'lifetime' });
    const renewal = lemon.unattributedLemonSqueezyFixture('subscription_payment_success.2');
    const [, renewalEvent = ''] = await lemon.deliverLemonSqueezy(hub, merchant, [lemon.lemonSqueezyFixture('subscription_created.1'), renewal]);
    expect(await eventOf(merchant, renewalEvent)).toMatchObject({ status: 'waiting' });
    await lemon.deliverLemonSqueezy(hub, merchant, [lemon.attributedLemonSqueezyFixture('order_created.2', merchant)]);
    expect(await eventOf(merchant, renewalEvent)).toMatchObject({ status: 'processed' });
    const conversions = await conversionsOf(merchant);
    expect(conversions).toHaveLength(2);
    // Lemon Squeezy's order does not say it starts a subscription, so only the renewal is typed as such.
    expect(conversions.find((row) => row.conversionType === 'recurring')).toMatchObject({ affiliateId: merchant.affiliateId });
  });
});
