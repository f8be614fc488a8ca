import { describe, expect, it } from 'vitest';
import type { CanonicalRecord, MappingResult } from '../../src/contract/canonical-records.js';
import { SignatureVerificationError, ValidationError } from '../../src/contract/errors.js';
import type { StoredEvent } from '../../src/contract/provider-adapter.js';
import type { ConnectionContext, WebhookDelivery } from '../../src/contract/webhook-delivery.js';
import { CONTRACT_NOW, runAdapterContract } from '../../test/contract/run-adapter-contract.js';
import { listFixtures } from '../../test/helpers/fixtures.js';
import { signWoo, wooDelivery, wooWebhookDelivery, type WooDelivery } from '../../test/helpers/woocommerce.js';
import { createWooCommerceAdapter } from './woocommerce-adapter.js';

const io = { fetch: globalThis.fetch, clock: { now: () => CONTRACT_NOW } };
const SECRET = 'woo-unit-secret-0123456789';

function connection(secrets: string[] = [SECRET], options: Record<string, unknown> = { storeUrl: 'https://shop.example.com/' }): ConnectionContext {
  return { id: 'con_test', merchantId: 'mer_test', provider: 'woocommerce', mode: 'live', secrets, options };
}

function unsigned(body: string, headers: Record<string, string> = {}): WebhookDelivery {
  return { rawBody: Buffer.from(body), headers, query: {}, method: 'POST', receivedAt: CONTRACT_NOW };
}

runAdapterContract({
  provider: 'woocommerce',
  createAdapter: () => createWooCommerceAdapter({ io }),
  fixtures: listFixtures('woocommerce'),
  connection: (secrets) => connection(secrets),
  deliver: (fixture, { secret }) => wooWebhookDelivery(wooDelivery(fixture), { secret, receivedAt: CONTRACT_NOW }),
  tamper: (original) => {
    const body = original.rawBody.toString('utf8');
    const tampered = body.replace(/"total":"(\d)/, '"total":"9$1');
    if (tampered === body) throw new Error('tamper changed nothing');
    return { ...original, rawBody: Buffer.from(tampered) };
  },
  stripSignature: (original) => ({ ...original, headers: Object.fromEntries(Object.entries(original.headers).filter(([name]) => name !== 'x-wc-webhook-signature')) }),
  toleranceSeconds: null,
  notApplicable: {
    stale_timestamp: 'WooCommerce signs only the body: X-WC-Webhook-Signature carries no timestamp, so there is no age to check (providers.md §6.1)',
    future_timestamp: 'WooCommerce signs only the body: X-WC-Webhook-Signature carries no timestamp, so there is no age to check (providers.md §6.1)',
  },
});

describe('woocommerce adapter: signatures and the creation ping', () => {
  const adapter = createWooCommerceAdapter({ io });
  const delivery = wooDelivery('order.updated.1');

  it('answers the creation ping (unsigned form body webhook_id=<id>) as a ping', () => {
    expect(adapter.verify(unsigned('webhook_id=12', { 'content-type': 'application/x-www-form-urlencoded' }), connection())).toEqual({ outcome: 'ping' });
  });

  it.each([
    ['an unsigned order body', JSON.stringify(delivery.order)],
    ['a ping with another field', 'webhook_id=12&topic=order.updated'],
    ['a ping without an id', 'webhook_id='],
    ['a ping with a non-numeric id', 'webhook_id=abc'],
    ['an empty body', ''],
  ])('refuses %s without a signature as invalid_signature', (_label, body) => {
    expect(() => adapter.verify(unsigned(body), connection())).toThrow(SignatureVerificationError);
    expect(() => adapter.verify(unsigned(body), connection())).toThrow('missing X-WC-Webhook-Signature header');
  });

  it('does not take a GET with a ping body for a ping', () => {
    expect(() => adapter.verify({ ...unsigned('webhook_id=12'), method: 'GET' }, connection())).toThrow(SignatureVerificationError);
  });

  it.each([
    ['a hex digest', (body: string) => Buffer.from(signWoo(body, SECRET), 'base64').toString('hex'), /not a base64 HMAC-SHA256 digest/],
    ['the digest of another body', (body: string) => signWoo(`${body} `, SECRET), /does not match the body under any secret/],
    ['a digest under another secret', (body: string) => signWoo(body, 'another-secret'), /does not match the body under any secret/],
  ])('refuses %s with a clear message', (_label, sign, message) => {
    const good = wooWebhookDelivery(delivery, { secret: SECRET });
    const body = good.rawBody.toString('utf8');
    expect(() => adapter.verify({ ...good, headers: { ...good.headers, 'x-wc-webhook-signature': sign(body) } }, connection())).toThrow(message);
  });

  it('verifies the exact bytes WordPress sends, escaped slashes and all', () => {
    const phpStyle = JSON.stringify(delivery.order).replaceAll('/', '\\/');
    const verified = adapter.verify(wooWebhookDelivery(delivery, { secret: SECRET, body: phpStyle }), connection());
    expect(verified).toMatchObject({ outcome: 'event', eventType: 'order.updated' });
    const plain = adapter.verify(wooWebhookDelivery(delivery, { secret: SECRET }), connection());
    expect(verified).toEqual(plain);
  });

  it('stores an authentic order body it cannot read as unreadable (to fail visibly and be replayable)', () => {
    const junk = '{"id": "not-a-number"}';
    expect(adapter.verify(wooWebhookDelivery(delivery, { secret: SECRET, body: junk }), connection())).toMatchObject({
      outcome: 'unreadable', eventType: 'order.updated', providerEventId: expect.stringMatching(/^unreadable:[0-9a-f]{64}$/), error: expect.stringMatching(/not a WooCommerce order/),
    });
  });
});

describe('woocommerce adapter: deduplication key', () => {
  const adapter = createWooCommerceAdapter({ io });
  const keyOf = (delivery: WooDelivery) => {
    const verified = adapter.verify(wooWebhookDelivery(delivery, { secret: SECRET }), connection());
    if (verified.outcome !== 'event') throw new Error(`not an event: ${JSON.stringify(verified)}`);
    return verified.providerEventId;
  };

  it('is readable: order, status, refund ids, then a digest of the whole state', () => {
    expect(keyOf(wooDelivery('order.updated.3'))).toMatch(/^order:727:processing:refunds=731,735:[0-9a-f]{24}$/);
    expect(keyOf(wooDelivery('order.updated.1'))).toMatch(/^order:727:processing:refunds=none:[0-9a-f]{24}$/);
  });

  it('gives the same state the same key: a re-send with only date_modified moved, or the same order as order.created', () => {
    expect(keyOf(wooDelivery('order.updated.8'))).toBe(keyOf(wooDelivery('order.updated.1')));
    const asCreated = wooDelivery('order.updated.1');
    asCreated.headers['X-WC-Webhook-Topic'] = 'order.created';
    expect(keyOf(asCreated)).toBe(keyOf(wooDelivery('order.updated.1')));
  });

  it('gives every real change a new key: payment, each refund, completion, full refund, attribution', () => {
    const reattributed = wooDelivery('order.updated.1');
    reattributed.order.meta_data = reattributed.order.meta_data.map((entry) => (entry.key === 'click_id' ? { ...entry, value: 'clk_other' } : entry));
    const keys = ['order.created.1', 'order.updated.1', 'order.updated.2', 'order.updated.3', 'order.updated.4', 'order.updated.5'].map((name) => keyOf(wooDelivery(name)));
    expect(new Set([...keys, keyOf(reattributed)]).size).toBe(7);
  });

  it('names other topics by topic and body, to store and ignore them', () => {
    const product = wooDelivery('order.updated.1');
    product.headers['X-WC-Webhook-Topic'] = 'product.updated';
    expect(adapter.verify(wooWebhookDelivery(product, { secret: SECRET }), connection())).toMatchObject({
      outcome: 'event', eventType: 'product.updated', providerEventId: expect.stringMatching(/^product\.updated:[0-9a-f]{64}$/),
    });
  });
});

describe('woocommerce adapter: mapping', () => {
  const adapter = createWooCommerceAdapter({ io });
  const mapDelivery = (delivery: WooDelivery, options?: Record<string, unknown>): MappingResult => {
    const stored: StoredEvent = {
      id: 'ev_1', providerEventId: 'key', eventType: delivery.headers['X-WC-Webhook-Topic'] ?? 'unknown',
      rawBody: Buffer.from(JSON.stringify(delivery.order)), headers: {}, query: {}, receivedAt: CONTRACT_NOW,
    };
    return adapter.map(stored, connection([SECRET], options), null);
  };
  const map = (fixture: string, options?: Record<string, unknown>) => mapDelivery(wooDelivery(fixture), options);
  const recordsOf = (result: MappingResult): CanonicalRecord[] => {
    if (result.outcome !== 'records') throw new Error(JSON.stringify(result));
    return result.records;
  };
  const summary = (result: MappingResult) => recordsOf(result).map((record) =>
    record.kind === 'refund' ? [record.kind, record.mode, record.key, record.amount] : [record.kind, 'orderId' in record ? record.orderId : null]);

  it('maps a processing order to a purchase: decimal strings to minor units, attribution from meta_data, no livemode', () => {
    const result = map('order.updated.1');
    expect(result.livemode).toBeNull();
    expect(recordsOf(result)).toEqual([{
      kind: 'purchase', orderId: '727', occurredAt: new Date('2026-03-22T19:30:10.000Z'), currency: 'USD',
      amounts: { gross: 2935, tax: 135, shipping: 1000, discount: 500 }, amountsPrecedence: 1, conversionType: 'one_time',
      hints: { visitorId: 'vis_2tMbrX5dpHTKZdzTTgf19j', clickId: 'clk_ifUN1bOKqCqdSLaunuqPBp', programId: 'camp_vyjQhvFQPBDz5S6tWGrLUd', source: 'order meta_data' },
      subscriptionKey: null, customerKey: null, references: [], customerEmail: 'john.doe@example.com', customerId: null,
      metadata: { woocommerce: { order: 727, number: '727', orderKey: 'wc_order_58d2d042d1d' } },
    }]);
    expect(summary(map('order.updated.5'))).toEqual([['purchase', '727']]);
    expect(summary(map('order.updated.8'))).toEqual([['purchase', '727']]);
  });

  it('maps each refunds[] entry to a single succeeded refund keyed by its id, after the purchase', () => {
    expect(summary(map('order.updated.2'))).toEqual([['purchase', '727'], ['refund', 'single', 'woocommerce:refund:731', 1000]]);
    expect(summary(map('order.updated.3'))).toEqual([['purchase', '727'], ['refund', 'single', 'woocommerce:refund:735', 500], ['refund', 'single', 'woocommerce:refund:731', 1000]]);
    expect(recordsOf(map('order.updated.2'))[1]).toEqual({
      kind: 'refund', order: { orderId: '727' }, mode: 'single', key: 'woocommerce:refund:731', amount: 1000, currency: 'USD', status: 'succeeded', occurredAt: new Date('2026-03-25T16:02:44.000Z'),
    });
  });

  it('maps a refunded order to its purchase, its refunds and a cumulative refund of the whole total', () => {
    expect(summary(map('order.updated.4'))).toEqual([
      ['purchase', '727'], ['refund', 'single', 'woocommerce:refund:738', 1435], ['refund', 'single', 'woocommerce:refund:735', 500],
      ['refund', 'single', 'woocommerce:refund:731', 1000], ['refund', 'cumulative', 'woocommerce:order:727:refunded', 2935],
    ]);
  });

  it.each([
    ['order.created.1', 'pending'],
    ['order.updated.6', 'checkout-draft'],
    ['order.updated.7', 'on-hold'],
  ])('ignores %s (%s) as unpaid', (fixture, status) => {
    expect(map(fixture)).toEqual({ outcome: 'ignore', reason: 'unpaid', detail: expect.stringContaining(`is ${status}`), livemode: null });
  });

  it.each([['failed'], ['cancelled'], ['trash']])('ignores a %s order as unpaid', (status) => {
    const delivery = wooDelivery('order.updated.1');
    delivery.order.status = status;
    expect(mapDelivery(delivery)).toMatchObject({ outcome: 'ignore', reason: 'unpaid' });
  });

  it('ignores a refunded order that was never paid, and a free order', () => {
    const neverPaid = wooDelivery('order.created.1');
    neverPaid.order.status = 'refunded';
    expect(mapDelivery(neverPaid)).toMatchObject({ outcome: 'ignore', reason: 'unpaid', detail: 'order 727 is refunded but was never paid' });
    const free = wooDelivery('order.updated.1');
    free.order.total = '0.00';
    expect(mapDelivery(free)).toMatchObject({ outcome: 'ignore', reason: 'unpaid' });
  });

  it('converts zero- and three-decimal stores exactly: JPY "4990", KWD "12.345"', () => {
    expect(recordsOf(map('order.created.2'))).toMatchObject([{ kind: 'purchase', orderId: '752', currency: 'JPY', amounts: { gross: 4990, tax: 454, shipping: 0, discount: 0 } }]);
    expect(recordsOf(map('order.created.3'))).toMatchObject([{ kind: 'purchase', orderId: '758', currency: 'KWD', amounts: { gross: 12345, tax: 0, shipping: 845, discount: 0 } }]);
  });

  it('accepts a store’s surplus trailing zeros but refuses a digit the currency cannot hold', () => {
    const yenWithCents = wooDelivery('order.created.2');
    Object.assign(yenWithCents.order, { total: '4990.00', total_tax: '454.00' });
    expect(recordsOf(mapDelivery(yenWithCents))).toMatchObject([{ amounts: { gross: 4990, tax: 454 } }]);
    const usdThreeDecimals = wooDelivery('order.updated.2');
    Object.assign(usdThreeDecimals.order, { total: '29.350', refunds: [{ id: 731, reason: '', total: '-10.000' }] });
    expect(summary(mapDelivery(usdThreeDecimals))).toEqual([['purchase', '727'], ['refund', 'single', 'woocommerce:refund:731', 1000]]);
    const fractionalYen = wooDelivery('order.created.2');
    fractionalYen.order.total = '4990.5';
    expect(() => mapDelivery(fractionalYen)).toThrow('order 752 total "4990.5" is not an amount in JPY: JPY has no minor unit; "4990.5" has decimals');
    const fourDinarDecimals = wooDelivery('order.created.3');
    fourDinarDecimals.order.total = '12.3456';
    expect(() => mapDelivery(fourDinarDecimals)).toThrow(/KWD has 3 decimal places/);
  });

  it('maps the REST API documentation’s orders: 727 created and completed is one purchase, 723 completed without date_paid keeps its refunds', () => {
    const purchase = { kind: 'purchase', orderId: '727', currency: 'USD', amounts: { gross: 2935, tax: 135, shipping: 1000, discount: 0 }, occurredAt: new Date('2017-03-22T19:28:08.000Z') };
    expect(recordsOf(map('order.created.4'))).toEqual([expect.objectContaining(purchase)]);
    expect(recordsOf(map('order.updated.9'))).toEqual([expect.objectContaining(purchase)]);
    // The docs list 723's refunds as {id, refund, total}: no `reason` (optional, unread), and no
    // date_paid although completed — the sale time falls back to date_created_gmt.
    expect(recordsOf(map('order.updated.10'))[0]).toMatchObject({ kind: 'purchase', orderId: '723', amounts: { gross: 3900, tax: 0, shipping: 1000 }, occurredAt: new Date('2017-03-21T19:16:00.000Z'), customerId: '26' });
    expect(summary(map('order.updated.10'))).toEqual([['purchase', '723'], ['refund', 'single', 'woocommerce:refund:726', 1000], ['refund', 'single', 'woocommerce:refund:724', 900]]);
  });

  it('puts the connection’s orderIdPrefix directly in front of the order id, for sales and refunds alike', () => {
    expect(recordsOf(map('order.updated.4', { storeUrl: 'https://shop.example.com/', orderIdPrefix: 'shopA-' }))).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'purchase', orderId: 'shopA-727' }),
      expect.objectContaining({ kind: 'refund', order: { orderId: 'shopA-727' }, key: 'woocommerce:refund:731' }),
      expect.objectContaining({ kind: 'refund', mode: 'cumulative', order: { orderId: 'shopA-727' }, key: 'woocommerce:order:shopA-727:refunded' }),
    ]));
  });

  it('reads the hub keys in their _hub_ and hub_ forms too', () => {
    const delivery = wooDelivery('order.updated.1');
    delivery.order.meta_data = [{ key: '_hub_click_id', value: 'clk_prefixed' }, { key: 'hub_visitor_id', value: 'vis_prefixed' }, { key: '_hub_program_id', value: 'camp_prefixed' }];
    expect(recordsOf(mapDelivery(delivery))[0]).toMatchObject({ hints: { clickId: 'clk_prefixed', visitorId: 'vis_prefixed', programId: 'camp_prefixed' } });
  });

  it('ignores topics that are not an order’s money, and reads an order without a topic header', () => {
    const product = wooDelivery('order.updated.1');
    product.headers['X-WC-Webhook-Topic'] = 'product.updated';
    expect(mapDelivery(product)).toEqual({ outcome: 'ignore', reason: 'irrelevant_event', detail: 'product.updated does not affect conversions', livemode: null });
    const deleted = wooDelivery('order.updated.1');
    deleted.headers['X-WC-Webhook-Topic'] = 'order.deleted';
    expect(mapDelivery(deleted)).toMatchObject({ outcome: 'ignore', reason: 'irrelevant_event' });
    const noTopic = wooDelivery('order.updated.1');
    delete noTopic.headers['X-WC-Webhook-Topic'];
    expect(summary(mapDelivery(noTopic))).toEqual([['purchase', '727']]);
  });

  it('fails loudly (to be replayed after a fix) on an unknown currency', () => {
    const odd = wooDelivery('order.updated.1');
    odd.order.currency = 'BTC';
    expect(() => mapDelivery(odd)).toThrow('WooCommerce sent an unknown currency "BTC"');
  });
});

describe('woocommerce adapter: options', () => {
  const adapter = createWooCommerceAdapter({ io });

  it('needs the store’s https URL and keeps the REST keys secret', () => {
    expect(adapter.parseOptions({ storeUrl: 'https://shop.example.com/', orderIdPrefix: 'shopA-', consumerKey: 'ck_0123456789abcdef', consumerSecret: 'cs_0123456789abcdef' })).toEqual({
      options: { storeUrl: 'https://shop.example.com/', orderIdPrefix: 'shopA-', consumerKey: 'ck_0123456789abcdef', consumerSecret: 'cs_0123456789abcdef' },
      secretOptionNames: ['consumerKey', 'consumerSecret'],
    });
  });

  it.each([
    [{}, /options\.storeUrl: is required/],
    [{ storeUrl: 'http://shop.example.com/' }, /options\.storeUrl: must be an https:\/\/ URL/],
    [{ storeUrl: 'shop.example.com' }, /options\.storeUrl: must be an https:\/\/ URL/],
    [{ storeUrl: 'https://shop.example.com/', orderIdPrefix: 'shop A-' }, /options\.orderIdPrefix: must be 1 to 50 characters without spaces/],
    [{ storeUrl: 'https://shop.example.com/', consumerKey: 'ck_0123456789abcdef' }, /options\.consumerSecret: consumerKey and consumerSecret go together/],
    [{ storeUrl: 'https://shop.example.com/', consumerKey: 'key', consumerSecret: 'cs_0123456789abcdef' }, /options\.consumerKey: must be a WooCommerce consumer key/],
    [{ storeUrl: 'https://shop.example.com/', apiBase: 'https://x.test' }, /options\.apiBase: unknown option/],
  ])('refuses %j, naming the option', (options, message) => {
    expect(() => adapter.parseOptions(options)).toThrow(ValidationError);
    expect(() => adapter.parseOptions(options)).toThrow(message);
  });
});
