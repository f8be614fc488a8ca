/**
 * The local GoPay API double speaks GoPay's protocol (fixtures/README.md "GoPay fixtures"): token
 * endpoint with Basic client credentials, Bearer-protected status and refund history, GoPay's error
 * envelope with 403/404, tokens expiring on the given clock, and failures it can be told to produce.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGoPayApiDouble, type GoPayApiDouble } from '../../src/doubles/gopay-api-double.js';
import { ManualClock } from '../../src/lib/clock.js';
import { GOPAY_CLIENT_ID, GOPAY_CLIENT_SECRET, gopayPayment, gopayRefunds, Q1 } from '../helpers/gopay.js';

describe('GoPay API double', () => {
  const clock = new ManualClock(new Date('2026-03-12T10:00:00Z'));
  let double: GoPayApiDouble;
  beforeAll(async () => {
    double = await startGoPayApiDouble({ clientId: GOPAY_CLIENT_ID, clientSecret: GOPAY_CLIENT_SECRET, clock });
  });
  afterAll(async () => double.close());
  beforeEach(() => {
    double.recover();
    double.clearRequests();
  });

  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  const requestToken = (authorization = basic(GOPAY_CLIENT_ID, GOPAY_CLIENT_SECRET), body = 'grant_type=client_credentials&scope=payment-all') =>
    fetch(`${double.apiBase}/oauth2/token`, { method: 'POST', headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded', Authorization: authorization }, body });
  const getWith = (token: string, path: string) => fetch(`${double.apiBase}${path}`, { headers: { Accept: 'application/json', Authorization: `Bearer ${token}` } });
  const token = async () => ((await (await requestToken()).json()) as { access_token: string }).access_token;

  it('issues a bearer token for the right client credentials, lasting 1800 s', async () => {
    const response = await requestToken();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ token_type: 'bearer', access_token: expect.stringMatching(/^AAA/), expires_in: 1800 });
  });

  it('refuses wrong credentials with 403 and GoPay’s error envelope, and a malformed request with 400', async () => {
    const wrong = await requestToken(basic(GOPAY_CLIENT_ID, 'nope'));
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toEqual({ date_issued: expect.any(Number), errors: [expect.objectContaining({ scope: 'G', error_code: 202, error_name: 'AUTH_WRONG_CREDENTIALS' })] });
    expect((await requestToken(undefined, 'grant_type=password')).status).toBe(400);
  });

  it('serves payments and refund histories to a valid token only, and 404s unknown payments', async () => {
    double.setPayment(gopayPayment('payment.PARTIALLY_REFUNDED.1'), gopayRefunds('refunds.1'));
    const valid = await token();
    expect(await (await getWith(valid, `/payments/payment/${Q1}`)).json()).toMatchObject({ id: Q1, state: 'PARTIALLY_REFUNDED', target: { goid: 8123456789 } });
    expect(await (await getWith(valid, `/payments/payment/${Q1}/refunds`)).json()).toHaveLength(3);
    const unknown = await getWith(valid, '/payments/payment/3000000001');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ errors: [{ error_code: 304 }] });
    const refused = await getWith('AAAnot-a-token', `/payments/payment/${Q1}`);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ errors: [{ error_code: 200 }] });
  });

  it('expires tokens on its clock and on revocation', async () => {
    double.setPayment(gopayPayment('payment.PAID.1'));
    const first = await token();
    clock.advance(1799_000);
    expect((await getWith(first, `/payments/payment/${Q1}`)).status).toBe(200);
    clock.advance(2_000);
    expect((await getWith(first, `/payments/payment/${Q1}`)).status).toBe(403);
    const second = await token();
    double.revokeTokens();
    expect((await getWith(second, `/payments/payment/${Q1}`)).status).toBe(403);
  });

  it('fails as told — a number of times, or only some requests — records what it did, and recovers', async () => {
    double.setPayment(gopayPayment('payment.PAID.1'));
    const valid = await token();
    double.fail({ kind: 'status', status: 503 }, { times: 1, matching: (request) => request.path.startsWith('/payments/') });
    expect((await requestToken()).status).toBe(200);
    expect((await getWith(valid, `/payments/payment/${Q1}`)).status).toBe(503);
    expect((await getWith(valid, `/payments/payment/${Q1}`)).status).toBe(200);
    double.fail({ kind: 'disconnect' });
    await expect(getWith(valid, `/payments/payment/${Q1}`)).rejects.toThrow();
    double.fail({ kind: 'timeout' });
    await expect(fetch(`${double.apiBase}/payments/payment/${Q1}`, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    double.recover();
    expect((await getWith(valid, `/payments/payment/${Q1}`)).status).toBe(200);
    expect(double.requests.map((request) => request.outcome)).toEqual([200, 200, 503, 200, 'disconnect', 'timeout', 200]);
    expect(double.tokenRequestCount()).toBe(2);
  });
});
