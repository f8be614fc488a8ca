import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MappingResult } from '../../src/contract/canonical-records.js';
import { SignatureVerificationError, ValidationError } from '../../src/contract/errors.js';
import type { StoredEvent } from '../../src/contract/provider-adapter.js';
import type { ConnectionContext, WebhookDelivery } from '../../src/contract/webhook-delivery.js';
import { CONTRACT_NOW, runAdapterContract } from '../../test/contract/run-adapter-contract.js';
import { listFixtures } from '../../test/helpers/fixtures.js';
import { paddleFixture, paddleH1, setPaddleField, signPaddle, type PaddleFixture } from '../../test/helpers/paddle.js';
import { createPaddleAdapter } from './paddle-adapter.js';

const io = { fetch: globalThis.fetch, clock: { now: () => CONTRACT_NOW } };
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

function connection(secrets: string[], options: Record<string, unknown> = {}): ConnectionContext {
  return { id: 'con_test', merchantId: 'mer_test', provider: 'paddle', mode: 'live', secrets, options };
}

function delivery(body: string, header: string | undefined, receivedAt = CONTRACT_NOW): WebhookDelivery {
  return { rawBody: Buffer.from(body), headers: header === undefined ? {} : { 'paddle-signature': header }, query: {}, method: 'POST', receivedAt };
}

runAdapterContract({
  provider: 'paddle',
  createAdapter: () => createPaddleAdapter({ io }),
  fixtures: listFixtures('paddle'),
  connection: (secrets) => connection(secrets),
  deliver: (fixture, { secret, signedAt }) => {
    const body = JSON.stringify(paddleFixture(fixture));
    return delivery(body, signPaddle(body, { timestamp: seconds(signedAt), secrets: [secret] }));
  },
  tamper: (original) => ({ ...original, rawBody: Buffer.from(original.rawBody.toString('utf8').replace(/"total":"(\d+)"/, '"total":"9$1"')) }),
  stripSignature: (original) => ({ ...original, headers: {} }),
  toleranceSeconds: 5,
});

describe('paddle adapter: signatures', () => {
  const adapter = createPaddleAdapter({ io });
  const body = JSON.stringify(paddleFixture('transaction.completed.1'));
  const ts = seconds(CONTRACT_NOW);
  const h1 = (secret: string, content = body) => paddleH1(content, ts, secret);

  it('verifies Paddle’s own test vector (paddle-node-sdk webhooks-validator.node.test.ts) with its 5 s window', () => {
    // Secret "VALID_SECRET", body {"data": ["1", "2"]}, signed at 2023-11-01T00:00:00Z. Authentic, but not an event.
    const header = 'ts=1698796800;h1=a300428748dce5c70e4da19bffd60769591ea969c99dea3105d0ec9612cf43f9';
    const vector = '{"data": ["1", "2"]}';
    expect(adapter.verify(delivery(vector, header, new Date('2023-11-01T00:00:05Z')), connection(['VALID_SECRET'])).outcome).toBe('unreadable');
    expect(() => adapter.verify(delivery(vector, header, new Date('2023-11-01T00:00:06Z')), connection(['VALID_SECRET']))).toThrow(/older than the 5 s tolerance/);
    expect(() => adapter.verify(delivery('{ "data": [ "1", "2" ]}', header, new Date('2023-11-01T00:00:01Z')), connection(['VALID_SECRET']))).toThrow(SignatureVerificationError);
    expect(() => adapter.verify(delivery(vector, header, new Date('2023-11-01T00:00:01Z')), connection(['INVALID_VALID_SECRET']))).toThrow(SignatureVerificationError);
  });

  it.each([
    ['first', (mine: string, other: string) => [mine, other, other]],
    ['middle', (mine: string, other: string) => [other, mine, other]],
    ['last', (mine: string, other: string) => [other, other, mine]],
  ])('accepts several h1 values when only the %s one matches (the SDK checks only the last)', (_position, arrange) => {
    const header = `ts=${ts};${arrange(h1('pdl_ntfset_mine'), h1('pdl_ntfset_other')).map((value) => `h1=${value}`).join(';')}`;
    expect(adapter.verify(delivery(body, header), connection(['pdl_ntfset_mine'])).outcome).toBe('event');
  });

  it('tries every h1 against every secret: a rotation on either side verifies, nothing else does', () => {
    const header = `ts=${ts};h1=${h1('pdl_ntfset_unknown')};h1=${h1('pdl_ntfset_new')}`;
    expect(adapter.verify(delivery(body, header), connection(['pdl_ntfset_old', 'pdl_ntfset_new'])).outcome).toBe('event');
    expect(() => adapter.verify(delivery(body, header), connection(['pdl_ntfset_old', 'pdl_ntfset_other']))).toThrow(/does not match/);
  });

  it('signs ts and body joined by a colon: a dot-joined (Stripe-style) signature is refused', () => {
    const dotted = createHmac('sha256', 'pdl_ntfset_mine').update(`${ts}.${body}`).digest('hex');
    expect(() => adapter.verify(delivery(body, `ts=${ts};h1=${dotted}`), connection(['pdl_ntfset_mine']))).toThrow(/does not match/);
    const colon = createHmac('sha256', 'pdl_ntfset_mine').update(`${ts}:${body}`).digest('hex');
    expect(adapter.verify(delivery(body, `ts=${ts};h1=${colon}`), connection(['pdl_ntfset_mine'])).outcome).toBe('event');
  });

  it('ignores other schemes and blanks in the header, and keeps the ts exactly as sent', () => {
    expect(adapter.verify(delivery(body, ` ts=${ts} ; h2=RANDOM_HASH ; h1=${h1('pdl_ntfset_mine')} `), connection(['pdl_ntfset_mine'])).outcome).toBe('event');
    // A zero-padded ts is the same moment but other signed bytes: it must be signed as sent.
    const padded = `0${ts}`;
    expect(adapter.verify(delivery(body, `ts=${padded};h1=${paddleH1(body, padded, 'pdl_ntfset_mine')}`), connection(['pdl_ntfset_mine'])).outcome).toBe('event');
    expect(() => adapter.verify(delivery(body, `ts=${padded};h1=${h1('pdl_ntfset_mine')}`), connection(['pdl_ntfset_mine']))).toThrow(/does not match/);
  });

  it.each([
    ['a missing header', undefined, /missing Paddle-Signature header/],
    ['an empty header', '', /missing Paddle-Signature header/],
    ['garbage', 'invalid_header', /no timestamp/],
    ['no ts', `h1=${'a'.repeat(64)}`, /no timestamp/],
    ['a non-numeric ts', `ts=yesterday;h1=${'a'.repeat(64)}`, /no timestamp/],
    ['no h1', `ts=${ts};h2=invalid_header`, /no h1 signature/],
    ['an h1 that is not hex of a SHA-256', `ts=${ts};h1=invalid_signature`, /does not match/],
  ])('refuses %s with a clear message', (_label, header, message) => {
    expect(() => adapter.verify(delivery(body, header), connection(['pdl_ntfset_mine']))).toThrow(message);
  });

  it('honours the connection’s toleranceSeconds, in the past and in the future', () => {
    const at = (offset: number) => `ts=${ts + offset};h1=${paddleH1(body, ts + offset, 'pdl_ntfset_mine')}`;
    const relaxed = connection(['pdl_ntfset_mine'], { toleranceSeconds: 30 });
    expect(adapter.verify(delivery(body, at(-30)), relaxed).outcome).toBe('event');
    expect(adapter.verify(delivery(body, at(30)), relaxed).outcome).toBe('event');
    expect(() => adapter.verify(delivery(body, at(-31)), relaxed)).toThrow(/older than the 30 s tolerance/);
    expect(() => adapter.verify(delivery(body, at(31)), relaxed)).toThrow(/in the future, beyond the 30 s tolerance/);
    // The default is Paddle's 5 s, both ways.
    expect(adapter.verify(delivery(body, at(5)), connection(['pdl_ntfset_mine'])).outcome).toBe('event');
    expect(() => adapter.verify(delivery(body, at(6)), connection(['pdl_ntfset_mine']))).toThrow(/in the future/);
    expect(() => adapter.verify(delivery(body, at(-6)), connection(['pdl_ntfset_mine']))).toThrow(/older than the 5 s/);
  });

  it('never puts a secret in its error messages', () => {
    try {
      adapter.verify(delivery(body, `ts=${ts};h1=${h1('pdl_ntfset_wrong')}`), connection(['pdl_ntfset_SECRET_VALUE']));
      expect.unreachable('verification should have failed');
    } catch (error) {
      expect(error).toBeInstanceOf(SignatureVerificationError);
      expect((error as Error).message).not.toContain('pdl_ntfset_SECRET_VALUE');
    }
  });

  it('names an event by its event_id, so a replay (new notification_id) is the same event', () => {
    const sign = (fixture: string) => {
      const text = JSON.stringify(paddleFixture(fixture));
      return delivery(text, signPaddle(text, { timestamp: ts, secrets: ['pdl_ntfset_mine'] }));
    };
    const original = adapter.verify(sign('transaction.completed.1'), connection(['pdl_ntfset_mine']));
    const replay = adapter.verify(sign('transaction.completed.5'), connection(['pdl_ntfset_mine']));
    expect(original).toEqual({ outcome: 'event', providerEventId: 'evt_01kkc12m9rzfarg9r87k9dff2f', eventType: 'transaction.completed', onRedelivery: 'duplicate' });
    expect(replay).toEqual(original);
    expect(paddleFixture('transaction.completed.5').notification_id).not.toBe(paddleFixture('transaction.completed.1').notification_id);
  });

  it('stores an authentic body it cannot read as unreadable, under a key that is the same for the same bytes', () => {
    const junk = '{"event_type": "transaction.completed", "data": {}}';
    const header = signPaddle(junk, { timestamp: ts, secrets: ['pdl_ntfset_mine'] });
    const verified = adapter.verify(delivery(junk, header), connection(['pdl_ntfset_mine']));
    expect(verified).toMatchObject({ outcome: 'unreadable', eventType: 'unknown', error: expect.stringMatching(/not a Paddle event: event_id/) });
    const later = adapter.verify(delivery(junk, signPaddle(junk, { timestamp: ts + 3, secrets: ['pdl_ntfset_mine'] }), new Date(CONTRACT_NOW.getTime() + 3000)), connection(['pdl_ntfset_mine']));
    expect(later).toEqual(verified);
  });
});

describe('paddle adapter: options', () => {
  const adapter = createPaddleAdapter({ io });

  it('accepts no options (Paddle’s 5 s default) and a tolerance in whole seconds', () => {
    expect(adapter.parseOptions({})).toEqual({ options: {}, secretOptionNames: [] });
    expect(adapter.parseOptions({ toleranceSeconds: 30 })).toEqual({ options: { toleranceSeconds: 30 }, secretOptionNames: [] });
  });

  it.each([
    [0, /at least 1/],
    [-5, /at least 1/],
    [2.5, /whole number/],
    [301, /at most 300/],
    ['5', /expected number/],
  ])('refuses toleranceSeconds %s, naming the option', (value, message) => {
    expect(() => adapter.parseOptions({ toleranceSeconds: value })).toThrow(ValidationError);
    try {
      adapter.parseOptions({ toleranceSeconds: value });
    } catch (error) {
      expect((error as ValidationError).details).toEqual([{ field: 'options.toleranceSeconds', message: expect.stringMatching(message) }]);
    }
  });

  it('refuses unknown options', () => {
    expect(() => adapter.parseOptions({ apiKey: 'pdl_live_apikey_x' })).toThrow(/options.apiKey: unknown option/);
  });
});

describe('paddle adapter: mapping', () => {
  const adapter = createPaddleAdapter({ io });
  const mapEvent = (event: PaddleFixture): MappingResult => {
    const stored: StoredEvent = { id: 'ev_1', providerEventId: event.event_id, eventType: event.event_type, rawBody: Buffer.from(JSON.stringify(event)), headers: {}, query: {}, receivedAt: CONTRACT_NOW };
    return adapter.map(stored, connection(['pdl_ntfset_x']), null);
  };
  const map = (fixture: string) => mapEvent(paddleFixture(fixture));
  const onlyRecord = (result: MappingResult) => {
    if (result.outcome !== 'records' || result.records.length !== 1) throw new Error(JSON.stringify(result));
    return result.records[0];
  };
  const variant = (fixture: string, changes: Record<string, unknown>) => {
    const event = paddleFixture(fixture);
    for (const [path, value] of Object.entries(changes)) setPaddleField(event, path, value);
    return event;
  };

  it('maps a completed web checkout to the purchase of its transaction, with custom_data as attribution', () => {
    expect(map('transaction.completed.1')).toEqual({
      outcome: 'records',
      livemode: null,
      records: [{
        kind: 'purchase', orderId: 'txn_01kkc0w94tt29x4kad8y2xe71q', occurredAt: new Date('2026-03-10T14:05:39.512Z'), currency: 'USD',
        amounts: { gross: 4905, tax: 405, shipping: 0, discount: 500 }, amountsPrecedence: 2, conversionType: 'one_time',
        hints: { visitorId: 'vis_HvFEgkEcUme8YsSjU3ObcB', clickId: 'clk_y7EkzuBXCkm5CFSZ2pui3Y', programId: 'camp_x3i8sY8RvYDbhrlnxu1FZM', source: 'transaction custom_data' },
        subscriptionKey: null, customerKey: 'paddle:customer:ctm_01kkc0xtk63d2p3920aw14x31x', references: [],
        customerEmail: null, customerId: 'ctm_01kkc0xtk63d2p3920aw14x31x',
        metadata: { paddle: { transaction: 'txn_01kkc0w94tt29x4kad8y2xe71q', customer: 'ctm_01kkc0xtk63d2p3920aw14x31x', invoiceNumber: '4183-10021', origin: 'web' } },
      }],
    });
  });

  it('maps a replayed notification exactly like the original', () => {
    expect(map('transaction.completed.5')).toEqual(map('transaction.completed.1'));
  });

  it('maps a subscription’s first transaction as a purchase that binds the subscription, and its renewal as a renewal', () => {
    expect(onlyRecord(map('transaction.completed.2'))).toMatchObject({
      kind: 'purchase', orderId: 'txn_01kgj60as33833tfadgf99b31q', conversionType: 'subscription', currency: 'EUR',
      amounts: { gross: 3451, tax: 551, shipping: 0, discount: 0 }, subscriptionKey: 'paddle:subscription:sub_01kgj64pqmp5r1mpytfv79h06s',
      customerKey: 'paddle:customer:ctm_01kgj62c01zyar17yz1gs7cayq',
    });
    expect(onlyRecord(map('transaction.completed.3'))).toMatchObject({
      kind: 'renewal', orderId: 'txn_01kjt993v71k318vs7j5aqxx02', conversionType: 'recurring', currency: 'EUR',
      subscriptionKey: 'paddle:subscription:sub_01kgj64pqmp5r1mpytfv79h06s', hints: { clickId: 'clk_KHULMMIMQ5y3Ys22yuTnLx' },
    });
  });

  it.each([
    ['api', 'purchase', 'one_time'],
    ['subscription_charge', 'renewal', 'recurring'],
    ['subscription_update', 'renewal', 'recurring'],
  ])('counts origin %s as a %s', (origin, kind, conversionType) => {
    expect(onlyRecord(mapEvent(variant('transaction.completed.1', { 'data.origin': origin })))).toMatchObject({ kind, conversionType });
  });

  it('does not count a payment-method change or an origin it does not know', () => {
    expect(mapEvent(variant('transaction.completed.3', { 'data.origin': 'subscription_payment_method_change' }))).toMatchObject({ outcome: 'ignore', reason: 'not_new_money', detail: expect.stringMatching(/payment method change/) });
    expect(mapEvent(variant('transaction.completed.1', { 'data.origin': 'marketplace' }))).toMatchObject({ outcome: 'ignore', reason: 'irrelevant_event', detail: expect.stringMatching(/marketplace/) });
  });

  it('keeps zero-decimal amounts as Paddle sends them: whole yen', () => {
    expect(onlyRecord(map('transaction.completed.4'))).toMatchObject({ currency: 'JPY', amounts: { gross: 4990, tax: 454, discount: 0 } });
    expect(onlyRecord(map('adjustment.updated.4'))).toMatchObject({ kind: 'refund', currency: 'JPY', amount: 4990, status: 'succeeded', order: { orderId: 'txn_01kkzbd60nagsrg3z5hbf222nz' } });
  });

  it('reads a three-decimal currency in its own minor unit (fils)', () => {
    // Paddle cannot sell in KWD today (no three-decimal currency among paddle-node-sdk's
    // src/enums/shared/currency-code.ts); should it ever, its "lowest denomination" is the fils.
    const kwd = variant('transaction.completed.1', {
      'data.currency_code': 'KWD',
      'data.details.totals': { subtotal: '12345', discount: '0', tax: '1122', total: '12345', credit: '0', grand_total: '12345', currency_code: 'KWD' },
    });
    expect(onlyRecord(mapEvent(kwd))).toMatchObject({ currency: 'KWD', amounts: { gross: 12345, tax: 1122, discount: 0 } });
  });

  it('counts what was charged when the customer’s balance paid part of it', () => {
    const credited = (totals: Record<string, string>) => variant('transaction.completed.3', { 'data.details.totals': { subtotal: '2900', discount: '0', tax: '551', total: '3451', credit: '1000', ...totals, currency_code: 'EUR' } });
    expect(onlyRecord(mapEvent(credited({ grand_total: '2451', grand_total_tax: '391' })))).toMatchObject({ amounts: { gross: 2451, tax: 391 } });
    // Without grand_total_tax (older payloads) the tax is the charged share of it: 551 × 2451 / 3451 = 391.3 → 391.
    expect(onlyRecord(mapEvent(credited({ grand_total: '2451' })))).toMatchObject({ amounts: { gross: 2451, tax: 391 } });
  });

  it('binds a free trial’s subscription without recording a sale, and ignores other zero transactions', () => {
    const zero = { subtotal: '0', discount: '0', tax: '0', total: '0', credit: '0', grand_total: '0', currency_code: 'EUR' };
    expect(mapEvent(variant('transaction.completed.2', { 'data.details.totals': zero }))).toEqual({
      outcome: 'records', livemode: null,
      records: [{ kind: 'link', orderId: 'txn_01kgj60as33833tfadgf99b31q', references: ['paddle:subscription:sub_01kgj64pqmp5r1mpytfv79h06s'] }],
    });
    expect(mapEvent(variant('transaction.completed.1', { 'data.details.totals': { ...zero, currency_code: 'USD' } }))).toMatchObject({ outcome: 'ignore', reason: 'unpaid' });
    expect(mapEvent(variant('transaction.completed.3', { 'data.details.totals': zero }))).toMatchObject({ outcome: 'ignore', reason: 'unpaid' });
  });

  it('refuses what it cannot count exactly: unknown currencies, decimal or negative amounts', () => {
    expect(() => mapEvent(variant('transaction.completed.1', { 'data.currency_code': 'XYZ' }))).toThrow(/unknown currency "XYZ"/);
    expect(() => mapEvent(variant('transaction.completed.1', { 'data.details.totals.total': '49.05' }))).toThrow(/transaction.completed evt_01kkc12m9rzfarg9r87k9dff2f cannot be read: data.details.totals.total: "49.05" is not an integer amount in minor units/);
    expect(() => mapEvent(variant('adjustment.updated.1', { 'data.totals.total': '-1000' }))).toThrow(/"-1000" is not an integer amount/);
    expect(() => mapEvent(variant('transaction.completed.1', { 'data.details.totals.total': 4905 }))).toThrow(/expected string/);
  });

  it('maps transaction.paid to the same sale as transaction.completed, ranked below it: the completed amounts win', () => {
    const paid = onlyRecord(map('transaction.paid.1'));
    const completed = onlyRecord(map('transaction.completed.1'));
    // Same order id, same customer-side money (computed at billing, before the payment was captured).
    const sale = { kind: 'purchase', orderId: 'txn_01kkc0w94tt29x4kad8y2xe71q', currency: 'USD', conversionType: 'one_time', amounts: { gross: 4905, tax: 405, shipping: 0, discount: 500 } };
    expect(paid).toMatchObject({ ...sale, amountsPrecedence: 1, occurredAt: new Date('2026-03-10T14:05:37.118Z') });
    expect(completed).toMatchObject({ ...sale, amountsPrecedence: 2 });
    // Only completion adds the invoice number.
    expect(paid).toMatchObject({ metadata: { paddle: { transaction: 'txn_01kkc0w94tt29x4kad8y2xe71q', origin: 'web' } } });
    expect(paid).not.toHaveProperty('metadata.paddle.invoiceNumber');
  });

  it('counts a paid transaction of recurring items that names no subscription yet as a subscription’s first sale', () => {
    // Paddle's own sample (paddle-node-sdk transaction-paid.mock.ts): monthly prices, subscription_id null.
    expect(onlyRecord(map('transaction.paid.2'))).toMatchObject({
      kind: 'purchase', orderId: 'txn_01gxwxqj0rd5m8j1zdhvk05twz', conversionType: 'subscription', subscriptionKey: null,
      currency: 'GBP', amounts: { gross: 89880, tax: 14980, discount: 0 }, amountsPrecedence: 1,
    });
  });

  it('never fails a sale over its items, a hint only: an unreadable list counts as no recurring item', () => {
    expect(onlyRecord(mapEvent(variant('transaction.paid.2', { 'data.items': 'not a list' })))).toMatchObject({ kind: 'purchase', conversionType: 'one_time', amounts: { gross: 89880 } });
    expect(onlyRecord(mapEvent(variant('transaction.paid.2', { 'data.items': null })))).toMatchObject({ conversionType: 'one_time' });
  });

  it('ignores transactions that are not paid, and other transaction events', () => {
    expect(mapEvent(variant('transaction.paid.1', { event_type: 'transaction.updated' }))).toMatchObject({ outcome: 'ignore', reason: 'irrelevant_event' });
    expect(mapEvent(variant('transaction.completed.1', { 'data.status': 'past_due' }))).toMatchObject({ outcome: 'ignore', reason: 'unpaid' });
    expect(mapEvent(variant('transaction.completed.1', { 'data.status': 'paid' }))).toMatchObject({ outcome: 'ignore', reason: 'unpaid', detail: expect.stringMatching(/not completed/) });
    expect(mapEvent(variant('transaction.paid.1', { 'data.status': 'billed' }))).toMatchObject({ outcome: 'ignore', reason: 'unpaid', detail: expect.stringMatching(/not paid or completed/) });
  });

  it('maps refund adjustments as single refunds of the transaction: only approved ones count', () => {
    const refund = (fixture: string) => onlyRecord(map(fixture));
    expect(refund('adjustment.created.1')).toEqual({
      kind: 'refund', order: { orderId: 'txn_01kkc0w94tt29x4kad8y2xe71q' }, mode: 'single', key: 'adj_01kkgn8hdjw5ymzwjzsa4cycdd',
      amount: 1000, currency: 'USD', status: 'pending', occurredAt: new Date('2026-03-12T09:15:22.907Z'),
    });
    expect(refund('adjustment.updated.1')).toMatchObject({ key: 'adj_01kkgn8hdjw5ymzwjzsa4cycdd', amount: 1000, status: 'succeeded' });
    expect(refund('adjustment.created.2')).toMatchObject({ key: 'adj_01kknwrszf7jbb4x4b4ke8hbqe', amount: 3905, status: 'pending' });
    expect(refund('adjustment.updated.2')).toMatchObject({ key: 'adj_01kknwrszf7jbb4x4b4ke8hbqe', status: 'canceled' });
    expect(refund('adjustment.updated.3')).toMatchObject({ key: 'adj_01kkvd8a8322sdmqf5sqz3behv', amount: 2000, status: 'succeeded' });
    expect(onlyRecord(mapEvent(variant('adjustment.updated.1', { 'data.status': 'reversed' })))).toMatchObject({ status: 'canceled' });
  });

  it('maps a chargeback as lost and its reversal as won, on the transaction as the dispute key', () => {
    expect(onlyRecord(map('adjustment.created.3'))).toEqual({
      kind: 'chargeback', order: { orderId: 'txn_01kkc0w94tt29x4kad8y2xe71q' }, disputeKey: 'txn_01kkc0w94tt29x4kad8y2xe71q', occurredAt: new Date('2026-04-02T06:48:20.013Z'),
    });
    expect(onlyRecord(map('adjustment.created.4'))).toEqual({
      kind: 'chargeback_won', order: { orderId: 'txn_01kkc0w94tt29x4kad8y2xe71q' }, disputeKey: 'txn_01kkc0w94tt29x4kad8y2xe71q', occurredAt: new Date('2026-04-20T11:05:53.270Z'),
    });
    // The chargeback itself turning `reversed` says the same.
    expect(onlyRecord(mapEvent(variant('adjustment.created.3', { event_type: 'adjustment.updated', 'data.status': 'reversed' })))).toMatchObject({ kind: 'chargeback_won' });
    expect(mapEvent(variant('adjustment.created.3', { 'data.status': 'pending_approval' }))).toMatchObject({ outcome: 'ignore', reason: 'irrelevant_event' });
  });

  it.each(['chargeback_warning', 'chargeback_warning_reverse', 'credit', 'credit_reverse', 'something_new'])('ignores %s adjustments with a reason', (action) => {
    const result = mapEvent(variant('adjustment.created.3', { 'data.action': action }));
    expect(result).toMatchObject({ outcome: 'ignore', reason: 'irrelevant_event', detail: expect.stringContaining(action) });
  });

  it('ignores events that do not concern conversions', () => {
    expect(map('subscription.canceled.1')).toEqual({ outcome: 'ignore', reason: 'irrelevant_event', detail: 'subscription.canceled does not affect conversions', livemode: null });
  });

  it('reads the hub_-prefixed keys too, and attributes nothing when custom_data is null', () => {
    const prefixed = variant('transaction.completed.1', { 'data.custom_data': { hub_click_id: 'clk_prefixed', plan: 'pro' } });
    expect(onlyRecord(mapEvent(prefixed))).toMatchObject({ hints: { clickId: 'clk_prefixed', visitorId: null, programId: null } });
    expect(onlyRecord(mapEvent(variant('transaction.completed.1', { 'data.custom_data': null })))).toMatchObject({ hints: { clickId: null, visitorId: null, programId: null } });
  });
});
