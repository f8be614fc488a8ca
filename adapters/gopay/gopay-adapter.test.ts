import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MappingResult, SaleRecord } from '../../src/contract/canonical-records.js';
import { SignatureVerificationError, ValidationError } from '../../src/contract/errors.js';
import type { StoredEvent } from '../../src/contract/provider-adapter.js';
import type { ConnectionContext, WebhookDelivery } from '../../src/contract/webhook-delivery.js';
import { startGoPayApiDouble, type GoPayApiDouble, type GoPayPayment, type GoPayRefund } from '../../src/doubles/gopay-api-double.js';
import { ManualClock } from '../../src/lib/clock.js';
import { CONTRACT_NOW, runAdapterContract } from '../../test/contract/run-adapter-contract.js';
import { listFixtures } from '../../test/helpers/fixtures.js';
import { GOPAY_CLIENT_ID, GOPAY_CLIENT_SECRET, GOPAY_GOID, gopayPayment, gopayRefunds, Q1 } from '../../test/helpers/gopay.js';
import { createGoPayAdapter } from './gopay-adapter.js';
import type { GoPayConfirmation } from './gopay-schema.js';

const clock = new ManualClock(CONTRACT_NOW);
const io = { fetch: globalThis.fetch, clock };
const PAYMENT_FIXTURES = listFixtures('gopay', { exclude: /^(api|oauth2|refunds)\./ });

function connection(options: Record<string, unknown> = {}, id = 'con_gopay'): ConnectionContext {
  return { id, merchantId: 'mer_test', provider: 'gopay', mode: 'live', secrets: [], options: { goid: String(GOPAY_GOID), clientId: GOPAY_CLIENT_ID, clientSecret: GOPAY_CLIENT_SECRET, ...options } };
}

function notification(query: Record<string, string>, method: 'GET' | 'POST' = 'GET', body = '', contentType?: string): WebhookDelivery {
  return { rawBody: Buffer.from(body), headers: contentType ? { 'content-type': contentType } : {}, query, method, receivedAt: CONTRACT_NOW };
}

function stored(delivery: WebhookDelivery): StoredEvent {
  return { id: 'ev_1', providerEventId: 'x', eventType: 'payment_notification', rawBody: delivery.rawBody, headers: delivery.headers, query: delivery.query, receivedAt: delivery.receivedAt };
}

const notificationOf = (payment: number | string) => notification({ id: String(payment) });

let double: GoPayApiDouble;
/** Confirmations produced by the adapter's own `confirm` against the double, per fixture. */
const confirmations = new Map<string, unknown>();
const adapter = createGoPayAdapter({ io });

beforeAll(async () => {
  double = await startGoPayApiDouble({ clientId: GOPAY_CLIENT_ID, clientSecret: GOPAY_CLIENT_SECRET, clock });
  for (const fixture of PAYMENT_FIXTURES) {
    const payment = gopayPayment(fixture);
    double.setPayment(payment, payment.state === 'PARTIALLY_REFUNDED' ? gopayRefunds('refunds.1') : []);
    confirmations.set(fixture, await adapter.confirm(stored(notificationOf(payment.id)), connection({ apiBase: double.apiBase }), io));
  }
});
afterAll(async () => double.close());

runAdapterContract({
  provider: 'gopay',
  createAdapter: () => createGoPayAdapter({ io }),
  fixtures: PAYMENT_FIXTURES,
  connection: () => connection(),
  // GoPay's notification is the payment id alone; the fixture says which payment.
  deliver: (fixture) => notificationOf(gopayPayment(fixture).id),
  tamper: (original) => original,
  stripSignature: (original) => ({ ...original, query: {} }),
  toleranceSeconds: null,
  confirmationFor: (fixture) => confirmations.get(fixture) ?? null,
  notApplicable: {
    tampered_body: 'GoPay notifies with a bodiless GET ?id=<paymentId>; there are no bytes to tamper with — the state is read from GoPay',
    wrong_secret: 'GoPay signs nothing (providers.md §5.1): a connection has no signing secret; authenticity comes from the OAuth2 status call',
    rotated_secrets: 'GoPay signs nothing, so there is no secret to rotate (client credentials are options, checked by GoPay)',
    reserialised_body: 'GoPay notifications have no body',
  },
});

describe('gopay adapter: the notification', () => {
  it('names every notification of a payment alike and re-arms it on re-delivery', () => {
    const expected = { outcome: 'event', providerEventId: `payment:${Q1}`, eventType: 'payment_notification', onRedelivery: 'refresh' };
    expect(adapter.verify(notificationOf(Q1), connection())).toEqual(expected);
    expect(adapter.verify(notification({ id: `00${Q1}` }), connection())).toEqual(expected);
    expect(adapter.verify(notification({ 'gopay-api': 'gopay_notification', order_id: '123', id: String(Q1) }), connection())).toEqual(expected);
    expect(adapter.verify(notification({ id: String(Q1) }, 'POST'), connection())).toEqual(expected);
    expect(adapter.verify(notification({}, 'POST', `id=${Q1}`, 'application/x-www-form-urlencoded'), connection())).toEqual(expected);
  });

  it.each([
    ['no id', {}],
    ['an empty id', { id: '' }],
    ['a non-numeric id', { id: '3000006529abc' }],
    ['a negative id', { id: '-3000006529' }],
    ['zero', { id: '0' }],
    ['an id beyond a long', { id: '99999999999999999999' }],
  ])('refuses %s with invalid_signature', (_label, query: Record<string, string>) => {
    expect(() => adapter.verify(notification(query), connection())).toThrow(SignatureVerificationError);
  });

  it('does not take an id from a JSON body', () => {
    expect(() => adapter.verify(notification({}, 'POST', `{"id": ${Q1}}`, 'application/json'), connection())).toThrow(/no payment id/);
  });
});

describe('gopay adapter: mapping the payment state', () => {
  const map = (fixture: string, confirmation: unknown = confirmations.get(fixture)): MappingResult =>
    adapter.map(stored(notificationOf(gopayPayment(fixture).id)), connection(), confirmation);
  const recordsOf = (fixture: string, confirmation?: unknown) => {
    const result = map(fixture, confirmation ?? confirmations.get(fixture));
    if (result.outcome !== 'records') throw new Error(`${fixture}: ${JSON.stringify(result)}`);
    return result.records;
  };

  it('maps PAID to the sale of the payment, attributed from additional_params', () => {
    expect(recordsOf('payment.PAID.1')).toEqual([{
      kind: 'purchase', orderId: String(Q1), occurredAt: CONTRACT_NOW, currency: 'CZK',
      amounts: { gross: 139950, tax: 0, shipping: 0, discount: 0 }, amountsPrecedence: 1, conversionType: 'one_time',
      hints: { visitorId: 'vis_Eu60H9mVuU5axGAjBMJdiR', clickId: 'clk_dWAwtJWqbFxXGnFfRxGgB5', programId: 'camp_lzG7IHIVZyHOGrrfs0C9kg', source: 'payment additional_params' },
      subscriptionKey: null, customerKey: null, references: [`gopay:payment:${Q1}`, `gopay:recurrence:${Q1}`],
      customerEmail: 'tereza.dvorakova@example.cz', customerId: null,
      metadata: { gopay: { paymentId: Q1, orderNumber: 'ACME2026031200142' } },
    }]);
    expect(map('payment.PAID.1').livemode).toBeNull();
  });

  it('binds an initial recurring payment as the recurrence, and maps its child as a renewal of the parent', () => {
    expect(recordsOf('payment.PAID.2')).toMatchObject([{ kind: 'purchase', conversionType: 'subscription', orderId: '3000007210', subscriptionKey: 'gopay:recurrence:3000007210', references: ['gopay:payment:3000007210'] }]);
    expect(recordsOf('payment.PAID.3')).toMatchObject([{
      kind: 'renewal', conversionType: 'recurring', orderId: '3000008344', subscriptionKey: 'gopay:recurrence:3000007210',
      references: ['gopay:payment:3000008344'], hints: { visitorId: null, clickId: null, programId: null }, metadata: { gopay: { parentId: 3000007210 } },
    }]);
  });

  it('maps PARTIALLY_REFUNDED to the sale and a refunded total of the SUCCESS refunds only', () => {
    const [sale, refund] = recordsOf('payment.PARTIALLY_REFUNDED.1');
    expect(sale).toMatchObject({ kind: 'purchase', orderId: String(Q1), amounts: { gross: 139950 } });
    // refunds.1: SUCCESS 30000, FAILED 20000, REQUESTED 15000 → 300.00 Kč given back so far.
    expect(refund).toEqual({ kind: 'refund', order: { orderId: String(Q1) }, mode: 'cumulative', key: `gopay:refunded:${Q1}`, amount: 30000, currency: 'CZK', status: 'succeeded', occurredAt: CONTRACT_NOW });
  });

  it('maps REFUNDED to the sale and a refunded total of the whole amount', () => {
    expect(recordsOf('payment.REFUNDED.1')).toMatchObject([{ kind: 'purchase', orderId: String(Q1) }, { kind: 'refund', mode: 'cumulative', amount: 139950, key: `gopay:refunded:${Q1}` }]);
  });

  it.each(['payment.CREATED.1', 'payment.PAYMENT_METHOD_CHOSEN.1', 'payment.AUTHORIZED.1', 'payment.CANCELED.1', 'payment.TIMEOUTED.1'])('ignores %s as unpaid', (fixture) => {
    const result = map(fixture);
    expect(result).toMatchObject({ outcome: 'ignore', reason: 'unpaid' });
    expect(result.outcome === 'ignore' && result.detail).toContain(gopayPayment(fixture).state);
  });

  it('ignores a payment paid to another GoID, saying whose it is', () => {
    const result = map('payment.PAID.5');
    expect(result).toMatchObject({ outcome: 'ignore', reason: 'foreign_account' });
    expect(result.outcome === 'ignore' && result.detail).toBe("payment 3000009377 is paid to GoID 8987654321, not this connection's GoID 8123456789");
  });

  it('ignores a payment GoPay does not know, and refuses to decide without GoPay’s answer', () => {
    const notFound: GoPayConfirmation = { found: false, paymentId: String(Q1), detail: 'GoPay answered "payment not found"' };
    expect(map('payment.PAID.1', notFound)).toMatchObject({ outcome: 'ignore', reason: 'foreign_account' });
    expect(() => map('payment.PAID.1', null)).toThrow(/decided by the payment status/);
  });

  it('refuses an answer about another payment than the one notified', () => {
    expect(() => adapter.map(stored(notificationOf(3000000001)), connection(), confirmations.get('payment.PAID.1'))).toThrow(/asked for 3000000001/);
  });

  it('keeps amounts in the minor units GoPay reports, EUR, JPY and KWD alike', () => {
    expect(recordsOf('payment.PAID.4')).toMatchObject([{ currency: 'EUR', amounts: { gross: 5990 } }]);
    // GoPay's SDKs list CZK, EUR, PLN, HUF, GBP, USD, RON and BGN (gopay-php Definition/Payment/Currency.php) and
    // give every amount "in cents" (minor units): should it ever report yen or dinars, the integer is kept as is.
    const paid = confirmations.get('payment.PAID.1') as Extract<GoPayConfirmation, { found: true }>;
    for (const [currency, amount] of [['JPY', 4990], ['KWD', 12340]] as const) {
      const [sale] = recordsOf('payment.PAID.1', { ...paid, payment: { ...paid.payment, currency, amount } }) as SaleRecord[];
      expect(sale).toMatchObject({ currency, amounts: { gross: amount } });
    }
    expect(() => recordsOf('payment.PAID.1', { ...paid, payment: { ...paid.payment, currency: 'XXY' } })).toThrow(/unknown currency "XXY"/);
  });
});

describe('gopay adapter: GoPay’s documented payments (create_recurrent.yml, recurrence_ondemand.yml) and refund history', () => {
  const confirmed = async (payment: GoPayPayment, refunds: GoPayRefund[] = []) => {
    double.setPayment(payment, refunds);
    return adapter.confirm(stored(notificationOf(payment.id)), connection({ apiBase: double.apiBase }), io);
  };
  const mapped = async (payment: GoPayPayment, refunds: GoPayRefund[] = []) =>
    adapter.map(stored(notificationOf(payment.id)), connection(), await confirmed(payment, refunds));

  it('ignores the documented recurring payment and its on-demand child while they are CREATED', async () => {
    expect(await mapped(gopayPayment('payment.CREATED.2'))).toMatchObject({ outcome: 'ignore', reason: 'unpaid' });
    expect(await mapped(gopayPayment('payment.CREATED.3'))).toMatchObject({ outcome: 'ignore', reason: 'unpaid' });
  });

  it('maps the documented recurrence once paid: the parent binds the recurrence (recurrence block read), the child renews it', async () => {
    const parent: GoPayPayment = { ...gopayPayment('payment.CREATED.2'), state: 'PAID' };
    expect(await mapped(parent)).toMatchObject({ outcome: 'records', records: [{
      kind: 'purchase', conversionType: 'subscription', orderId: '3000006542', currency: 'CZK', amounts: { gross: 1000, tax: 0 },
      subscriptionKey: 'gopay:recurrence:3000006542', customerEmail: ' test@test.cz',
    }] });
    const child: GoPayPayment = { ...gopayPayment('payment.CREATED.3'), state: 'PAID' };
    expect(await mapped(child)).toMatchObject({ outcome: 'records', records: [{ kind: 'renewal', orderId: '3000006621', subscriptionKey: 'gopay:recurrence:3000006542', amounts: { gross: 1000 } }] });
  });

  it('reads the refund-history model: only SUCCESS refunds count', async () => {
    const partlyRefunded: GoPayPayment = { ...gopayPayment('payment.CREATED.2'), state: 'PARTIALLY_REFUNDED' };
    const result = await mapped(partlyRefunded, gopayRefunds('refunds.3'));
    expect(result).toMatchObject({ outcome: 'records', records: [{ kind: 'purchase' }, { kind: 'refund', mode: 'cumulative', amount: 300, currency: 'CZK' }] });
  });

  it('refuses an amount that is not an integer of minor units, as GoPay never sends one', async () => {
    for (const amount of ['1000', 10.5]) {
      await expect(confirmed({ ...gopayPayment('payment.CREATED.2'), state: 'PAID', amount } as unknown as GoPayPayment)).rejects.toThrow();
    }
  });
});

describe('gopay adapter: options', () => {
  it('takes goid as a number or numeric string, client credentials (the secret write-only) and an API base with /api', () => {
    expect(adapter.parseOptions({ goid: 8123456789, clientId: 'id', clientSecret: 'secret', apiBase: 'https://gw.sandbox.gopay.com/api/' })).toEqual({
      options: { goid: '8123456789', clientId: 'id', clientSecret: 'secret', apiBase: 'https://gw.sandbox.gopay.com/api' }, secretOptionNames: ['clientSecret'], outboundUrlOptionNames: ['apiBase'],
    });
    expect(adapter.parseOptions({ goid: '8123456789', clientId: 'id', clientSecret: 'secret' }).options).toEqual({ goid: '8123456789', clientId: 'id', clientSecret: 'secret' });
  });

  it.each([
    ['no goid', { clientId: 'id', clientSecret: 's' }, 'options.goid'],
    ['a non-numeric goid', { goid: 'GO123', clientId: 'id', clientSecret: 's' }, 'options.goid'],
    ['no client secret', { goid: 1, clientId: 'id' }, 'options.clientSecret'],
    ['a non-http API base', { goid: 1, clientId: 'id', clientSecret: 's', apiBase: 'file:///etc' }, 'options.apiBase'],
    ['an unknown option', { goid: 1, clientId: 'id', clientSecret: 's', secret: 'x' }, 'options.secret'],
  ])('refuses %s, naming the field', (_label, options, field) => {
    try {
      adapter.parseOptions(options);
      expect.unreachable('parseOptions accepted bad options');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details.map((detail) => detail.field)).toContain(field);
    }
  });
});

describe('gopay adapter: talking to GoPay', () => {
  // A fresh adapter per test: each owns its token cache.
  let own: ReturnType<typeof createGoPayAdapter>;
  const confirm = (paymentId: number, options: Record<string, unknown> = {}, connectionId = 'con_gopay') =>
    own.confirm(stored(notificationOf(paymentId)), connection({ apiBase: double.apiBase, ...options }, connectionId), io);
  beforeEach(() => {
    own = createGoPayAdapter({ io });
    double.recover();
    double.clearRequests();
    double.setPayment(gopayPayment('payment.PAID.1'), []);
  });

  it('asks for a client-credentials token as GoPay documents, then the status with it', async () => {
    expect(await confirm(Q1)).toMatchObject({ found: true, payment: { id: Q1, state: 'PAID', goid: String(GOPAY_GOID) }, refunds: null });
    const [token, status] = double.requests;
    expect(token).toMatchObject({ method: 'POST', path: '/oauth2/token', body: 'grant_type=client_credentials&scope=payment-all', outcome: 200 });
    expect(token?.headers).toMatchObject({
      authorization: `Basic ${Buffer.from(`${GOPAY_CLIENT_ID}:${GOPAY_CLIENT_SECRET}`).toString('base64')}`,
      accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded',
    });
    expect(status).toMatchObject({ method: 'GET', path: `/payments/payment/${Q1}`, outcome: 200 });
    expect(status?.headers).toMatchObject({ authorization: expect.stringMatching(/^Bearer AAA/), accept: 'application/json' });
  });

  it('reads the refund history only for a partly refunded payment of its own GoID', async () => {
    double.setPayment(gopayPayment('payment.PARTIALLY_REFUNDED.1'), gopayRefunds('refunds.1'));
    expect(await confirm(Q1)).toMatchObject({ found: true, refunds: [{ state: 'SUCCESS', amount: 30000 }, { state: 'FAILED' }, { state: 'REQUESTED' }] });
    expect(double.requests.map((request) => request.path)).toEqual(['/oauth2/token', `/payments/payment/${Q1}`, `/payments/payment/${Q1}/refunds`]);
    double.clearRequests();
    double.setPayment({ ...gopayPayment('payment.PARTIALLY_REFUNDED.1'), target: { type: 'ACCOUNT', goid: 8987654321 } });
    await confirm(Q1);
    expect(double.requests.map((request) => request.path)).toEqual([`/payments/payment/${Q1}`]);
  });

  it('keeps the token per connection until shortly before it expires', async () => {
    await confirm(Q1);
    await confirm(Q1);
    await Promise.all([confirm(Q1), confirm(Q1), confirm(Q1)]);
    expect(double.tokenRequestCount()).toBe(1);
    await Promise.all([confirm(Q1, {}, 'con_other'), confirm(Q1, {}, 'con_other')]);
    expect(double.tokenRequestCount()).toBe(2);
    clock.advance(1739 * 1000);
    await confirm(Q1);
    expect(double.tokenRequestCount()).toBe(2);
    clock.advance(2 * 1000); // within a minute of the 1800 s expiry: renewed before GoPay refuses it
    await confirm(Q1);
    expect(double.tokenRequestCount()).toBe(3);
  });

  it('never reuses a token after the connection’s credentials or gateway change', async () => {
    await confirm(Q1);
    await expect(confirm(Q1, { clientSecret: 'changed-secret' })).rejects.toThrow(/POST \/oauth2\/token answered 403 \(error 202 AUTH_WRONG_CREDENTIALS: Wrong access credentials.\) — check the connection’s clientId and clientSecret/);
    expect(double.tokenRequestCount()).toBe(2);
  });

  it('drops a token GoPay revoked early and retries once with a fresh one', async () => {
    await confirm(Q1);
    double.revokeTokens();
    expect(await confirm(Q1)).toMatchObject({ found: true });
    expect(double.requests.map((request) => [request.path, request.outcome])).toEqual([
      ['/oauth2/token', 200], [`/payments/payment/${Q1}`, 200], [`/payments/payment/${Q1}`, 403], ['/oauth2/token', 200], [`/payments/payment/${Q1}`, 200],
    ]);
  });

  it('does not mistake a wrong gateway path for an unknown payment: an apiBase without /api fails and is retried', async () => {
    await expect(confirm(Q1, { apiBase: double.apiBase.replace(/\/api$/, '') })).rejects.toThrow(/answered 404 .*check that the connection’s apiBase ends with \/api/);
  });

  it('reports an unknown payment as not found', async () => {
    expect(await confirm(3000000001)).toEqual({ found: false, paymentId: '3000000001', detail: 'GoPay answered "payment not found" for payment 3000000001' });
  });

  it('throws on every failure, naming the call, never a secret or token', async () => {
    const onToken = (request: { path: string }) => request.path === '/oauth2/token';
    const onStatus = (request: { path: string }) => request.path.startsWith('/payments/');
    const cases = [
      [{ kind: 'status', status: 500 }, onStatus, /GET \/payments\/payment\/3000006529 answered 500 \(error 500 SERVER_ERROR/],
      [{ kind: 'status', status: 503 }, onToken, /POST \/oauth2\/token answered 503/],
      [{ kind: 'status', status: 401 }, onStatus, /answered 401 .*a fresh token was refused too/],
      [{ kind: 'unauthorized' }, undefined, /POST \/oauth2\/token answered 403/],
      [{ kind: 'timeout' }, undefined, /failed: no answer within 200 ms/],
      [{ kind: 'disconnect' }, undefined, /POST \/oauth2\/token failed: /],
    ] as const;
    for (const [failure, matching, message] of cases) {
      own = createGoPayAdapter({ io });
      double.fail(failure, matching ? { matching } : {});
      const error = await confirm(Q1, { requestTimeoutMs: 200 }).then(() => null, (caught: unknown) => caught as Error);
      double.recover();
      expect(error?.message, JSON.stringify(failure)).toMatch(message);
      expect(error?.message).not.toContain(GOPAY_CLIENT_SECRET);
      expect(error?.message).not.toMatch(/AAA/);
    }
    expect(await confirm(Q1)).toMatchObject({ found: true });
  });
});
