import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import type { MappingResult } from '../../src/contract/canonical-records.js';
import { SignatureVerificationError } from '../../src/contract/errors.js';
import type { StoredEvent } from '../../src/contract/provider-adapter.js';
import type { ConnectionContext, WebhookDelivery } from '../../src/contract/webhook-delivery.js';
import { CONTRACT_NOW, runAdapterContract } from '../../test/contract/run-adapter-contract.js';
import { listFixtures, loadFixture } from '../../test/helpers/fixtures.js';
import { checkoutAttribution } from '../../packages/checkout/src/checkout-attribution.js';
import { createStripeAdapter } from './stripe-adapter.js';

const io = { fetch: globalThis.fetch, clock: { now: () => CONTRACT_NOW } };

function connection(secrets: string[], mode: 'live' | 'test' = 'live'): ConnectionContext {
  return { id: 'con_test', merchantId: 'mer_test', provider: 'stripe', mode, secrets, options: {} };
}

function delivery(body: string, header: string | undefined, receivedAt = CONTRACT_NOW): WebhookDelivery {
  return { rawBody: Buffer.from(body), headers: header === undefined ? {} : { 'stripe-signature': header }, query: {}, method: 'POST', receivedAt };
}

function signedDelivery(fixture: string, secret: string, signedAt: Date): WebhookDelivery {
  const body = JSON.stringify(loadFixture('stripe', fixture));
  const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: Math.floor(signedAt.getTime() / 1000) });
  return delivery(body, header);
}

runAdapterContract({
  provider: 'stripe',
  createAdapter: () => createStripeAdapter({ io }),
  fixtures: listFixtures('stripe'),
  connection: (secrets) => connection(secrets),
  deliver: (fixture, { secret, signedAt }) => signedDelivery(fixture, secret, signedAt),
  tamper: (original) => ({ ...original, rawBody: Buffer.from(original.rawBody.toString('utf8').replace(/"amount(_\w+)?":\s?(\d+)/, '"amount$1":9$2')) }),
  stripSignature: (original) => ({ ...original, headers: {} }),
  toleranceSeconds: 300,
});

describe('stripe adapter: signatures', () => {
  const adapter = createStripeAdapter({ io });
  const body = JSON.stringify(loadFixture('stripe', 'payment_intent.succeeded.1'));
  const t = Math.floor(CONTRACT_NOW.getTime() / 1000);
  const v1 = (secret: string) => Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: t }).split(',')[1];

  it('accepts a header carrying several v1 signatures when any one matches', () => {
    expect(adapter.verify(delivery(body, `t=${t},${v1('whsec_other')},${v1('whsec_mine')}`), connection(['whsec_mine'])).outcome).toBe('event');
  });

  it('ignores v0 test signatures and refuses a header with only v0', () => {
    const v0 = (v1('whsec_mine') ?? '').replace('v1=', 'v0=');
    expect(() => adapter.verify(delivery(body, `t=${t},${v0}`), connection(['whsec_mine']))).toThrow(/No signatures found with expected scheme/);
  });

  it.each([
    ['garbage', 'not a header'],
    ['no timestamp', `${v1('whsec_mine')}`],
    ['an empty header', ''],
  ])('refuses %s with a clear message', (_label, header) => {
    expect(() => adapter.verify(delivery(body, header), connection(['whsec_mine']))).toThrow(SignatureVerificationError);
  });

  it('verifies the exact bytes: a byte-order mark put before a signed body is refused (the stripe package would let it pass)', () => {
    const header = `t=${t},${v1('whsec_mine')}`;
    const withMark = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]);
    expect(() => adapter.verify({ ...delivery(body, header), rawBody: withMark }, connection(['whsec_mine']))).toThrow(SignatureVerificationError);
    // The stripe package decodes the body as text first, which drops the mark: this is the bug it would have let through.
    expect(Stripe.webhooks.signature?.verifyHeader(withMark, header, 'whsec_mine', 300, undefined, CONTRACT_NOW.getTime())).toBe(true);
  });

  it('stores an authentic body it cannot read as unreadable (to fail visibly and be replayable)', () => {
    const junk = '{"hello": "not an event"}';
    const header = Stripe.webhooks.generateTestHeaderString({ payload: junk, secret: 'whsec_mine', timestamp: t });
    const verified = adapter.verify(delivery(junk, header), connection(['whsec_mine']));
    expect(verified).toMatchObject({ outcome: 'unreadable', eventType: 'unknown' });
  });
});

describe('stripe adapter: mapping', () => {
  const adapter = createStripeAdapter({ io });
  const map = (fixture: string): MappingResult => {
    const body = Buffer.from(JSON.stringify(loadFixture('stripe', fixture)));
    const stored: StoredEvent = { id: 'ev_1', providerEventId: 'evt', eventType: 'x', rawBody: body, headers: {}, query: {}, receivedAt: CONTRACT_NOW };
    return adapter.map(stored, connection(['whsec_x']), null);
  };
  const onlyRecord = (fixture: string) => {
    const result = map(fixture);
    if (result.outcome !== 'records' || result.records.length !== 1) throw new Error(`${fixture}: ${JSON.stringify(result)}`);
    return result.records[0];
  };

  it('maps a paid payment-mode session to the sale of its PaymentIntent, itemised', () => {
    expect(onlyRecord('checkout.session.completed.1')).toMatchObject({
      kind: 'purchase', orderId: 'pi_3UaQ2m7HnQ2eLx4K5NJRWjM5', currency: 'USD', conversionType: 'one_time',
      amounts: { gross: 4950, tax: 450, shipping: 0, discount: 500 }, amountsPrecedence: 2,
      customerKey: 'stripe:customer:cus_UTc9D6P2T7cmLb',
      references: expect.arrayContaining(['stripe:payment_intent:pi_3UaQ2m7HnQ2eLx4K5NJRWjM5']),
      hints: { clickId: expect.stringMatching(/^clk_/), visitorId: expect.stringMatching(/^vis_/), programId: 'camp_XIQs4c44CL9ttFyveAzsLi' },
    });
  });

  it('maps the same sale seen as payment_intent.succeeded to the same order, less itemised', () => {
    expect(onlyRecord('payment_intent.succeeded.1')).toMatchObject({ kind: 'purchase', orderId: 'pi_3UaQ2m7HnQ2eLx4K5NJRWjM5', amounts: { gross: 4950, tax: 0 }, amountsPrecedence: 1 });
  });

  it('maps a subscription-mode session to the sale of its first invoice', () => {
    expect(onlyRecord('checkout.session.completed.2')).toMatchObject({
      kind: 'purchase', orderId: 'in_1UcT4p7HnQ2eLx4KfhClnQuH', conversionType: 'subscription', subscriptionKey: 'stripe:subscription:sub_1UcT4p7HnQ2eLx4KvHPBNWcD',
    });
  });

  it('maps invoice.paid: subscription_create is the purchase, subscription_cycle a renewal, in both API shapes', () => {
    expect(onlyRecord('invoice.paid.1')).toMatchObject({
      kind: 'purchase', orderId: 'in_1UcT4p7HnQ2eLx4KfhClnQuH', conversionType: 'subscription', amountsPrecedence: 3,
      amounts: { gross: 2180, tax: 180 }, hints: { source: 'invoice parent.subscription_details.metadata', clickId: expect.stringMatching(/^clk_/) },
    });
    expect(onlyRecord('invoice.paid.2')).toMatchObject({ kind: 'renewal', orderId: 'in_1UjW8d7HnQ2eLx4KteoaJA1C', conversionType: 'recurring', subscriptionKey: 'stripe:subscription:sub_1UcT4p7HnQ2eLx4KvHPBNWcD' });
    expect(onlyRecord('invoice.paid.3')).toMatchObject({
      kind: 'renewal', orderId: 'in_1UgH5w7HnQ2eLx4KrQp9nq1j', subscriptionKey: 'stripe:subscription:sub_1Ubr1k7HnQ2eLx4KTDYIeMdt',
      hints: { source: 'invoice subscription_details.metadata', visitorId: expect.stringMatching(/^vis_/) },
      references: expect.arrayContaining(['stripe:payment_intent:pi_3UgI0b7HnQ2eLx4KXkziu4Ln']),
    });
    expect(onlyRecord('invoice.paid.4')).toMatchObject({ kind: 'purchase', conversionType: 'subscription', orderId: 'in_1Ubr1k7HnQ2eLx4KI9MyzjSo' });
  });

  it('links invoices to the PaymentIntents that paid them', () => {
    expect(onlyRecord('invoice_payment.paid.1')).toEqual({ kind: 'link', orderId: 'in_1UcT4p7HnQ2eLx4KfhClnQuH', references: ['stripe:payment_intent:pi_3UcT4q7HnQ2eLx4KHqR5BBA7'] });
  });

  it('maps refunds: the charge’s cumulative total, and single refunds with their status', () => {
    expect(onlyRecord('charge.refunded.1')).toEqual({
      kind: 'refund', order: { reference: 'stripe:payment_intent:pi_3UaQ2m7HnQ2eLx4K5NJRWjM5' }, mode: 'cumulative', key: 'charge:ch_3UaQ2m7HnQ2eLx4KqWUw6VSJ',
      amount: 1000, currency: 'USD', status: 'succeeded', occurredAt: expect.any(Date),
    });
    expect(onlyRecord('refund.created.2')).toMatchObject({ mode: 'single', key: 're_3UaQ2m7HnQ2eLx4KuvttH8zH', amount: 3950, status: 'pending' });
    expect(onlyRecord('refund.updated.1')).toMatchObject({ mode: 'single', key: 're_3UaQ2m7HnQ2eLx4KuvttH8zH', status: 'succeeded' });
    expect(onlyRecord('refund.updated.2')).toMatchObject({ status: 'failed', amount: 500 });
  });

  it('maps disputes: lost and funds withdrawn reverse, won and funds reinstated restore, inquiries change nothing', () => {
    expect(onlyRecord('charge.dispute.closed.1')).toMatchObject({ kind: 'chargeback', disputeKey: 'du_1UfC7r7HnQ2eLx4K9pMFzQiQ' });
    expect(onlyRecord('charge.dispute.funds_withdrawn.1')).toMatchObject({ kind: 'chargeback', disputeKey: 'du_1UfC7r7HnQ2eLx4K9pMFzQiQ' });
    expect(onlyRecord('charge.dispute.closed.2')).toMatchObject({ kind: 'chargeback_won' });
    expect(onlyRecord('charge.dispute.funds_reinstated.1')).toMatchObject({ kind: 'chargeback_won' });
    expect(map('charge.dispute.closed.3')).toMatchObject({ outcome: 'ignore', reason: 'irrelevant_event' });
  });

  it('waits for delayed payments and ignores failed ones', () => {
    expect(map('checkout.session.completed.3')).toMatchObject({ outcome: 'ignore', reason: 'unpaid' });
    expect(onlyRecord('checkout.session.async_payment_succeeded.1')).toMatchObject({ kind: 'purchase', orderId: 'pi_3UdK9s7HnQ2eLx4K7CsxOXHW', amounts: { gross: 18900 } });
    expect(map('checkout.session.async_payment_failed.1')).toMatchObject({ outcome: 'ignore', reason: 'unpaid' });
  });

  it('keeps zero- and three-decimal amounts as Stripe sends them', () => {
    expect(onlyRecord('payment_intent.succeeded.2')).toMatchObject({ currency: 'JPY', amounts: { gross: 4990 } });
    expect(onlyRecord('checkout.session.completed.4')).toMatchObject({ currency: 'KWD', amounts: { gross: 12340 } });
  });

  it('reports livemode so test events on a live connection are ignored', () => {
    expect(map('payment_intent.succeeded.3').livemode).toBe(false);
    expect(map('payment_intent.succeeded.1').livemode).toBe(true);
  });

  it('ignores events that do not concern conversions', () => {
    expect(map('customer.subscription.deleted.1')).toMatchObject({ outcome: 'ignore', reason: 'irrelevant_event' });
  });

  it('maps invoice.payment_succeeded exactly like invoice.paid: the same invoice, the same sale', () => {
    const asPaymentSucceeded = loadFixture<{ type: string; id: string }>('stripe', 'invoice.paid.1');
    Object.assign(asPaymentSucceeded, { type: 'invoice.payment_succeeded', id: 'evt_1UcT4r7HnQ2eLx4KpsInvPay' });
    const stored: StoredEvent = { id: 'ev', providerEventId: 'evt', eventType: 'x', rawBody: Buffer.from(JSON.stringify(asPaymentSucceeded)), headers: {}, query: {}, receivedAt: CONTRACT_NOW };
    expect(adapter.map(stored, connection(['x']), null)).toEqual(map('invoice.paid.1'));
  });

  // One delivery per API version, as Stripe rendered it (fixtures/README.md, "Published payloads").
  it('maps a 2020-08-27 PaymentIntent with its embedded charges list', () => {
    expect(onlyRecord('payment_intent.succeeded.4')).toMatchObject({
      kind: 'purchase', orderId: 'pi_00000000000000', currency: 'USD', amounts: { gross: 1000, tax: 0 }, amountsPrecedence: 1,
      references: expect.arrayContaining(['stripe:payment_intent:pi_00000000000000']),
    });
    expect(map('payment_intent.succeeded.4').livemode).toBe(false);
  });

  it('maps a 2022-11-15 charge.refunded (no refunds list on the charge) to the charge’s cumulative refund', () => {
    expect(onlyRecord('charge.refunded.4')).toEqual({
      kind: 'refund', order: { reference: 'stripe:payment_intent:pi_3P2n9UL1MLd6bigC19xRICS0' }, mode: 'cumulative', key: 'charge:ch_3P2n9UL1MLd6bigC19aOqPGG',
      amount: 44400, currency: 'USD', status: 'succeeded', occurredAt: new Date(1714697065 * 1000),
    });
  });

  it('maps a 2023-08-16 live Payment Link session to the sale of its PaymentIntent', () => {
    expect(onlyRecord('checkout.session.completed.5')).toMatchObject({
      kind: 'purchase', orderId: 'pi_3Ogy4nEqqTaiwAGP0TvOuvDh', currency: 'USD', conversionType: 'one_time', amounts: { gross: 500, tax: 0, shipping: 0, discount: 0 },
      customerEmail: 'buyer.2023@example.com', customerKey: null,
    });
    expect(map('checkout.session.completed.5').livemode).toBe(true);
  });

  it('maps a 2025-03-31.basil invoice.payment_succeeded through parent.subscription_details', () => {
    expect(onlyRecord('invoice.payment_succeeded.1')).toMatchObject({
      kind: 'purchase', orderId: 'in_1RMgafCMHTTliF5ilpBkRLZf', conversionType: 'subscription', currency: 'CAD',
      amounts: { gross: 4999, tax: 0, shipping: 0, discount: 0 }, amountsPrecedence: 3,
      subscriptionKey: 'stripe:subscription:sub_1RMgafCMHTTliF5imBKfvfyV', customerKey: 'stripe:customer:cus_SGqVI5XZS5sDjA',
      hints: { source: 'invoice parent.subscription_details.metadata', clickId: expect.stringMatching(/^clk_/) },
    });
  });

  it('does not count a PaymentIntent without hub metadata (its invoice or session does)', () => {
    const fixture = loadFixture<{ data: { object: { metadata: object } } }>('stripe', 'payment_intent.succeeded.1');
    fixture.data.object.metadata = {};
    const stored: StoredEvent = { id: 'ev', providerEventId: 'evt', eventType: 'x', rawBody: Buffer.from(JSON.stringify(fixture)), headers: {}, query: {}, receivedAt: CONTRACT_NOW };
    expect(adapter.map(stored, connection(['x']), null)).toMatchObject({ outcome: 'ignore', reason: 'unattributed' });
  });
});

describe('checkoutAttribution', () => {
  it('builds payment-mode params that put the attribution on the session and its PaymentIntent', () => {
    expect(checkoutAttribution({ visitorId: 'vis_1', clickId: 'clk_2', programId: 'camp_3' }, { mode: 'payment' })).toEqual({
      client_reference_id: 'clk_2',
      metadata: { visitor_id: 'vis_1', click_id: 'clk_2', program_id: 'camp_3' },
      payment_intent_data: { metadata: { visitor_id: 'vis_1', click_id: 'clk_2', program_id: 'camp_3' } },
    });
  });

  it('builds subscription-mode params that reach the subscription and its invoices', () => {
    expect(checkoutAttribution({ visitorId: 'vis_1' }, { mode: 'subscription' })).toEqual({
      metadata: { visitor_id: 'vis_1' },
      subscription_data: { metadata: { visitor_id: 'vis_1' } },
    });
  });

  it('takes the mode in its one argument too, and refuses to guess it', () => {
    expect(checkoutAttribution({ clickId: 'clk_2', mode: 'subscription' })).toEqual({
      client_reference_id: 'clk_2', metadata: { click_id: 'clk_2' }, subscription_data: { metadata: { click_id: 'clk_2' } },
    });
    expect(checkoutAttribution({ clickId: 'clk_2', mode: 'subscription' }, { mode: 'payment' })).toHaveProperty('payment_intent_data');
    expect(() => checkoutAttribution({ clickId: 'clk_2' })).toThrow(/needs the Checkout Session's mode, 'payment' or 'subscription' \(got null\)/);
    expect(() => checkoutAttribution({ clickId: 'clk_2', mode: 'setup' as 'payment' })).toThrow(/\(got "setup"\)/);
  });

  it('drops values that are not plain ids', () => {
    expect(checkoutAttribution({ visitorId: '<script>', clickId: '', programId: null }, { mode: 'payment' })).toEqual({ metadata: {}, payment_intent_data: { metadata: {} } });
  });
});
