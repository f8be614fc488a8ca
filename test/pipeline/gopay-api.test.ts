/**
 * GoPay's API as the hub depends on it, end to end on both backends: when GoPay is down (no answer,
 * 5xx, refused credentials) a notification is still answered 200 once stored, its event fails and is
 * retried with back-off, and is processed once GoPay is back — never lost; the OAuth2 token is
 * requested once per connection and reused until it expires on the hub's clock.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiDoubleFailure, ApiDoubleRequest } from '../../src/doubles/api-double.js';
import { startGoPayApiDouble, type GoPayApiDouble } from '../../src/doubles/gopay-api-double.js';
import { attributedGoPayPayment, deliverGoPay, GOPAY_CLIENT_ID, GOPAY_CLIENT_SECRET, notifyGoPay, Q1, setUpGoPayMerchant } from '../helpers/gopay.js';
import { conversionsOf, eventOf } from '../helpers/stripe.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';

const onToken = (request: ApiDoubleRequest) => request.path === '/oauth2/token';
const onStatus = (request: ApiDoubleRequest) => request.path.startsWith('/payments/');

describe('GoPay API down, then back', () => {
  let hub: TestHub;
  let double: GoPayApiDouble;
  beforeAll(async () => {
    // The API double listens on loopback over http.
    hub = await createTestHub({ processInBackground: false, environment: { HUB_ALLOW_PRIVATE_NETWORK: '1' } });
    double = await startGoPayApiDouble({ clientId: GOPAY_CLIENT_ID, clientSecret: GOPAY_CLIENT_SECRET, clock: hub.clock });
  });
  afterAll(async () => {
    await hub.close();
    await double.close();
  });
  beforeEach(() => {
    double.recover();
    double.clearRequests();
  });

  it.each([
    ['GoPay answers 503', { kind: 'status', status: 503 }, onStatus, /GET \/payments\/payment\/3000006529 answered 503/],
    ['the token endpoint answers 500', { kind: 'status', status: 500 }, onToken, /POST \/oauth2\/token answered 500/],
    ['GoPay does not answer in time', { kind: 'timeout' }, undefined, /no answer within 300 ms/],
    ['GoPay drops the connection', { kind: 'disconnect' }, undefined, /failed: /],
    ['GoPay refuses the credentials (403)', { kind: 'unauthorized' }, undefined, /answered 403 \(error 202 AUTH_WRONG_CREDENTIALS/],
    ['GoPay answers 401 to every token', { kind: 'status', status: 401 }, onStatus, /answered 401 .*a fresh token was refused too/],
  ] as [string, ApiDoubleFailure, ((request: ApiDoubleRequest) => boolean) | undefined, RegExp][])('%s: the event fails, is retried with back-off, and is processed once GoPay is back', async (_label, failure, matching, error) => {
    const merchant = await setUpGoPayMerchant(hub, double, { connectionOptions: { requestTimeoutMs: 300 } });
    double.setPayment(attributedGoPayPayment('payment.PAID.1', merchant));
    double.fail(failure, matching ? { matching } : {});

    const response = await notifyGoPay(hub, merchant.connectionId, Q1).expect(200);
    const eventId = response.body.eventId as string;
    await hub.services.processor.drain();
    const failed = await eventOf(merchant, eventId);
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(error) });
    expect(failed.error).not.toContain(GOPAY_CLIENT_SECRET);
    expect(await conversionsOf(merchant)).toEqual([]);

    // GoPay notifies again meanwhile: the stored event is re-armed, and fails again while GoPay is down.
    expect((await notifyGoPay(hub, merchant.connectionId, Q1).expect(200)).body).toEqual({ received: true, eventId, duplicate: true });
    await hub.services.processor.drain();
    expect((await eventOf(merchant, eventId)).status).toBe('failed');

    double.recover();
    await hub.services.processor.drain(); // not due yet: the back-off holds it
    expect((await eventOf(merchant, eventId)).status).toBe('failed');
    hub.clock.advance(6_000);
    await hub.services.processor.drain();
    expect(await eventOf(merchant, eventId)).toMatchObject({ status: 'processed', error: null });
    expect(await conversionsOf(merchant)).toMatchObject([{ orderId: String(Q1), commission: 279.9 }]);
  });

  it('keeps backing off while GoPay stays down, and still recovers later', async () => {
    const merchant = await setUpGoPayMerchant(hub, double);
    double.setPayment(attributedGoPayPayment('payment.PAID.1', merchant));
    double.fail({ kind: 'status', status: 502 });
    const [eventId = ''] = await deliverGoPay(hub, merchant, [Q1]);
    // The back-off schedule (5 s, 15 s, 60 s, 300 s, ± 10 %), each wait a little past its longest jitter.
    for (const wait of [5_600, 16_600, 66_100]) {
      hub.clock.advance(wait);
      await hub.services.processor.drain();
    }
    const stillFailed = await eventOf(merchant, eventId);
    expect(stillFailed).toMatchObject({ status: 'failed', attempts: 4 });
    double.recover();
    hub.clock.advance(330_100);
    await hub.services.processor.drain();
    expect(await eventOf(merchant, eventId)).toMatchObject({ status: 'processed', attempts: 5 });
  });
});

describe('GoPay OAuth2 tokens', () => {
  let hub: TestHub;
  let double: GoPayApiDouble;
  beforeAll(async () => {
    // The API double listens on loopback over http.
    hub = await createTestHub({ processInBackground: false, environment: { HUB_ALLOW_PRIVATE_NETWORK: '1' } });
    double = await startGoPayApiDouble({ clientId: GOPAY_CLIENT_ID, clientSecret: GOPAY_CLIENT_SECRET, clock: hub.clock });
  });
  afterAll(async () => {
    await hub.close();
    await double.close();
  });

  it('requests one token per connection and reuses it until it expires (30 minutes on the hub’s clock)', async () => {
    const first = await setUpGoPayMerchant(hub, double);
    const second = await setUpGoPayMerchant(hub, double);
    double.setPayment(attributedGoPayPayment('payment.PAID.1', first));
    double.setPayment(attributedGoPayPayment('payment.PAID.4', first));
    double.setPayment(attributedGoPayPayment('payment.CANCELED.1', first));
    double.clearRequests();

    await deliverGoPay(hub, first, [Q1, 3000009102, 3000006617, Q1]);
    expect(double.tokenRequestCount()).toBe(1);
    await deliverGoPay(hub, second, [Q1]);
    expect(double.tokenRequestCount()).toBe(2);

    hub.clock.advance(20 * 60_000);
    await deliverGoPay(hub, first, [Q1]);
    expect(double.tokenRequestCount()).toBe(2);
    hub.clock.advance(11 * 60_000);
    await deliverGoPay(hub, first, [Q1]);
    expect(double.tokenRequestCount()).toBe(3);
    expect(double.requests.filter((request) => request.outcome !== 200)).toEqual([]);
  });

  it('fetches a new token when GoPay revokes the cached one early, without failing the event', async () => {
    const merchant = await setUpGoPayMerchant(hub, double);
    double.setPayment(attributedGoPayPayment('payment.PAID.1', merchant));
    await deliverGoPay(hub, merchant, [Q1]);
    const before = double.tokenRequestCount();
    double.revokeTokens();
    double.setPayment(attributedGoPayPayment('payment.REFUNDED.1', merchant));
    const [eventId = ''] = await deliverGoPay(hub, merchant, [Q1]);
    expect(await eventOf(merchant, eventId)).toMatchObject({ status: 'processed' });
    expect(double.tokenRequestCount()).toBe(before + 1);
  });

  it('uses the new client secret at once after the connection is changed', async () => {
    const merchant = await setUpGoPayMerchant(hub, double, { connectionOptions: { clientSecret: 'not-the-secret' } });
    double.setPayment(attributedGoPayPayment('payment.PAID.1', merchant));
    const [eventId = ''] = await deliverGoPay(hub, merchant, [Q1]);
    expect(await eventOf(merchant, eventId)).toMatchObject({ status: 'failed', error: expect.stringMatching(/check the connection’s clientId and clientSecret/) });
    await merchant.api.patch(`/api/v1/connections/${merchant.connectionId}`, {
      options: { goid: 8123456789, clientId: GOPAY_CLIENT_ID, clientSecret: GOPAY_CLIENT_SECRET, apiBase: double.apiBase },
    }).expect(200);
    hub.clock.advance(6_000);
    await hub.services.processor.drain();
    expect(await eventOf(merchant, eventId)).toMatchObject({ status: 'processed' });
    expect(await conversionsOf(merchant)).toHaveLength(1);
  });
});
