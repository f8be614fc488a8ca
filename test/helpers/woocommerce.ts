/**
 * WooCommerce deliveries for tests: the order fixtures with their recorded headers, signed as
 * WooCommerce signs them (`base64_encode(hash_hmac('sha256', $body, $secret, true))`, reproduced
 * with node:crypto), with the hub's attribution in order `meta_data` as a store hook would save it.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WebhookDelivery } from '../../src/contract/webhook-delivery.js';
import { loadFixture } from './fixtures.js';
import type { Attribution } from './stripe.js';
import { setUpConnectedMerchant, type ConnectedMerchant, type TestHub } from './test-hub.js';

export const WOO_SECRET = 'wooSecret0123456789abcdefghijklmnopqrstuvwxyz';
export const WOO_STORE_URL = 'https://shop.example.com/';

export interface WooOrderFixture {
  id: number;
  status: string;
  total: string;
  meta_data: { id?: number; key: string; value: unknown }[];
  refunds: { id: number; reason: string; total: string }[];
  [key: string]: unknown;
}

/** One delivery: the order body and the headers WooCommerce sent with it (names as on the wire). */
export interface WooDelivery {
  order: WooOrderFixture;
  headers: Record<string, string>;
}

export function wooDelivery(name: string): WooDelivery {
  const headers = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'woocommerce', `${name}.headers.json`), 'utf8')) as Record<string, string>;
  return { order: loadFixture<WooOrderFixture>('woocommerce', name), headers };
}

export function signWoo(body: string | Buffer, secret: string = WOO_SECRET): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/** The delivery as the adapter receives it: lower-cased header names, the signature added. */
export function wooWebhookDelivery(delivery: WooDelivery, options: { secret?: string; body?: string; receivedAt?: Date } = {}): WebhookDelivery {
  const body = options.body ?? JSON.stringify(delivery.order);
  const headers = Object.fromEntries(Object.entries(delivery.headers).map(([name, value]) => [name.toLowerCase(), value]));
  return {
    rawBody: Buffer.from(body), headers: { ...headers, 'x-wc-webhook-signature': signWoo(body, options.secret) },
    query: {}, method: 'POST', receivedAt: options.receivedAt ?? new Date('2026-11-20T10:00:00.000Z'),
  };
}

/** Sets (or, with null, removes) the hub's keys in the order's `meta_data`. */
export function withWooAttribution(delivery: WooDelivery, attribution: Attribution, options: { keyPrefix?: string } = {}): WooDelivery {
  const prefix = options.keyPrefix ?? '';
  for (const [name, value] of [['visitor_id', attribution.visitorId], ['click_id', attribution.clickId], ['program_id', attribution.programId]] as const) {
    if (value === undefined) continue;
    const kept = delivery.order.meta_data.filter((entry) => ![name, `_hub_${name}`, `hub_${name}`].includes(entry.key));
    delivery.order.meta_data = value === null ? kept : [...kept, { key: `${prefix}${name}`, value }];
  }
  return delivery;
}

/** POSTs the delivery as WooCommerce does (its headers, JSON body, signature). */
export function sendWooEvent(hub: TestHub, connectionId: string, delivery: WooDelivery, options: { secret?: string } = {}) {
  const body = JSON.stringify(delivery.order);
  let request = hub.http.post(`/webhooks/woocommerce/${connectionId}`);
  for (const [name, value] of Object.entries(delivery.headers)) request = request.set(name, value);
  return request.set('X-WC-Webhook-Signature', signWoo(body, options.secret)).send(body);
}

/** WooCommerce's creation ping: `webhook_id=<id>` as a form, unsigned, no X-WC-* headers. */
export function sendWooPing(hub: TestHub, connectionId: string, body = 'webhook_id=12') {
  return hub.http.post(`/webhooks/woocommerce/${connectionId}`).set('Content-Type', 'application/x-www-form-urlencoded')
    .set('User-Agent', 'WooCommerce/9.9.0 Hookshot (WordPress/6.8.1)').send(body);
}

export type WooMerchant = ConnectedMerchant;

/** A merchant with a campaign, an approved affiliate, a WooCommerce connection and one recorded click. */
export function setUpWooMerchant(hub: TestHub, campaign: Record<string, unknown> = {}, connection: Record<string, unknown> = {}): Promise<WooMerchant> {
  return setUpConnectedMerchant(hub, { provider: 'woocommerce', secrets: [WOO_SECRET], options: { storeUrl: WOO_STORE_URL }, ...connection }, campaign);
}

/** The fixture, attributed to the merchant's click (and campaign). */
export function attributedWooDelivery(name: string, merchant: Pick<WooMerchant, 'clickId' | 'visitorId' | 'campaignId'>): WooDelivery {
  return withWooAttribution(wooDelivery(name), { clickId: merchant.clickId, visitorId: merchant.visitorId, programId: merchant.campaignId });
}

/** Sends deliveries one after another and lets the worker finish them all. */
export async function deliverWoo(hub: TestHub, merchant: Pick<WooMerchant, 'connectionId'>, deliveries: WooDelivery[]): Promise<string[]> {
  const eventIds: string[] = [];
  for (const delivery of deliveries) eventIds.push((await sendWooEvent(hub, merchant.connectionId, delivery).expect(200)).body.eventId as string);
  await hub.services.processor.drain();
  return eventIds;
}
