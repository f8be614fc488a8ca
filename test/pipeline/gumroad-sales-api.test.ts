/**
 * Gumroad end to end with an access token: every ping is confirmed with `GET /v2/sales/:id` on the
 * local Gumroad API double (named through `options.apiBase`), whose figures decide — partial refunds
 * get their amount, a product priced in euros or yen is recorded in its own currency, disputes follow
 * the API — and when the API is down the event fails and is retried with back-off until it is back.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGumroadApiDouble, type GumroadApiDouble } from '../../src/doubles/gumroad-api-double.js';
import {
  attributedGumroadFixture,
  deliverGumroad,
  GUMROAD_ACCESS_TOKEN,
  gumroadApiSale,
  gumroadFixture,
  sendGumroadPing,
  setUpGumroadMerchant,
  withGumroadFields,
  type GumroadMerchant,
} from '../helpers/gumroad.js';
import { conversionsOf, eventOf, ledgerSum } from '../helpers/stripe.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

const G1 = 'niBD7_w9Wcu93NQ24c_PhQ==';
const G3 = 'msyB64o0pDaOXhqXliH_Fg==';

describe('Gumroad with the Sales API', () => {
  let hub: TestHub;
  let double: GumroadApiDouble;
  beforeAll(async () => {
    // The API double listens on loopback over http.
    hub = await createTestHub({ processInBackground: false, environment: { HUB_ALLOW_PRIVATE_NETWORK: '1' } });
    double = await startGumroadApiDouble({ accessTokens: { [GUMROAD_ACCESS_TOKEN]: ['view_sales'] } });
  });
  afterAll(async () => {
    await hub.close();
    await double.close();
  });
  beforeEach(() => {
    double.recover();
    double.addAccessToken(GUMROAD_ACCESS_TOKEN);
    double.clearRequests();
  });

  const merchantWithToken = (campaign: Record<string, unknown> = {}, options: Record<string, unknown> = {}) =>
    setUpGumroadMerchant(hub, { campaign, connection: { options: { accessToken: GUMROAD_ACCESS_TOKEN, apiBase: double.apiBase, ...options } } });

  it('keeps the access token write-only and sends it to the API as a Bearer header', async () => {
    const merchant = await merchantWithToken();
    const shown = await merchant.api.get(`/api/v1/connections/${merchant.connectionId}`).expect(200);
    expect(shown.body.data.options).toEqual({ apiBase: double.apiBase });
    expect(JSON.stringify(shown.body)).not.toContain(GUMROAD_ACCESS_TOKEN);
    double.setSale(gumroadApiSale('api.sale.1'));
    await deliverGumroad(hub, merchant, [attributedGumroadFixture('sale.1', merchant)]);
    expect(double.requests).toMatchObject([{ method: 'GET', path: `/v2/sales/${encodeURIComponent(G1)}`, outcome: 200, headers: { authorization: `Bearer ${GUMROAD_ACCESS_TOKEN}` } }]);
    expect(await conversionsOf(merchant)).toMatchObject([{ orderId: G1, currency: 'USD', amount: 49, commission: 9.8 }]);
  });

  it('reads a partial refund’s amount from the API (price − refundable), then the full refund', async () => {
    const merchant = await merchantWithToken();
    double.setSale(gumroadApiSale('api.sale.1'));
    await deliverGumroad(hub, merchant, [attributedGumroadFixture('sale.1', merchant)]);
    double.setSale(gumroadApiSale('api.sale.2')); // $10 refunded: "39" left
    const [partialEvent = ''] = await deliverGumroad(hub, merchant, [gumroadFixture('refund.1')]);
    let [conversion] = await conversionsOf(merchant);
    // 9.80 × 39 / 49 = 7.80.
    expect(conversion).toMatchObject({ refundedAmount: 10, commission: 7.8, status: 'pending' });
    expect(await eventOf(merchant, partialEvent)).toMatchObject({ status: 'processed' });

    double.setSale(gumroadApiSale('api.sale.3'));
    await deliverGumroad(hub, merchant, [gumroadFixture('refund.2')]);
    [conversion] = await conversionsOf(merchant);
    expect(conversion).toMatchObject({ refundedAmount: 49, commission: 0, status: 'reversed' });
    expect(conversion?.adjustments.map((line) => [line.type, line.commissionDelta])).toEqual([['commission', 9.8], ['refund', -2], ['refund', -7.8]]);
  });

  it('re-reads the refunded total on every partial-refund ping: each re-arms the same event', async () => {
    const merchant = await merchantWithToken();
    double.setSale(gumroadApiSale('api.sale.1'));
    await deliverGumroad(hub, merchant, [attributedGumroadFixture('sale.1', merchant)]);
    double.setSale(gumroadApiSale('api.sale.2'));
    const first = await sendGumroadPing(hub, merchant, gumroadFixture('refund.1')).expect(200);
    await hub.services.processor.drain();
    double.updateSale(G1, { amount_refundable_in_currency: '24.50' }); // a second partial refund of $14.50
    const second = await sendGumroadPing(hub, merchant, gumroadFixture('refund.1')).expect(200);
    expect(second.body).toEqual({ received: true, eventId: first.body.eventId, duplicate: true });
    await hub.services.processor.drain();
    const [conversion] = await conversionsOf(merchant);
    // 9.80 × 24.50 / 49 = 4.90.
    expect(conversion).toMatchObject({ refundedAmount: 24.5, commission: 4.9 });
    expect(ledgerSum(conversion!)).toBe(4.9);
  });

  it('follows the API on disputes: lost reverses, won restores', async () => {
    const merchant = await merchantWithToken();
    double.setSale(gumroadApiSale('api.sale.1'));
    await deliverGumroad(hub, merchant, [attributedGumroadFixture('sale.1', merchant)]);
    double.setSale(gumroadApiSale('api.sale.4'));
    await deliverGumroad(hub, merchant, [gumroadFixture('dispute.1')]);
    expect(await conversionsOf(merchant)).toMatchObject([{ commission: 0, status: 'reversed' }]);
    double.setSale(gumroadApiSale('api.sale.5'));
    await deliverGumroad(hub, merchant, [gumroadFixture('dispute_won.1')]);
    expect(await conversionsOf(merchant)).toMatchObject([{ commission: 9.8, status: 'pending' }]);
  });

  it('records a product priced in euros in euros, and in yen (zero decimals) for a yen product', async () => {
    const euros = await merchantWithToken();
    double.setSale(gumroadApiSale('api.sale.6'));
    await deliverGumroad(hub, euros, [attributedGumroadFixture('sale.4', euros)]);
    expect(await conversionsOf(euros)).toMatchObject([{ orderId: G3, currency: 'EUR', amount: 45, commission: 9 }]);
    double.updateSale(G3, { partially_refunded: true, amount_refundable_in_currency: '33.75' });
    await deliverGumroad(hub, euros, [withGumroadFields(gumroadFixture('sale.4'), { resource_name: 'refund' })]);
    expect(await conversionsOf(euros)).toMatchObject([{ refundedAmount: 11.25, commission: 6.75 }]);

    const yen = await merchantWithToken();
    double.setSale({ ...gumroadApiSale('api.sale.6'), price: 3312, currency_symbol: '¥', formatted_total_price: '¥4,990', amount_refundable_in_currency: '4,990' });
    await deliverGumroad(hub, yen, [withGumroadFields(attributedGumroadFixture('sale.4', yen), { currency: 'jpy', price: '3312' })]);
    expect(await conversionsOf(yen)).toMatchObject([{ currency: 'JPY', amount: 4990, commission: 998 }]);
  });

  it('ignores a ping naming a sale the API does not know for the token’s account', async () => {
    const merchant = await merchantWithToken();
    double.removeSale(G1);
    const [eventId = ''] = await deliverGumroad(hub, merchant, [attributedGumroadFixture('sale.1', merchant)]);
    const event = await eventOf(merchant, eventId);
    expect(event).toMatchObject({ status: 'ignored', reason: 'foreign_account' });
    expect(event.trace.join(' ')).toContain('The sale was not found.');
    expect(await conversionsOf(merchant)).toEqual([]);
  });

  describe('when the API is down', () => {
    const downThenBack = async (merchant: GumroadMerchant, breakIt: () => void, repair: () => void, error: RegExp) => {
      double.setSale(gumroadApiSale('api.sale.1'));
      breakIt();
      const response = await sendGumroadPing(hub, merchant, attributedGumroadFixture('sale.1', merchant)).expect(200);
      const eventId = response.body.eventId as string;
      await hub.services.processor.drain();
      const failed = await eventOf(merchant, eventId);
      expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(error) });
      expect(failed.error).not.toContain(GUMROAD_ACCESS_TOKEN);
      expect(await conversionsOf(merchant)).toEqual([]);

      repair();
      await hub.services.processor.drain(); // not due yet: the back-off holds it
      expect((await eventOf(merchant, eventId)).status).toBe('failed');
      hub.clock.advance(6_000);
      await hub.services.processor.drain();
      expect(await eventOf(merchant, eventId)).toMatchObject({ status: 'processed', error: null });
      expect(await conversionsOf(merchant)).toMatchObject([{ orderId: G1, commission: 9.8 }]);
    };

    it('fails the event on a 5xx and processes it once the API is back and the back-off has passed', async () => {
      await downThenBack(await merchantWithToken(), () => double.fail({ kind: 'status', status: 503 }), () => double.recover(), /answered 503/);
    });

    it('fails the event when the API does not answer in time', async () => {
      await downThenBack(await merchantWithToken({}, { requestTimeoutMs: 300 }), () => double.fail({ kind: 'timeout' }), () => double.recover(), /no answer within 300 ms/);
    });

    it('fails the event when the token is refused (401), until the token works again', async () => {
      await downThenBack(await merchantWithToken(), () => double.revokeAccessToken(GUMROAD_ACCESS_TOKEN), () => double.addAccessToken(GUMROAD_ACCESS_TOKEN), /401 invalid_token/);
    });

    it('still answers Gumroad 200 at once: the API is only asked in processing', async () => {
      const merchant = await merchantWithToken({}, { requestTimeoutMs: 300 });
      double.fail({ kind: 'timeout' });
      await sendGumroadPing(hub, merchant, attributedGumroadFixture('sale.1', merchant)).expect(200);
      expect(double.requests).toHaveLength(0);
    });
  });
});
