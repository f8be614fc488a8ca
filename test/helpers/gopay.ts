/**
 * GoPay for tests: notifications sent as GoPay sends them (`GET …?id=<paymentId>`, no body, no
 * signature), payment states and refund histories from the fixtures for the local GoPay API double,
 * and a merchant whose connection points at that double through `options.apiBase`.
 */
import type { GoPayApiDouble, GoPayPayment, GoPayRefund } from '../../src/doubles/gopay-api-double.js';
import { loadFixture } from './fixtures.js';
import type { Attribution } from './stripe.js';
import { setUpConnectedMerchant, type ConnectedMerchant, type TestHub } from './test-hub.js';

/** The GoID of the fixtures' e-shop (GoPay's documentation GoID) and of somebody else's. */
export const GOPAY_GOID = 8123456789;
export const FOREIGN_GOID = 8987654321;
export const GOPAY_CLIENT_ID = '1061399163';
export const GOPAY_CLIENT_SECRET = 'stDTmVXF';

/** Story Q1's payment (fixtures/README.md "GoPay fixtures"). */
export const Q1 = 3000006529;

export function gopayPayment(name: string): GoPayPayment {
  return loadFixture<GoPayPayment>('gopay', name);
}

export function gopayRefunds(name: string): GoPayRefund[] {
  return loadFixture<GoPayRefund[]>('gopay', name);
}

/** Sets the hub's keys in `additional_params` (null removes one), keeping the merchant's own params. */
export function withGoPayAttribution(payment: GoPayPayment, attribution: Attribution): GoPayPayment {
  const params = [...(payment.additional_params ?? [])];
  for (const [name, value] of [['visitor_id', attribution.visitorId], ['click_id', attribution.clickId], ['program_id', attribution.programId]] as const) {
    if (value === undefined) continue;
    const index = params.findIndex((param) => param.name === name);
    if (index >= 0) params.splice(index, 1);
    if (value !== null) params.push({ name, value });
  }
  return { ...payment, additional_params: params };
}

/** GoPay's notification: `GET /webhooks/gopay/:connectionId?id=…`; or relayed as a POST (id in the query or a form body). */
export function notifyGoPay(hub: TestHub, connectionId: string, paymentId: number | string, options: { method?: 'GET' | 'POST'; idIn?: 'query' | 'form' } = {}) {
  const path = `/webhooks/gopay/${connectionId}`;
  if ((options.method ?? 'GET') === 'GET') return hub.http.get(`${path}?id=${encodeURIComponent(String(paymentId))}`);
  return options.idIn === 'form'
    ? hub.http.post(path).set('Content-Type', 'application/x-www-form-urlencoded').send(`id=${encodeURIComponent(String(paymentId))}`)
    : hub.http.post(`${path}?id=${encodeURIComponent(String(paymentId))}`);
}

export type GoPayMerchant = ConnectedMerchant;

/** A merchant with a campaign, an approved affiliate, a GoPay connection to the double and one recorded click. */
export function setUpGoPayMerchant(
  hub: TestHub,
  double: Pick<GoPayApiDouble, 'apiBase'>,
  options: { campaign?: Record<string, unknown>; connection?: Record<string, unknown>; connectionOptions?: Record<string, unknown> } = {},
): Promise<GoPayMerchant> {
  return setUpConnectedMerchant(hub, {
    provider: 'gopay',
    options: { goid: GOPAY_GOID, clientId: GOPAY_CLIENT_ID, clientSecret: GOPAY_CLIENT_SECRET, apiBase: double.apiBase, ...options.connectionOptions },
    ...options.connection,
  }, { currency: 'CZK', ...options.campaign });
}

/** The fixture's payment, attributed to the merchant's click and campaign. */
export function attributedGoPayPayment(name: string, merchant: Pick<GoPayMerchant, 'clickId' | 'visitorId' | 'campaignId'>): GoPayPayment {
  return withGoPayAttribution(gopayPayment(name), { clickId: merchant.clickId, visitorId: merchant.visitorId, programId: merchant.campaignId });
}

/** Notifies each payment id (GET) one after another and lets the worker finish them all. */
export async function deliverGoPay(hub: TestHub, merchant: Pick<GoPayMerchant, 'connectionId'>, paymentIds: (number | string)[]): Promise<string[]> {
  const eventIds: string[] = [];
  for (const id of paymentIds) eventIds.push((await notifyGoPay(hub, merchant.connectionId, id).expect(200)).body.eventId as string);
  await hub.services.processor.drain();
  return eventIds;
}
