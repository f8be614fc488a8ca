/**
 * The payloads the processors and their SDKs publish (fixtures/README.md, "Published payloads"),
 * end to end: each signed with its processor's real scheme, POSTed to `/webhooks/<provider>/<id>`,
 * and read back as the stored conversion in integer minor units — including a zero-decimal (JPY)
 * and a three-decimal (KWD) case wherever the processor can sell in them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGoPayApiDouble, type GoPayApiDouble, type GoPayPayment } from '../../src/doubles/gopay-api-double.js';
import { deliverGoPay, GOPAY_CLIENT_ID, GOPAY_CLIENT_SECRET, gopayPayment, gopayRefunds, setUpGoPayMerchant, withGoPayAttribution } from '../helpers/gopay.js';
import { attributedGumroadFixture, deliverGumroad, gumroadJsonFixture, setUpGumroadMerchant } from '../helpers/gumroad.js';
import { attributedLemonSqueezyFixture, deliverLemonSqueezy, lemonSqueezyFixture, setUpLemonSqueezyMerchant } from '../helpers/lemonsqueezy.js';
import { attributedPaddleFixture, deliverPaddle, paddleFixture, setPaddleField, setUpPaddleMerchant, withPaddleEventId } from '../helpers/paddle.js';
import { attributedStripeFixture, conversionsOf, deliverStripe, setStripeField, setUpStripeMerchant, stripeFixture, withEventId, type StripeFixture } from '../helpers/stripe.js';
import { createTestHub, type ConnectedMerchant, type TestHub } from '../helpers/test-hub.js';
import { attributedWooDelivery, deliverWoo, setUpWooMerchant } from '../helpers/woocommerce.js';

/** A conversion as stored: every amount an integer of minor units of its currency. */
interface StoredMoney {
  order_id: string;
  currency: string;
  conversion_type: string;
  amount: number;
  tax_amount: number;
  shipping_amount: number;
  discount_amount: number;
  refunded_amount: number;
  commission: number;
  status: string;
}

describe('published payloads, end to end', () => {
  let hub: TestHub;
  let gopay: GoPayApiDouble;
  beforeAll(async () => {
    // The GoPay API double listens on loopback over http.
    hub = await createTestHub({ processInBackground: false, environment: { HUB_ALLOW_PRIVATE_NETWORK: '1' } });
    gopay = await startGoPayApiDouble({ clientId: GOPAY_CLIENT_ID, clientSecret: GOPAY_CLIENT_SECRET, clock: hub.clock });
  });
  afterAll(async () => {
    await hub.close();
    await gopay.close();
  });

  /** The merchant's conversions straight from the table, by order id. */
  async function stored(merchant: Pick<ConnectedMerchant, 'campaignId'>): Promise<Record<string, StoredMoney>> {
    const rows = await hub.services.db.selectFrom('conversion')
      .select(['order_id', 'currency', 'conversion_type', 'amount', 'tax_amount', 'shipping_amount', 'discount_amount', 'refunded_amount', 'commission', 'status'])
      .where('campaign_id', '=', merchant.campaignId).execute();
    for (const row of rows) {
      for (const value of [row.amount, row.tax_amount, row.shipping_amount, row.discount_amount, row.refunded_amount, row.commission]) expect(Number.isSafeInteger(value), `${row.order_id}: ${value}`).toBe(true);
    }
    return Object.fromEntries(rows.map((row) => [row.order_id, row]));
  }

  describe('Stripe, one delivery per API version', () => {
    it('2020-08-27: a test-mode PaymentIntent with its charges list; the same in yen', async () => {
      const merchant = await setUpStripeMerchant(hub, {}, { mode: 'test' });
      const yen = setStripeField(withEventId(attributedStripeFixture('payment_intent.succeeded.4', merchant), 'evt_00000000000001jpy'), 'data.object.id', 'pi_00000000000001');
      Object.assign(yen.data.object, { amount: 4990, amount_received: 4990, currency: 'jpy' });
      await deliverStripe(hub, merchant, [attributedStripeFixture('payment_intent.succeeded.4', merchant), yen]);
      expect(await stored(merchant)).toMatchObject({
        pi_00000000000000: { currency: 'USD', conversion_type: 'one_time', amount: 1000, tax_amount: 0, commission: 200, status: 'pending' },
        // ¥4,990 is 4990 minor units (zero-decimal): 20 % = ¥998.
        pi_00000000000001: { currency: 'JPY', amount: 4990, commission: 998 },
      });
    });

    it('2022-11-15: charge.refunded without a refunds list reverses the sale of its PaymentIntent', async () => {
      const merchant = await setUpStripeMerchant(hub, {}, { mode: 'test' });
      // The refunded charge's own sale, as its PaymentIntent would report it.
      const sale = setStripeField(withEventId(attributedStripeFixture('payment_intent.succeeded.4', merchant), 'evt_3P2n9UL1MLd6bigC1sale00'), 'data.object.id', 'pi_3P2n9UL1MLd6bigC19xRICS0');
      Object.assign(sale.data.object, { amount: 44400, amount_received: 44400 });
      await deliverStripe(hub, merchant, [sale, stripeFixture('charge.refunded.4')]);
      expect(await stored(merchant)).toMatchObject({
        pi_3P2n9UL1MLd6bigC19xRICS0: { amount: 44400, refunded_amount: 44400, commission: 0, status: 'reversed' },
      });
    });

    it('2023-08-16: a live Payment Link session; the same in dinars', async () => {
      const merchant = await setUpStripeMerchant(hub);
      const dinar = setStripeField(withEventId(attributedStripeFixture('checkout.session.completed.5', merchant), 'evt_1Ogy4qEqqTaiwAGPkwd00001'), 'data.object.payment_intent', 'pi_3Ogy4nEqqTaiwAGP0Kwd0001');
      // Stripe's three-decimal rule: the last digit is 0 (fixtures/README.md, Stripe Sources).
      Object.assign(dinar.data.object, { id: 'cs_live_a1KwdVariantOfThePaymentLinkSession', currency: 'kwd', amount_subtotal: 12340, amount_total: 12340 });
      await deliverStripe(hub, merchant, [attributedStripeFixture('checkout.session.completed.5', merchant), dinar]);
      expect(await stored(merchant)).toMatchObject({
        pi_3Ogy4nEqqTaiwAGP0TvOuvDh: { currency: 'USD', amount: 500, tax_amount: 0, commission: 100 },
        // 12.340 KD is 12340 fils: 20 % = 2468 fils.
        pi_3Ogy4nEqqTaiwAGP0Kwd0001: { currency: 'KWD', amount: 12340, commission: 2468 },
      });
    });

    it('2025-03-31.basil: invoice.payment_succeeded through parent.subscription_details, and its invoice.paid twin adds nothing', async () => {
      const merchant = await setUpStripeMerchant(hub, {}, { mode: 'test' });
      const paymentSucceeded = attributedStripeFixture('invoice.payment_succeeded.1', merchant);
      const paid: StripeFixture = { ...withEventId(attributedStripeFixture('invoice.payment_succeeded.1', merchant), 'evt_1RMgagCMHTTliF5iInvPaid0'), type: 'invoice.paid' };
      await deliverStripe(hub, merchant, [paymentSucceeded, paid]);
      expect(await stored(merchant)).toEqual({
        in_1RMgafCMHTTliF5ilpBkRLZf: expect.objectContaining({ currency: 'CAD', conversion_type: 'subscription', amount: 4999, tax_amount: 0, commission: 1000, refunded_amount: 0 }),
      });
    });
  });

  describe('Paddle, paddle-node-sdk’s notification samples', () => {
    it('records transaction.paid alone: GBP, recurring items not yet bound to a subscription', async () => {
      const merchant = await setUpPaddleMerchant(hub);
      await deliverPaddle(hub, merchant, [attributedPaddleFixture('transaction.paid.2', merchant)]);
      // 898.80 GBP with 149.80 tax → net 749.00 → 20 % = 149.80.
      expect(await stored(merchant)).toMatchObject({
        txn_01gxwxqj0rd5m8j1zdhvk05twz: { currency: 'GBP', conversion_type: 'subscription', amount: 89880, tax_amount: 14980, commission: 14980 },
      });
    });

    it('records transaction.completed and applies the approved refund adjustment; the same sale in yen', async () => {
      const merchant = await setUpPaddleMerchant(hub);
      const refund = setPaddleField(paddleFixture('adjustment.updated.5'), 'data.transaction_id', 'txn_01h8dzxgkvdwemdhbpcapj2tbj');
      const yen = withPaddleEventId(attributedPaddleFixture('transaction.completed.6', merchant), 'jpy');
      setPaddleField(yen, 'data.id', 'txn_01h8dzxgkvdwemdhbpcapjjpy0');
      setPaddleField(yen, 'data.currency_code', 'JPY');
      setPaddleField(yen, 'data.details.totals', { subtotal: '59900', discount: '0', tax: '5315', total: '65215', credit: '0', grand_total: '65215', currency_code: 'JPY' });
      await deliverPaddle(hub, merchant, [attributedPaddleFixture('transaction.completed.6', merchant), refund, yen]);
      // 652.15 USD with 53.15 tax → 20 % of 599.00 = 119.80; 1.00 refunded → round(11980 × 65115 / 65215) = 11962.
      expect(await stored(merchant)).toMatchObject({
        txn_01h8dzxgkvdwemdhbpcapj2tbj: { currency: 'USD', amount: 65215, tax_amount: 5315, refunded_amount: 100, commission: 11962 },
        // Paddle writes yen whole ("100 JPY is \"100\""): ¥65,215 with ¥5,315 tax → ¥11,980.
        txn_01h8dzxgkvdwemdhbpcapjjpy0: { currency: 'JPY', amount: 65215, tax_amount: 5315, commission: 11980 },
      });
    });
  });

  describe('Lemon Squeezy, the documented objects', () => {
    it('records the 2021 documented order (refunded: 0) as order 1, and the same order posted through the API is a 409 duplicate', async () => {
      const merchant = await setUpLemonSqueezyMerchant(hub);
      await deliverLemonSqueezy(hub, merchant, [attributedLemonSqueezyFixture('order_created.5', merchant)]);
      expect(await stored(merchant)).toEqual({ 1: expect.objectContaining({ currency: 'USD', amount: 1199, tax_amount: 200, commission: 200, status: 'pending' }) });
      const [conversion] = await conversionsOf(merchant);
      const duplicate = await merchant.api.post('/api/v1/conversions', { campaignId: merchant.campaignId, affiliateId: merchant.affiliateId, amount: '11.99', orderId: '1' }).expect(409);
      expect(duplicate.body.error).toMatchObject({ code: 'duplicate', conversionId: conversion?.id });
    });

    it('records today’s documented order and takes a refund of the documented initial invoice off it, through the documented subscription', async () => {
      const merchant = await setUpLemonSqueezyMerchant(hub, { recurring: 'lifetime' });
      await deliverLemonSqueezy(hub, merchant, [
        lemonSqueezyFixture('subscription_payment_refunded.2'), attributedLemonSqueezyFixture('order_created.6', merchant), lemonSqueezyFixture('subscription_created.2'),
      ]);
      // 200 × (1199 − 100) / 1199 = 183.3 → 183.
      expect(await stored(merchant)).toEqual({ 1: expect.objectContaining({ amount: 1199, refunded_amount: 100, commission: 183, status: 'pending' }) });
    });
  });

  describe('WooCommerce, the REST API documentation’s orders', () => {
    it('records order 727 once though delivered processing and completed; the same order from a three-decimal store', async () => {
      const merchant = await setUpWooMerchant(hub);
      const dinar = attributedWooDelivery('order.created.4', merchant);
      Object.assign(dinar.order, { id: 9727, number: '9727', currency: 'KWD', total: '29.350', total_tax: '1.350', shipping_total: '10.000', discount_total: '0.000' });
      await deliverWoo(hub, merchant, [attributedWooDelivery('order.created.4', merchant), attributedWooDelivery('order.updated.9', merchant), dinar]);
      expect(await stored(merchant)).toMatchObject({
        // 29.35 with 1.35 tax and 10.00 shipping → net 18.00 → 3.60.
        727: { currency: 'USD', amount: 2935, tax_amount: 135, shipping_amount: 1000, commission: 360 },
        9727: { currency: 'KWD', amount: 29350, tax_amount: 1350, shipping_amount: 10000, commission: 3600 },
      });
    });

    it('records order 723 (completed, no date_paid) with both documented refunds', async () => {
      const merchant = await setUpWooMerchant(hub);
      await deliverWoo(hub, merchant, [attributedWooDelivery('order.updated.10', merchant)]);
      // 39.00 with 10.00 shipping → 5.80; 19.00 back → round(580 × 2000 / 3900) = 297.
      expect(await stored(merchant)).toEqual({ 723: expect.objectContaining({ amount: 3900, shipping_amount: 1000, refunded_amount: 1900, commission: 297 }) });
    });
  });

  describe('Gumroad, a membership sale with variants and an offer code', () => {
    it('records the form ping and its renewal in USD cents', async () => {
      const merchant = await setUpGumroadMerchant(hub, { campaign: { recurring: 'lifetime' } });
      await deliverGumroad(hub, merchant, [attributedGumroadFixture('sale.6', merchant), attributedGumroadFixture('sale.7', merchant)]);
      expect(await stored(merchant)).toMatchObject({
        'u4Yd0VqQm8n3Rz6cLw1pXA==': { currency: 'USD', conversion_type: 'subscription', amount: 2400, commission: 480 },
        'Zr2Wm5Pb0cKx8Ne4Jq7ThA==': { currency: 'USD', conversion_type: 'recurring', amount: 2400, commission: 480 },
      });
    });

    it('records the same sale from its JSON ping', async () => {
      const merchant = await setUpGumroadMerchant(hub);
      const json = gumroadJsonFixture('sale.2');
      json.url_params = { visitor_id: merchant.visitorId, click_id: merchant.clickId, program_id: merchant.campaignId };
      await deliverGumroad(hub, merchant, [{ json }]);
      expect(await stored(merchant)).toEqual({ 'u4Yd0VqQm8n3Rz6cLw1pXA==': expect.objectContaining({ amount: 2400, commission: 480 }) });
    });
  });

  describe('GoPay, the documented recurring payment, its on-demand child and the refund history', () => {
    it('records the parent and its child once GoPay reports them PAID, then the SUCCESS refunds of the parent', async () => {
      const merchant = await setUpGoPayMerchant(hub, gopay, { campaign: { recurring: 'lifetime' } });
      const attribution = { clickId: merchant.clickId, visitorId: merchant.visitorId, programId: merchant.campaignId };
      const parent: GoPayPayment = { ...withGoPayAttribution(gopayPayment('payment.CREATED.2'), attribution), state: 'PAID' };
      const child: GoPayPayment = { ...gopayPayment('payment.CREATED.3'), state: 'PAID' };
      gopay.setPayment(parent);
      gopay.setPayment(child);
      await deliverGoPay(hub, merchant, [parent.id, child.id]);
      gopay.setPayment({ ...parent, state: 'PARTIALLY_REFUNDED' }, gopayRefunds('refunds.3'));
      await deliverGoPay(hub, merchant, [parent.id]);
      expect(await stored(merchant)).toMatchObject({
        // 10.00 Kč → 2.00 Kč; 3.00 Kč back (the REQUESTED 2.00 not yet) → round(200 × 700 / 1000) = 140.
        3000006542: { currency: 'CZK', conversion_type: 'subscription', amount: 1000, refunded_amount: 300, commission: 140 },
        3000006621: { currency: 'CZK', conversion_type: 'recurring', amount: 1000, commission: 200 },
      });
    });
  });
});
