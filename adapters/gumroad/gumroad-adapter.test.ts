import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MappingResult } from '../../src/contract/canonical-records.js';
import { SignatureVerificationError, ValidationError } from '../../src/contract/errors.js';
import type { StoredEvent } from '../../src/contract/provider-adapter.js';
import type { ConnectionContext, WebhookDelivery } from '../../src/contract/webhook-delivery.js';
import { startGumroadApiDouble, type GumroadApiDouble, type GumroadApiSale } from '../../src/doubles/gumroad-api-double.js';
import { CONTRACT_NOW, runAdapterContract } from '../../test/contract/run-adapter-contract.js';
import { listFixtures } from '../../test/helpers/fixtures.js';
import { encodeGumroadForm, GUMROAD_ACCESS_TOKEN, gumroadApiSale, gumroadFixture, gumroadJsonFixture, withGumroadFields, type GumroadFormPing } from '../../test/helpers/gumroad.js';
import { createGumroadAdapter } from './gumroad-adapter.js';
import { parseRailsForm } from './gumroad-body.js';
import { parseGumroadAmount } from './gumroad-money.js';
import type { GumroadConfirmation } from './gumroad-schema.js';

const io = { fetch: globalThis.fetch, clock: { now: () => CONTRACT_NOW } };
const TOKEN = 'url-token-0123456789abcdefghijklmnopqrstuv';
const G1 = 'niBD7_w9Wcu93NQ24c_PhQ==';
const G3 = 'msyB64o0pDaOXhqXliH_Fg==';

function connection(secrets: string[], options: Record<string, unknown> = {}, mode: 'live' | 'test' = 'live'): ConnectionContext {
  return { id: 'con_gumroad', merchantId: 'mer_test', provider: 'gumroad', mode, secrets, options };
}

/** A form ping posted to the webhook URL with `token` (null: a URL without one). */
function formDelivery(ping: GumroadFormPing, token: string | null = TOKEN): WebhookDelivery {
  return {
    rawBody: Buffer.from(encodeGumroadForm(ping)), headers: { 'content-type': 'application/x-www-form-urlencoded' },
    query: token === null ? {} : { token }, method: 'POST', receivedAt: CONTRACT_NOW,
  };
}

function jsonDelivery(body: Record<string, unknown>, token = TOKEN): WebhookDelivery {
  return { rawBody: Buffer.from(JSON.stringify(body)), headers: { 'content-type': 'application/json' }, query: { token }, method: 'POST', receivedAt: CONTRACT_NOW };
}

function stored(delivery: WebhookDelivery): StoredEvent {
  return { id: 'ev_1', providerEventId: 'x', eventType: 'x', rawBody: delivery.rawBody, headers: delivery.headers, query: {}, receivedAt: delivery.receivedAt };
}

/** Which Sales API state each ping of the G1/G3 stories is confirmed with (fixtures/README.md). */
const API_STATE_OF: Readonly<Record<string, string>> = {
  'sale.1': 'api.sale.1', 'refund.1': 'api.sale.2', 'refund.2': 'api.sale.3', 'dispute.1': 'api.sale.4', 'dispute_won.1': 'api.sale.5', 'sale.4': 'api.sale.6',
};

let double: GumroadApiDouble;
/** Confirmations produced by the adapter's own `confirm` against the double, per fixture. */
const confirmations = new Map<string, unknown>();
const adapter = createGumroadAdapter({ io });

beforeAll(async () => {
  double = await startGumroadApiDouble({ accessTokens: { [GUMROAD_ACCESS_TOKEN]: ['view_sales'] } });
  const confirming = connection([TOKEN], { accessToken: GUMROAD_ACCESS_TOKEN, apiBase: double.apiBase });
  for (const [fixture, apiFixture] of Object.entries(API_STATE_OF)) {
    double.setSale(gumroadApiSale(apiFixture));
    confirmations.set(fixture, await adapter.confirm(stored(formDelivery(gumroadFixture(fixture))), confirming, io));
  }
});
afterAll(async () => double.close());

runAdapterContract({
  provider: 'gumroad',
  createAdapter: () => createGumroadAdapter({ io }),
  fixtures: listFixtures('gumroad', { exclude: /^api\./ }),
  connection: (secrets) => connection(secrets),
  deliver: (fixture, { secret }) => formDelivery(gumroadFixture(fixture), secret),
  tamper: (original) => ({ ...original, rawBody: Buffer.from(original.rawBody.toString('utf8').replace('price=4900', 'price=94900')) }),
  stripSignature: (original) => ({ ...original, query: {} }),
  toleranceSeconds: null,
  confirmationFor: (fixture) => confirmations.get(fixture) ?? null,
  notApplicable: {
    tampered_body: 'Gumroad signs nothing (providers.md §4.1): the URL token proves the sender, not the bytes; amounts are protected by the Sales API confirmation',
    reserialised_body: 'Gumroad signs nothing, so no signature can depend on the exact bytes',
  },
});

describe('gumroad adapter: the URL token', () => {
  const sale = gumroadFixture('sale.1');

  it('accepts the connection’s token and refuses a missing, empty, wrong or truncated one', () => {
    expect(adapter.verify(formDelivery(sale), connection([TOKEN])).outcome).toBe('event');
    expect(() => adapter.verify(formDelivery(sale, null), connection([TOKEN]))).toThrow(/missing Gumroad URL token/);
    expect(() => adapter.verify(formDelivery(sale, ''), connection([TOKEN]))).toThrow(SignatureVerificationError);
    expect(() => adapter.verify(formDelivery(sale, 'not-the-token'), connection([TOKEN]))).toThrow(/does not match/);
    expect(() => adapter.verify(formDelivery(sale, TOKEN.slice(0, -1)), connection([TOKEN]))).toThrow(SignatureVerificationError);
  });

  it('checks the token before reading the body: junk with a wrong token is refused, not stored as unreadable', () => {
    const junk = { ...formDelivery(sale, 'wrong'), rawBody: Buffer.from('{not json') };
    expect(() => adapter.verify(junk, connection([TOKEN]))).toThrow(SignatureVerificationError);
  });

  it('stores an authentic body it cannot read as unreadable, with a stable identity', () => {
    const junk = jsonDelivery({ hello: 'not a ping' });
    const verified = adapter.verify(junk, connection([TOKEN]));
    expect(verified).toMatchObject({ outcome: 'unreadable', eventType: 'unknown', error: expect.stringMatching(/no sale_id/) });
    expect(adapter.verify(junk, connection([TOKEN]))).toEqual(verified);
    expect(adapter.verify({ ...junk, rawBody: Buffer.from('{"broken') }, connection([TOKEN]))).toMatchObject({ outcome: 'unreadable', error: expect.stringMatching(/not JSON/) });
  });
});

describe('gumroad adapter: reading pings', () => {
  it('parses Rails-style nested keys and repeated key[] arrays from the raw form', () => {
    const body = parseRailsForm('url_params%5Bvisitor_id%5D=vis_1&card%5Bvisual%5D=%2A%2A%2A%2A%204242&purchase_ids%5B%5D=A%3D%3D&purchase_ids%5B%5D=B&plain=x%20y');
    expect(body).toEqual({ url_params: { visitor_id: 'vis_1' }, card: { visual: '**** 4242' }, purchase_ids: ['A==', 'B'], plain: 'x y' });
    expect(parseRailsForm('a[b][]=1&a[b][]=2&a[c]=3')).toEqual({ a: { b: ['1', '2'], c: '3' } });
  });

  it('names each ping by resource and sale; a partial refund re-arms its event, everything else is stored once', () => {
    const identify = (ping: GumroadFormPing) => adapter.verify(formDelivery(ping), connection([TOKEN]));
    expect(identify(gumroadFixture('sale.1'))).toEqual({ outcome: 'event', providerEventId: `sale:${G1}`, eventType: 'sale', onRedelivery: 'duplicate' });
    expect(identify(gumroadFixture('refund.1'))).toEqual({ outcome: 'event', providerEventId: `refund:${G1}:partial`, eventType: 'refund', onRedelivery: 'refresh' });
    expect(identify(gumroadFixture('refund.2'))).toEqual({ outcome: 'event', providerEventId: `refund:${G1}:full`, eventType: 'refund', onRedelivery: 'duplicate' });
    expect(identify(gumroadFixture('dispute.1'))).toMatchObject({ providerEventId: `dispute:${G1}`, onRedelivery: 'duplicate' });
    expect(identify(gumroadFixture('dispute_won.1'))).toMatchObject({ providerEventId: `dispute_won:${G1}` });
    expect(identify(gumroadFixture('cancellation.1'))).toMatchObject({ eventType: 'cancellation', providerEventId: expect.stringMatching(/^cancellation:Dr-fC_LYz3tJvUSlO7waJg==:[0-9a-f]{16}$/) });
  });

  it('keeps a ping’s identity when Gumroad retries it with retry_count, and when it comes as JSON', () => {
    const first = adapter.verify(formDelivery(gumroadFixture('sale.1')), connection([TOKEN]));
    expect(adapter.verify(formDelivery({ ...gumroadFixture('sale.1'), retry_count: '1' }), connection([TOKEN]))).toEqual(first);
    expect(adapter.verify(jsonDelivery(gumroadJsonFixture('sale.1')), connection([TOKEN]))).toEqual(first);
    const cancellation = adapter.verify(formDelivery(gumroadFixture('cancellation.1')), connection([TOKEN]));
    expect(adapter.verify(formDelivery({ ...gumroadFixture('cancellation.1'), retry_count: '2' }), connection([TOKEN]))).toEqual(cancellation);
  });

  it('treats a ping without resource_name as a sale (Ping-URL deliveries)', () => {
    expect(adapter.verify(formDelivery(withGumroadFields(gumroadFixture('sale.1'), { resource_name: null })), connection([TOKEN]))).toMatchObject({ eventType: 'sale', providerEventId: `sale:${G1}` });
  });
});

describe('gumroad adapter: mapping without the Sales API', () => {
  const map = (delivery: WebhookDelivery, confirmation: unknown = null): MappingResult => adapter.map(stored(delivery), connection([TOKEN]), confirmation);
  const only = (result: MappingResult) => {
    if (result.outcome !== 'records' || result.records.length !== 1) throw new Error(JSON.stringify(result));
    return result.records[0];
  };

  it('maps the first sale ping to a purchase in USD cents, attributed from url_params and bound by sale id', () => {
    expect(only(map(formDelivery(gumroadFixture('sale.1'))))).toEqual({
      kind: 'purchase', orderId: G1, occurredAt: new Date('2026-03-12T14:05:37Z'), currency: 'USD',
      amounts: { gross: 4900, tax: 0, shipping: 0, discount: 0 }, amountsPrecedence: 1, conversionType: 'one_time',
      hints: { visitorId: 'vis_Lt8rTT1qpaEZwDW4ZMiq88', clickId: 'clk_8ysXBmcJPI0RsItmy6ruIT', programId: 'camp_VGi2FihnvR6gKhclYhMnPx', source: 'url_params' },
      subscriptionKey: null, customerKey: null, references: [`gumroad:sale:${G1}`],
      customerEmail: 'jana.novak@example.net', customerId: '6214973081526',
      metadata: { gumroad: expect.objectContaining({ saleId: G1, orderNumber: '718204563', priceUsdCents: 4900 }) },
    });
    expect(map(formDelivery(gumroadFixture('sale.1'))).livemode).toBe(true);
  });

  it('binds a membership’s first sale to its subscription, and maps the renewal (no url_params) as a renewal of it', () => {
    expect(only(map(formDelivery(gumroadFixture('sale.2'))))).toMatchObject({
      kind: 'purchase', conversionType: 'subscription', orderId: '3TaF7dAdyKzYpMnzfAaRsA==', amounts: { gross: 1200 },
      subscriptionKey: 'gumroad:subscription:Dr-fC_LYz3tJvUSlO7waJg==', hints: { clickId: 'clk_iLUyorluzKxtE8vMRwVqdk' },
    });
    expect(only(map(formDelivery(gumroadFixture('sale.3'))))).toMatchObject({
      kind: 'renewal', conversionType: 'recurring', orderId: 'nSS0dSvWDptSoTkCNYUbQg==',
      subscriptionKey: 'gumroad:subscription:Dr-fC_LYz3tJvUSlO7waJg==', references: ['gumroad:sale:nSS0dSvWDptSoTkCNYUbQg=='],
      hints: { visitorId: null, clickId: null, programId: null },
    });
  });

  it('records a EUR product’s sale in USD, because price is USD cents whatever currency says', () => {
    expect(only(map(formDelivery(gumroadFixture('sale.4'))))).toMatchObject({ currency: 'USD', amounts: { gross: 4894 }, metadata: { gumroad: { productCurrency: 'EUR' } } });
  });

  it('records a JPY product’s sale in USD too (the ping has no yen figure), and handles a KWD claim the same way', () => {
    // Gumroad prices products in 32 currencies (antiwork/gumroad config/currencies.json), JPY among them and no
    // three-decimal one: a ping saying kwd cannot come from a real product, and price is USD cents regardless.
    for (const currency of ['jpy', 'kwd']) {
      expect(only(map(formDelivery(withGumroadFields(gumroadFixture('sale.1'), { currency, price: '3312' }))))).toMatchObject({ currency: 'USD', amounts: { gross: 3312 } });
    }
  });

  it('reports test purchases as test mode', () => {
    expect(map(formDelivery(gumroadFixture('sale.5')))).toMatchObject({ outcome: 'records', livemode: false });
  });

  it('maps a full refund to the whole sale and lets a partial refund wait for the access token', () => {
    expect(only(map(formDelivery(gumroadFixture('refund.2'))))).toEqual({
      kind: 'refund', order: { reference: `gumroad:sale:${G1}` }, mode: 'cumulative', key: `gumroad:refunded:${G1}`,
      amount: 4900, currency: 'USD', status: 'succeeded', occurredAt: CONTRACT_NOW,
    });
    const partial = map(formDelivery(gumroadFixture('refund.1')));
    expect(partial).toMatchObject({ outcome: 'wait', livemode: true });
    expect(partial.outcome === 'wait' && partial.detail).toMatch(/no amount.*accessToken/);
  });

  it('maps disputes to a chargeback and a chargeback won on the sale', () => {
    expect(only(map(formDelivery(gumroadFixture('dispute.1'))))).toEqual({ kind: 'chargeback', order: { reference: `gumroad:sale:${G1}` }, disputeKey: `gumroad:dispute:${G1}`, occurredAt: CONTRACT_NOW });
    expect(only(map(formDelivery(gumroadFixture('dispute_won.1'))))).toMatchObject({ kind: 'chargeback_won', disputeKey: `gumroad:dispute:${G1}` });
  });

  it('ignores cancellations and other subscription pings', () => {
    expect(map(formDelivery(gumroadFixture('cancellation.1')))).toMatchObject({ outcome: 'ignore', reason: 'irrelevant_event', livemode: null });
    const ended = { subscription_id: 'Dr-fC_LYz3tJvUSlO7waJg==', resource_name: 'subscription_ended', ended_at: '2026-05-14T09:21:07Z' };
    expect(map(formDelivery(ended))).toMatchObject({ outcome: 'ignore', reason: 'irrelevant_event' });
  });

  it('maps a membership sale with variants and an offer code, and its renewal, in USD cents; variants and the code change nothing', () => {
    expect(only(map(formDelivery(gumroadFixture('sale.6'))))).toMatchObject({
      kind: 'purchase', conversionType: 'subscription', orderId: 'u4Yd0VqQm8n3Rz6cLw1pXA==', currency: 'USD', amounts: { gross: 2400, tax: 0, shipping: 0, discount: 0 },
      subscriptionKey: 'gumroad:subscription:hV3kQ9s_Xe2LpT7mNc0aYw==', hints: { clickId: 'clk_GumroadStudioClick0000', source: 'url_params' },
    });
    expect(only(map(formDelivery(gumroadFixture('sale.7'))))).toMatchObject({
      kind: 'renewal', conversionType: 'recurring', orderId: 'Zr2Wm5Pb0cKx8Ne4Jq7ThA==', amounts: { gross: 2400 }, subscriptionKey: 'gumroad:subscription:hV3kQ9s_Xe2LpT7mNc0aYw==',
    });
    expect(map(jsonDelivery(gumroadJsonFixture('sale.2')))).toEqual(map(formDelivery(gumroadFixture('sale.6'))));
  });

  it('still refuses a price that is not a whole number of cents, in either rendering', () => {
    for (const price of ['24.00', '2400.5', '-2400', 'twenty']) {
      expect(() => map(formDelivery(withGumroadFields(gumroadFixture('sale.6'), { price }))), price).toThrow();
    }
    expect(() => map(jsonDelivery({ ...gumroadJsonFixture('sale.2'), price: 24.5 }))).toThrow();
  });

  it('reads the JSON variant of a ping exactly like its form', () => {
    expect(map(jsonDelivery(gumroadJsonFixture('sale.1')))).toEqual(map(formDelivery(gumroadFixture('sale.1'))));
    expect(map(jsonDelivery(gumroadJsonFixture('refund.1')))).toMatchObject({ outcome: 'wait' });
  });
});

describe('gumroad adapter: mapping with the Sales API', () => {
  const map = (ping: GumroadFormPing, confirmation: unknown): MappingResult => adapter.map(stored(formDelivery(ping)), connection([TOKEN]), confirmation);
  const record = (ping: GumroadFormPing, confirmation: unknown) => {
    const result = map(ping, confirmation);
    if (result.outcome !== 'records') throw new Error(JSON.stringify(result));
    return result.records[0];
  };
  const confirmed = (sale: GumroadApiSale): GumroadConfirmation => ({
    found: true,
    sale: {
      id: sale.id, createdAt: sale.created_at, priceUsdCents: sale.price, currencySymbol: sale.currency_symbol,
      formattedTotalPrice: sale.formatted_total_price ?? null, amountRefundableInCurrency: sale.amount_refundable_in_currency,
      refunded: sale.refunded, partiallyRefunded: sale.partially_refunded, chargedback: sale.chargedback, disputed: sale.disputed, disputeWon: sale.dispute_won,
    },
  });

  it('confirms each ping of G1’s stories with the API’s state: the partial refund gets its amount (price − refundable)', () => {
    expect(record(gumroadFixture('sale.1'), confirmations.get('sale.1'))).toMatchObject({ kind: 'purchase', currency: 'USD', amounts: { gross: 4900 } });
    expect(record(gumroadFixture('refund.1'), confirmations.get('refund.1'))).toMatchObject({ kind: 'refund', mode: 'cumulative', amount: 1000, currency: 'USD' });
    expect(record(gumroadFixture('refund.2'), confirmations.get('refund.2'))).toMatchObject({ amount: 4900 });
    expect(record(gumroadFixture('dispute.1'), confirmations.get('dispute.1'))).toMatchObject({ kind: 'chargeback' });
    expect(record(gumroadFixture('dispute_won.1'), confirmations.get('dispute_won.1'))).toMatchObject({ kind: 'chargeback_won' });
  });

  it('lets the API decide a late dispute ping: once won, the dispute ping restores', () => {
    expect(record(gumroadFixture('dispute.1'), confirmations.get('dispute_won.1'))).toMatchObject({ kind: 'chargeback_won' });
    expect(map(gumroadFixture('dispute.1'), confirmations.get('sale.1'))).toMatchObject({ outcome: 'ignore', reason: 'irrelevant_event' });
  });

  it('records a EUR product’s sale and refunds in euros from the API’s local figures', () => {
    expect(record(gumroadFixture('sale.4'), confirmations.get('sale.4'))).toMatchObject({ currency: 'EUR', amounts: { gross: 4500 } });
    const refundOfG3 = withGumroadFields(gumroadFixture('sale.4'), { resource_name: 'refund' });
    const partly = confirmed({ ...gumroadApiSale('api.sale.6'), partially_refunded: true, amount_refundable_in_currency: '12.50' });
    expect(record(refundOfG3, partly)).toMatchObject({ kind: 'refund', currency: 'EUR', amount: 3250, order: { reference: `gumroad:sale:${G3}` } });
  });

  it('records a JPY product in yen (zero decimals) from the API, partial refunds included', () => {
    const yenSale = { ...gumroadApiSale('api.sale.6'), price: 3312, currency_symbol: '¥', formatted_total_price: '¥4,990', amount_refundable_in_currency: '4,990' };
    const yenPing = withGumroadFields(gumroadFixture('sale.4'), { currency: 'jpy', price: '3312' });
    expect(record(yenPing, confirmed(yenSale))).toMatchObject({ currency: 'JPY', amounts: { gross: 4990 } });
    const refunded = confirmed({ ...yenSale, partially_refunded: true, amount_refundable_in_currency: '3,990' });
    expect(record(withGumroadFields(yenPing, { resource_name: 'refund' }), refunded)).toMatchObject({ currency: 'JPY', amount: 1000 });
  });

  it('keeps USD when the API’s symbol is not the product currency’s, e.g. a KWD claim Gumroad cannot sell in', () => {
    const kwdPing = withGumroadFields(gumroadFixture('sale.1'), { currency: 'kwd' });
    expect(record(kwdPing, confirmed({ ...gumroadApiSale('api.sale.1'), currency_symbol: 'KD', formatted_total_price: 'KD12.340' }))).toMatchObject({ currency: 'USD', amounts: { gross: 4900 } });
  });

  it('ignores a ping whose sale the API does not know for the token’s account', () => {
    const notFound: GumroadConfirmation = { found: false, saleId: G1, detail: 'the Sales API answered "The sale was not found."' };
    const result = map(gumroadFixture('sale.1'), notFound);
    expect(result).toMatchObject({ outcome: 'ignore', reason: 'foreign_account' });
    expect(result.outcome === 'ignore' && result.detail).toContain('The sale was not found.');
  });

  it('ignores a refund ping the API shows no refund for', () => {
    expect(map(gumroadFixture('refund.1'), confirmations.get('sale.1'))).toMatchObject({ outcome: 'ignore', reason: 'not_new_money' });
  });

  it('refuses a confirmation it cannot read', () => {
    expect(() => map(gumroadFixture('sale.1'), { found: 'maybe' })).toThrow(/cannot be read/);
  });
});

describe('gumroad adapter: amounts as Gumroad formats them', () => {
  it.each([
    ['49', 'USD', 4900], ['12.50', 'USD', 1250], ['1,234', 'USD', 123400], ['1,234.50', 'USD', 123450], ['$49', 'USD', 4900],
    ['€45', 'EUR', 4500], ['1.234,50', 'EUR', 123450], ['12,50', 'EUR', 1250], ['¥4,990', 'JPY', 4990], ['4990', 'JPY', 4990], ['0', 'USD', 0],
  ])('reads %s %s as %i minor units', (text, currency, minor) => {
    expect(parseGumroadAmount(text, currency)).toBe(minor);
  });

  it.each([
    ['12.5', 'USD'], ['1,23', 'JPY'], ['', 'USD'], ['abc', 'USD'], ['1,2345', 'USD'], ['1.234', 'KWD'],
  ])('refuses to guess %j in %s', (text, currency) => {
    expect(parseGumroadAmount(text, currency)).toBeNull();
  });

  it('reads a KWD amount only when it cannot be mistaken for thousands', () => {
    // KWD has three decimals; Gumroad cannot sell in it (config/currencies.json), but the parser stays exact.
    expect(parseGumroadAmount('12', 'KWD')).toBe(12000);
    expect(parseGumroadAmount('1,234.567', 'KWD')).toBeNull();
  });
});

describe('gumroad adapter: options and confirm', () => {
  const confirmWith = (options: Record<string, unknown>, ping = gumroadFixture('sale.1'), mode: 'live' | 'test' = 'live') =>
    adapter.confirm(stored(formDelivery(ping)), connection([TOKEN], options, mode), io);

  it('takes an access token (secret) and an http(s) API base, and refuses anything else', () => {
    expect(adapter.parseOptions({ accessToken: 'tok', apiBase: 'http://127.0.0.1:9/' })).toEqual({ options: { accessToken: 'tok', apiBase: 'http://127.0.0.1:9' }, secretOptionNames: ['accessToken'], outboundUrlOptionNames: ['apiBase'] });
    expect(adapter.parseOptions({}).options).toEqual({});
    expect(() => adapter.parseOptions({ apiBase: 'ftp://example.com' })).toThrow(ValidationError);
    expect(() => adapter.parseOptions({ sellerSecret: 'x' })).toThrow(/options.sellerSecret: unknown option/);
  });

  it('asks nothing without an access token, and nothing for subscription pings or test purchases on a live connection', async () => {
    double.clearRequests();
    expect(await confirmWith({})).toBeNull();
    expect(await confirmWith({ accessToken: GUMROAD_ACCESS_TOKEN, apiBase: double.apiBase }, gumroadFixture('cancellation.1'))).toBeNull();
    expect(await confirmWith({ accessToken: GUMROAD_ACCESS_TOKEN, apiBase: double.apiBase }, gumroadFixture('sale.5'))).toBeNull();
    expect(double.requests).toHaveLength(0);
  });

  it('sends the token as a Bearer header, never in the URL', async () => {
    double.setSale(gumroadApiSale('api.sale.1'));
    double.clearRequests();
    await confirmWith({ accessToken: GUMROAD_ACCESS_TOKEN, apiBase: double.apiBase });
    expect(double.requests).toEqual([expect.objectContaining({ method: 'GET', path: `/v2/sales/${encodeURIComponent(G1)}`, query: {}, outcome: 200 })]);
    expect(double.requests[0]?.headers.authorization).toBe(`Bearer ${GUMROAD_ACCESS_TOKEN}`);
  });

  it('throws on every API failure so the event is retried, with messages that never carry the token', async () => {
    double.setSale(gumroadApiSale('api.sale.1'));
    const options = { accessToken: GUMROAD_ACCESS_TOKEN, apiBase: double.apiBase, requestTimeoutMs: 200 };
    const failures = [
      [{ kind: 'status', status: 503 }, /answered 503/],
      [{ kind: 'unauthorized' }, /refused the connection's access token \(401 invalid_token\)/],
      [{ kind: 'timeout' }, /no answer within 200 ms/],
      [{ kind: 'disconnect' }, /failed:/],
    ] as const;
    for (const [failure, message] of failures) {
      double.fail(failure, { times: 1 });
      const error = await confirmWith(options).then(() => null, (caught: unknown) => caught as Error);
      expect(error?.message, failure.kind).toMatch(message);
      expect(error?.message).not.toContain(GUMROAD_ACCESS_TOKEN);
      double.recover();
    }
    await expect(confirmWith({ ...options, accessToken: 'revoked-token' })).rejects.toThrow(/401 invalid_token/);
    double.addAccessToken('narrow-token', ['view_profile']);
    await expect(confirmWith({ ...options, accessToken: 'narrow-token' })).rejects.toThrow(/403 insufficient_scope/);
    expect(await confirmWith(options)).toMatchObject({ found: true });
  });

  it('does not mistake a wrong API base for an unknown sale: it fails and is retried', async () => {
    await expect(confirmWith({ accessToken: GUMROAD_ACCESS_TOKEN, apiBase: `${double.apiBase}/api` })).rejects.toThrow(/answered 404/);
  });

  it('reports an unknown sale as not found', async () => {
    double.removeSale(G1);
    expect(await confirmWith({ accessToken: GUMROAD_ACCESS_TOKEN, apiBase: double.apiBase })).toEqual({ found: false, saleId: G1, detail: 'the Sales API answered "The sale was not found."' });
  });
});
