/**
 * What processing stores is what a later event can use: a converted sale does not also store "order
 * seen" (its conversion says so), yet still wakes what waits for it; a sale that earns nothing does
 * store it, so its refunds need not wait; and no outbound event is written for a merchant with no
 * endpoint subscribed to it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attributedStripeFixture,
  conversionsOf,
  deliverStripe,
  eventOf,
  setUpStripeMerchant,
  stripeFixture,
  withStripeAttribution,
  type StripeMerchant,
} from '../helpers/stripe.js';
import { attributedPaddleFixture, deliverPaddle, paddleFixture, setUpPaddleMerchant } from '../helpers/paddle.js';
import { createTestHub, subscribeToConversionEvents, type TestHub } from '../helpers/test-hub.js';

const ORDER = 'pi_3UaQ2m7HnQ2eLx4K5NJRWjM5';

describe('what processing stores', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ processInBackground: false, environment: { HUB_ALLOW_PRIVATE_NETWORK: '1' } });
  });
  afterAll(async () => hub?.close());

  async function merchantIdOf(merchant: StripeMerchant): Promise<string> {
    const row = await hub.database.db.selectFrom('connection').select('merchant_id').where('id', '=', merchant.connectionId).executeTakeFirstOrThrow();
    return row.merchant_id;
  }

  async function referencesOf(merchant: StripeMerchant): Promise<string[]> {
    const rows = await hub.database.db.selectFrom('order_reference').select('reference').where('merchant_id', '=', await merchantIdOf(merchant)).execute();
    return rows.map((row) => row.reference).sort();
  }

  async function outboundCountOf(merchant: StripeMerchant): Promise<number> {
    const rows = await hub.database.db.selectFrom('outbound_event').select('id').where('merchant_id', '=', await merchantIdOf(merchant)).execute();
    return rows.length;
  }

  it('a converted sale stores no "order seen" reference and, with no endpoint, no outbound event; its refund still applies', async () => {
    const merchant = await setUpStripeMerchant(hub);
    await deliverStripe(hub, merchant, [attributedStripeFixture('payment_intent.succeeded.1', merchant)]);
    expect(await conversionsOf(merchant)).toHaveLength(1);
    expect(await referencesOf(merchant)).not.toContain(`order:${ORDER}`);
    expect(await outboundCountOf(merchant)).toBe(0);

    await deliverStripe(hub, merchant, [stripeFixture('charge.refunded.1')]);
    expect((await conversionsOf(merchant))[0]).toMatchObject({ orderId: ORDER, refundedAmount: 10 });
    expect(await outboundCountOf(merchant)).toBe(0);
  });

  it('a merchant subscribed to conversion events gets them written', async () => {
    const merchant = await setUpStripeMerchant(hub);
    await subscribeToConversionEvents(merchant.api);
    await deliverStripe(hub, merchant, [attributedStripeFixture('payment_intent.succeeded.1', merchant), stripeFixture('charge.refunded.1')]);
    const types = await hub.database.db.selectFrom('outbound_event').select('type').where('merchant_id', '=', await merchantIdOf(merchant)).orderBy('sequence').execute();
    expect(types.map((row) => row.type)).toEqual(['conversion.created', 'conversion.updated']);
  });

  it('a sale that earns nothing stores "order seen", so its refund is processed instead of waiting', async () => {
    const merchant = await setUpStripeMerchant(hub);
    const unattributed = withStripeAttribution(stripeFixture('payment_intent.succeeded.1'), { clickId: 'clk_000000000000000000none', visitorId: null, programId: null });
    const [saleEvent = '', refundEvent = ''] = await deliverStripe(hub, merchant, [unattributed, stripeFixture('charge.refunded.1')]);
    expect(await eventOf(merchant, saleEvent)).toMatchObject({ status: 'ignored', reason: 'unattributed' });
    expect(await referencesOf(merchant)).toContain(`order:${ORDER}`);
    expect(await eventOf(merchant, refundEvent)).toMatchObject({ status: 'processed', conversionIds: [] });
  });

  it('a refund waiting for its sale is woken by the sale that converts, though "order seen" is not stored', async () => {
    const merchant = await setUpPaddleMerchant(hub);
    const transaction = 'txn_01kkc0w94tt29x4kad8y2xe71q';
    const [refundEvent = ''] = await deliverPaddle(hub, merchant, [paddleFixture('adjustment.updated.1')]);
    expect(await eventOf(merchant, refundEvent)).toMatchObject({ status: 'waiting', waitingFor: `order:${transaction}` });

    await deliverPaddle(hub, merchant, [attributedPaddleFixture('transaction.completed.1', merchant)]);
    expect(await eventOf(merchant, refundEvent)).toMatchObject({ status: 'processed' });
    expect((await conversionsOf(merchant))[0]).toMatchObject({ orderId: transaction, refundedAmount: 10 });
    expect(await referencesOf(merchant)).not.toContain(`order:${transaction}`);
  });
});
