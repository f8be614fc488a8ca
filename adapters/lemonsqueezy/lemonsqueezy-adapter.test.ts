import { describe, expect, it } from 'vitest';
import type { CanonicalRecord, MappingResult } from '../../src/contract/canonical-records.js';
import { SignatureVerificationError, ValidationError } from '../../src/contract/errors.js';
import type { StoredEvent } from '../../src/contract/provider-adapter.js';
import type { ConnectionContext, WebhookDelivery } from '../../src/contract/webhook-delivery.js';
import { CONTRACT_NOW, runAdapterContract } from '../../test/contract/run-adapter-contract.js';
import { listFixtures } from '../../test/helpers/fixtures.js';
import { lemonSqueezyFixture, signLemonSqueezy, type LemonSqueezyFixture } from '../../test/helpers/lemonsqueezy.js';
import { createLemonSqueezyAdapter } from './lemonsqueezy-adapter.js';

const io = { fetch: globalThis.fetch, clock: { now: () => CONTRACT_NOW } };
const SECRET = 'ls-unit-secret-0123456789';

function connection(secrets: string[] = [SECRET]): ConnectionContext {
  return { id: 'con_test', merchantId: 'mer_test', provider: 'lemonsqueezy', mode: 'live', secrets, options: {} };
}

function delivery(body: string, signature: string | undefined): WebhookDelivery {
  return { rawBody: Buffer.from(body), headers: signature === undefined ? {} : { 'x-signature': signature }, query: {}, method: 'POST', receivedAt: CONTRACT_NOW };
}

function signed(event: LemonSqueezyFixture | string, secret = SECRET): WebhookDelivery {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  return delivery(body, signLemonSqueezy(body, secret));
}

runAdapterContract({
  provider: 'lemonsqueezy',
  createAdapter: () => createLemonSqueezyAdapter({ io }),
  fixtures: listFixtures('lemonsqueezy'),
  connection: (secrets) => connection(secrets),
  deliver: (fixture, { secret }) => signed(lemonSqueezyFixture(fixture), secret),
  // An amount (or, in events without one, the first number) grown by a digit after signing.
  tamper: (original) => {
    const body = original.rawBody.toString('utf8');
    const tampered = /"total":\d/.test(body) ? body.replace(/"total":(\d+)/, '"total":9$1') : body.replace(/":(\d+)/, '":9$1');
    if (tampered === body) throw new Error('tamper changed nothing');
    return { ...original, rawBody: Buffer.from(tampered) };
  },
  stripSignature: (original) => ({ ...original, headers: {} }),
  toleranceSeconds: null,
  notApplicable: {
    stale_timestamp: 'Lemon Squeezy signs only the body: X-Signature carries no timestamp, so there is no age to check (providers.md §3.1)',
    future_timestamp: 'Lemon Squeezy signs only the body: X-Signature carries no timestamp, so there is no age to check (providers.md §3.1)',
  },
});

describe('lemonsqueezy adapter: signatures', () => {
  const adapter = createLemonSqueezyAdapter({ io });
  const body = JSON.stringify(lemonSqueezyFixture('order_created.1'));

  it('accepts the digest in upper-case hex too (a hex digest is case-free)', () => {
    expect(adapter.verify(delivery(body, signLemonSqueezy(body, SECRET).toUpperCase()), connection()).outcome).toBe('event');
  });

  it.each([
    ['a missing header', undefined, 'missing X-Signature header'],
    ['an empty header', '', 'missing X-Signature header'],
    ['a base64 digest', Buffer.from(signLemonSqueezy(body, SECRET), 'hex').toString('base64'), 'X-Signature is not a hex HMAC-SHA256 digest'],
    ['a truncated digest', signLemonSqueezy(body, SECRET).slice(0, 40), 'X-Signature is not a hex HMAC-SHA256 digest'],
    ['the digest of another body', signLemonSqueezy(`${body} `, SECRET), /does not match the body under any signing secret/],
  ])('refuses %s with a clear message', (_label, header, message) => {
    expect(() => adapter.verify(delivery(body, header), connection())).toThrow(SignatureVerificationError);
    expect(() => adapter.verify(delivery(body, header), connection())).toThrow(message);
  });

  it('refuses every delivery on a connection without secrets', () => {
    expect(() => adapter.verify(delivery(body, signLemonSqueezy(body, SECRET)), connection([]))).toThrow(SignatureVerificationError);
  });

  it('names the event from the signed body, not from the unsigned X-Event-Name header', () => {
    const verified = adapter.verify({ ...signed(body), headers: { 'x-signature': signLemonSqueezy(body, SECRET), 'x-event-name': 'order_refunded' } }, connection());
    expect(verified).toMatchObject({ outcome: 'event', eventType: 'order_created' });
  });

  it('stores an authentic body it cannot read as unreadable (to fail visibly and be replayable)', () => {
    const junk = '{"meta": {"note": "no event name"}}';
    expect(adapter.verify(signed(junk), connection())).toMatchObject({ outcome: 'unreadable', eventType: 'unknown', providerEventId: expect.stringMatching(/^unreadable:[0-9a-f]{64}$/), error: expect.stringMatching(/not a Lemon Squeezy webhook/) });
    expect(adapter.verify(signed('not json'), connection())).toMatchObject({ outcome: 'unreadable', error: expect.stringMatching(/not JSON/) });
  });
});

describe('lemonsqueezy adapter: deduplication key', () => {
  const adapter = createLemonSqueezyAdapter({ io });
  const keyOf = (event: LemonSqueezyFixture) => {
    const verified = adapter.verify(signed(event), connection());
    if (verified.outcome !== 'event') throw new Error('not an event');
    return verified.providerEventId;
  };

  it('is readable: event, resource, status, refunded amount and update time', () => {
    expect(keyOf(lemonSqueezyFixture('order_refunded.1'))).toBe('order_refunded:orders:5218764:status=partial_refund:refunded=1000:updated=2026-03-12T10:20:07.000000Z');
  });

  it('gives a resend of the same event the same key, even with another webhook_id, key order or spacing', () => {
    const original = lemonSqueezyFixture('order_refunded.1');
    const resent = lemonSqueezyFixture('order_refunded.1');
    resent.meta.webhook_id = '0f4d3c2b-1a09-4876-a5b4-c3d2e1f00a99';
    const reordered = JSON.stringify({ data: resent.data, meta: resent.meta }, null, 1);
    expect(adapter.verify(signed(reordered), connection())).toMatchObject({ providerEventId: keyOf(original) });
  });

  it('gives a real change of the order a new key: a further refund, a new status', () => {
    const partial = lemonSqueezyFixture('order_refunded.1');
    const larger = lemonSqueezyFixture('order_refunded.1');
    larger.data.attributes.refunded_amount = 2000;
    const statusOnly = lemonSqueezyFixture('order_refunded.1');
    statusOnly.data.attributes.status = 'refunded';
    const keys = new Set([keyOf(partial), keyOf(larger), keyOf(statusOnly), keyOf(lemonSqueezyFixture('order_refunded.2'))]);
    expect(keys.size).toBe(4);
  });

  it('tells apart two events about the same resource in the same state', () => {
    const created = lemonSqueezyFixture('order_created.1');
    const refundedNoAmount = lemonSqueezyFixture('order_created.1');
    refundedNoAmount.meta.event_name = 'order_refunded';
    expect(keyOf(created)).not.toBe(keyOf(refundedNoAmount));
  });
});

describe('lemonsqueezy adapter: mapping', () => {
  const adapter = createLemonSqueezyAdapter({ io });
  const mapEvent = (event: LemonSqueezyFixture): MappingResult => {
    const stored: StoredEvent = { id: 'ev_1', providerEventId: 'key', eventType: event.meta.event_name, rawBody: Buffer.from(JSON.stringify(event)), headers: {}, query: {}, receivedAt: CONTRACT_NOW };
    return adapter.map(stored, connection(), null);
  };
  const map = (fixture: string) => mapEvent(lemonSqueezyFixture(fixture));
  const recordsOf = (result: MappingResult): CanonicalRecord[] => {
    if (result.outcome !== 'records') throw new Error(JSON.stringify(result));
    return result.records;
  };
  const onlyRecord = (fixture: string) => {
    const list = recordsOf(map(fixture));
    if (list.length !== 1) throw new Error(`${fixture}: ${JSON.stringify(list)}`);
    return list[0];
  };

  it('maps a paid order to a purchase under Lemon Squeezy’s own order id, unchanged, itemised, attributed from meta.custom_data', () => {
    expect(onlyRecord('order_created.1')).toEqual({
      kind: 'purchase', orderId: '5218764', occurredAt: new Date('2026-03-10T14:05:31.000Z'), currency: 'USD',
      amounts: { gross: 5248, tax: 838, shipping: 0, discount: 490 }, amountsPrecedence: 1, conversionType: 'one_time',
      hints: { visitorId: 'vis_In0s305LczYSDCE11Knfta', clickId: 'clk_mTJX68PDiMf86fjEpJPylB', programId: 'camp_0NXTatyJNHYZZPEFH7R0np', source: 'meta.custom_data' },
      subscriptionKey: null, customerKey: 'lemonsqueezy:customer:4391207', references: ['lemonsqueezy:order:5218764'],
      customerEmail: 'maya.fischer@example.com', customerId: '4391207',
      metadata: { lemonsqueezy: { order: '5218764', identifier: '4e171376-bfe3-448b-8fae-23a6f18545ec', orderNumber: '10472' } },
    });
    expect(onlyRecord('order_created.2')).toMatchObject({ kind: 'purchase', orderId: '5219031', amounts: { gross: 1800, tax: 300 }, conversionType: 'one_time' });
    expect(onlyRecord('order_created.4')).toMatchObject({ currency: 'EUR', amounts: { gross: 4641, tax: 741 } });
  });

  it('maps order_refunded to the order’s cumulative refunded amount, whatever its status string says', () => {
    expect(onlyRecord('order_refunded.1')).toEqual({
      kind: 'refund', order: { orderId: '5218764' }, mode: 'cumulative', key: 'lemonsqueezy:order:5218764',
      amount: 1000, currency: 'USD', status: 'succeeded', occurredAt: new Date('2026-03-12T10:20:07.000Z'),
    });
    expect(onlyRecord('order_refunded.2')).toMatchObject({ mode: 'cumulative', key: 'lemonsqueezy:order:5218764', amount: 5248, occurredAt: new Date('2026-03-15T08:44:50.000Z') });
    // The API docs' partial-refund example keeps status "paid": the amount still counts.
    const paidButRefunded = lemonSqueezyFixture('order_refunded.1');
    paidButRefunded.data.attributes.status = 'paid';
    expect(recordsOf(mapEvent(paidButRefunded))).toMatchObject([{ kind: 'refund', amount: 1000 }]);
  });

  it('binds a subscription to its first order through the subscription’s own order_id', () => {
    expect(onlyRecord('subscription_created.1')).toEqual({ kind: 'link', orderId: '5219031', references: ['lemonsqueezy:subscription:1184920'] });
    const cancelled = lemonSqueezyFixture('subscription_created.1');
    cancelled.meta.event_name = 'subscription_cancelled';
    expect(recordsOf(mapEvent(cancelled))).toEqual([{ kind: 'link', orderId: '5219031', references: ['lemonsqueezy:subscription:1184920'] }]);
  });

  it('ignores the initial invoice (the order’s money) and maps a renewal invoice to a renewal under its own id, subscription-invoices/<id>', () => {
    expect(map('subscription_payment_success.1')).toMatchObject({ outcome: 'ignore', reason: 'not_new_money', livemode: true, detail: expect.stringContaining('subscription 1184920') });
    expect(onlyRecord('subscription_payment_success.2')).toEqual({
      kind: 'renewal', orderId: 'subscription-invoices/3598240', occurredAt: new Date('2026-04-11T09:30:21.000Z'), currency: 'USD',
      amounts: { gross: 1800, tax: 300, shipping: 0, discount: 0 }, amountsPrecedence: 1, conversionType: 'recurring',
      hints: { visitorId: 'vis_vlY6EfAYC4N7X1i54Gf6Ok', clickId: 'clk_SK6QvjjvsPGMBvMFvAdWUX', programId: 'camp_92nWY51VI9UnMrYNHBihkQ', source: 'meta.custom_data' },
      subscriptionKey: 'lemonsqueezy:subscription:1184920', customerKey: null, references: ['lemonsqueezy:subscription_invoice:3598240'],
      customerEmail: 'daniel.okafor@example.com', customerId: '4391455',
      metadata: { lemonsqueezy: { subscriptionInvoice: '3598240', subscription: '1184920', billingReason: 'renewal' } },
    });
  });

  it('never lets an order id and an invoice id with the same number name the same conversion', () => {
    const order = lemonSqueezyFixture('order_created.1');
    order.data.id = '3598240';
    const [purchase] = recordsOf(mapEvent(order));
    const renewal = onlyRecord('subscription_payment_success.2');
    expect(purchase).toMatchObject({ orderId: '3598240' });
    expect(renewal).toMatchObject({ orderId: 'subscription-invoices/3598240' });
  });

  it('maps a renewal’s refund to the renewal, and an initial invoice’s refund to the first order through the subscription', () => {
    expect(onlyRecord('subscription_payment_refunded.1')).toEqual({
      kind: 'refund', order: { orderId: 'subscription-invoices/3598240' }, mode: 'cumulative', key: 'lemonsqueezy:subscription_invoice:3598240',
      amount: 1800, currency: 'USD', status: 'succeeded', occurredAt: new Date('2026-04-13T15:02:39.000Z'),
    });
    const initialRefund = lemonSqueezyFixture('subscription_payment_refunded.1');
    Object.assign(initialRefund.data, { id: '3402117' });
    Object.assign(initialRefund.data.attributes, { billing_reason: 'initial', refunded_amount: 600, refunded: false, status: 'paid' });
    expect(recordsOf(mapEvent(initialRefund))).toEqual([expect.objectContaining({
      order: { reference: 'lemonsqueezy:subscription:1184920' }, mode: 'cumulative', key: 'lemonsqueezy:subscription_invoice:3402117', amount: 600,
    })]);
  });

  it('keeps an order refunded before its order_created was delivered: the purchase, then its refund', () => {
    const late = lemonSqueezyFixture('order_created.1');
    Object.assign(late.data.attributes, { status: 'partial_refund', refunded_amount: 1000 });
    expect(recordsOf(mapEvent(late)).map((record) => [record.kind, 'amount' in record ? record.amount : null])).toEqual([['purchase', null], ['refund', 1000]]);
  });

  it.each([['pending'], ['failed'], ['fraudulent']])('ignores an order that is %s as unpaid', (status) => {
    const order = lemonSqueezyFixture('order_created.1');
    order.data.attributes.status = status;
    expect(mapEvent(order)).toMatchObject({ outcome: 'ignore', reason: 'unpaid' });
  });

  it('ignores free orders, unpaid and failed invoices, and recovered payments (their success event counts)', () => {
    const free = lemonSqueezyFixture('order_created.1');
    free.data.attributes.total = 0;
    expect(mapEvent(free)).toMatchObject({ outcome: 'ignore', reason: 'unpaid' });
    const voided = lemonSqueezyFixture('subscription_payment_success.2');
    voided.data.attributes.status = 'void';
    expect(mapEvent(voided)).toMatchObject({ outcome: 'ignore', reason: 'unpaid' });
    const failed = lemonSqueezyFixture('subscription_payment_success.2');
    failed.meta.event_name = 'subscription_payment_failed';
    expect(mapEvent(failed)).toMatchObject({ outcome: 'ignore', reason: 'unpaid' });
    const recovered = lemonSqueezyFixture('subscription_payment_success.2');
    recovered.meta.event_name = 'subscription_payment_recovered';
    expect(mapEvent(recovered)).toMatchObject({ outcome: 'ignore', reason: 'not_new_money' });
  });

  it('ignores events that do not concern money', () => {
    expect(map('license_key_created.1')).toMatchObject({ outcome: 'ignore', reason: 'irrelevant_event', detail: 'license_key_created does not affect conversions', livemode: true });
  });

  it('reports livemode from test_mode so test orders on a live connection are ignored', () => {
    expect(map('order_created.3').livemode).toBe(false);
    expect(map('order_created.1').livemode).toBe(true);
    const envelopeOnly = lemonSqueezyFixture('order_created.3');
    delete envelopeOnly.data.attributes.test_mode;
    expect(mapEvent(envelopeOnly).livemode).toBe(false);
    delete envelopeOnly.meta.test_mode;
    expect(mapEvent(envelopeOnly).livemode).toBeNull();
  });

  // Lemon Squeezy's amounts are integers in the currency's smallest unit ("a positive integer in
  // cents", docs.lemonsqueezy.com/api/orders); the adapter takes them as minor units of `currency`,
  // as Stripe (Lemon Squeezy's payment processor) does. No source says how Lemon Squeezy writes a
  // zero- or three-decimal currency, so these are the assumption written down (fixtures/README.md).
  it('reads amounts as minor units of their currency: yen as yen, dinar in fils', () => {
    const yen = lemonSqueezyFixture('order_created.1');
    Object.assign(yen.data.attributes, { currency: 'JPY', total: 4990, tax: 454, discount_total: 0 });
    expect(recordsOf(mapEvent(yen))[0]).toMatchObject({ currency: 'JPY', amounts: { gross: 4990, tax: 454 } });
    const dinar = lemonSqueezyFixture('order_created.1');
    Object.assign(dinar.data.attributes, { currency: 'KWD', total: 12345, tax: 0, discount_total: 0 });
    expect(recordsOf(mapEvent(dinar))[0]).toMatchObject({ currency: 'KWD', amounts: { gross: 12345, tax: 0 } });
  });

  it('fails loudly (to be replayed after a fix) on an unknown currency or a resource of the wrong type', () => {
    const odd = lemonSqueezyFixture('order_created.1');
    odd.data.attributes.currency = 'XYZ';
    expect(() => mapEvent(odd)).toThrow('Lemon Squeezy sent an unknown currency "XYZ"');
    const wrongType = lemonSqueezyFixture('order_created.1');
    wrongType.data.type = 'subscriptions';
    expect(() => mapEvent(wrongType)).toThrow('order_created carries a "subscriptions" resource, expected "orders"');
    const fractional = lemonSqueezyFixture('order_created.1');
    fractional.data.attributes.total = 52.48;
    expect(() => mapEvent(fractional)).toThrow();
  });
});

describe('lemonsqueezy adapter: documented payloads and the variants of their flags', () => {
  const adapter = createLemonSqueezyAdapter({ io });
  const mapEvent = (event: LemonSqueezyFixture): MappingResult => {
    const stored: StoredEvent = { id: 'ev_1', providerEventId: 'key', eventType: event.meta.event_name, rawBody: Buffer.from(JSON.stringify(event)), headers: {}, query: {}, receivedAt: CONTRACT_NOW };
    return adapter.map(stored, connection(), null);
  };
  const recordsOf = (result: MappingResult): CanonicalRecord[] => {
    if (result.outcome !== 'records') throw new Error(JSON.stringify(result));
    return result.records;
  };

  it('records the 2021 documented order, whose refunded flag is the integer 0, as a sale under its own id', () => {
    expect(recordsOf(mapEvent(lemonSqueezyFixture('order_created.5')))).toEqual([expect.objectContaining({
      kind: 'purchase', orderId: '1', currency: 'USD', amounts: { gross: 1199, tax: 200, shipping: 0, discount: 0 },
      customerKey: null, customerEmail: 'darlene@example.com', references: ['lemonsqueezy:order:1'],
    })]);
  });

  it('reads a refunded flag of 1 as fully refunded when the order has no refunded_amount yet', () => {
    const refunded = lemonSqueezyFixture('order_created.5');
    Object.assign(refunded.data.attributes, { status: 'refunded', refunded: 1, refunded_at: '2021-08-20T10:00:00.000000Z' });
    expect(recordsOf(mapEvent(refunded)).map((record) => [record.kind, 'amount' in record ? record.amount : null])).toEqual([['purchase', null], ['refund', 1199]]);
  });

  it('reads test_mode given as 0 or 1 as the flag it is, in the attributes and in meta', () => {
    const asIntegers = lemonSqueezyFixture('order_created.3');
    asIntegers.data.attributes.test_mode = 1;
    expect(mapEvent(asIntegers).livemode).toBe(false);
    asIntegers.data.attributes.test_mode = 0;
    expect(mapEvent(asIntegers).livemode).toBe(true);
    const envelopeOnly = lemonSqueezyFixture('order_created.5');
    envelopeOnly.meta.test_mode = 1 as unknown as boolean;
    expect(mapEvent(envelopeOnly).livemode).toBe(false);
    expect(adapter.verify(signed(envelopeOnly), connection()).outcome).toBe('event');
  });

  it('still refuses a flag that is no flag, and any amount that is not an integer of minor units', () => {
    const odd = lemonSqueezyFixture('order_created.5');
    odd.data.attributes.refunded = 'yes';
    expect(() => mapEvent(odd)).toThrow();
    const twoFlag = lemonSqueezyFixture('order_created.5');
    twoFlag.data.attributes.refunded = 2;
    expect(() => mapEvent(twoFlag)).toThrow();
    for (const [field, value] of [['total', '1199'], ['total', 11.99], ['tax', '200'], ['refunded_amount', '100'], ['discount_total', -1]] as const) {
      const malformed = lemonSqueezyFixture('order_created.5');
      malformed.data.attributes[field] = value;
      expect(() => mapEvent(malformed), `${field}: ${JSON.stringify(value)}`).toThrow();
    }
    const badEnvelope = lemonSqueezyFixture('order_created.5');
    badEnvelope.meta.test_mode = 'yes' as unknown as boolean;
    expect(adapter.verify(signed(badEnvelope), connection())).toMatchObject({ outcome: 'unreadable', error: expect.stringMatching(/meta\.test_mode/) });
  });

  it('records today’s documented order, binds the documented subscription to it, and finds it from a refund of the initial invoice', () => {
    expect(recordsOf(mapEvent(lemonSqueezyFixture('order_created.6')))).toEqual([expect.objectContaining({
      kind: 'purchase', orderId: '1', amounts: { gross: 1199, tax: 200, shipping: 0, discount: 0 }, customerKey: 'lemonsqueezy:customer:1',
    })]);
    expect(recordsOf(mapEvent(lemonSqueezyFixture('subscription_created.2')))).toEqual([{ kind: 'link', orderId: '1', references: ['lemonsqueezy:subscription:1'] }]);
    expect(recordsOf(mapEvent(lemonSqueezyFixture('subscription_payment_refunded.2')))).toEqual([expect.objectContaining({
      kind: 'refund', order: { reference: 'lemonsqueezy:subscription:1' }, mode: 'cumulative', key: 'lemonsqueezy:subscription_invoice:1', amount: 100, currency: 'USD',
    })]);
  });
});

describe('lemonsqueezy adapter: options', () => {
  const adapter = createLemonSqueezyAdapter({ io });

  it('takes no options besides the signing secrets, and names an unknown one', () => {
    expect(adapter.parseOptions({})).toEqual({ options: {}, secretOptionNames: [] });
    expect(() => adapter.parseOptions({ storeId: 84213 })).toThrow(ValidationError);
    expect(() => adapter.parseOptions({ storeId: 84213 })).toThrow(/options\.storeId: unknown option/);
  });
});
