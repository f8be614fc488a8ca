/**
 * Lemon Squeezy deliveries for tests: fixtures signed as Lemon Squeezy signs them (hex
 * HMAC-SHA256 of the exact body in `X-Signature`; the processor has no SDK helper, so node:crypto
 * does what its docs describe), with the hub's attribution in `meta.custom_data` as a checkout
 * `checkout[custom][…]` would put it.
 */
import { createHmac } from 'node:crypto';
import { loadFixture, setPath } from './fixtures.js';
import type { Attribution } from './stripe.js';
import { setUpConnectedMerchant, type ConnectedMerchant, type TestHub } from './test-hub.js';

export const LEMON_SQUEEZY_SECRET = 'ls-signing-secret-0123456789abcdef';

export interface LemonSqueezyFixture {
  meta: { event_name: string; custom_data?: Record<string, unknown> | null; test_mode?: boolean; [key: string]: unknown };
  data: { type: string; id: string; attributes: Record<string, unknown>; [key: string]: unknown };
  [key: string]: unknown;
}

export function lemonSqueezyFixture(name: string): LemonSqueezyFixture {
  return loadFixture<LemonSqueezyFixture>('lemonsqueezy', name);
}

export function signLemonSqueezy(body: string | Buffer, secret: string = LEMON_SQUEEZY_SECRET): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** Sets (or, with null, removes) the hub's keys in `meta.custom_data`. */
export function withLemonSqueezyAttribution(event: LemonSqueezyFixture, attribution: Attribution): LemonSqueezyFixture {
  const customData: Record<string, unknown> = { ...event.meta.custom_data };
  for (const [key, value] of [['visitor_id', attribution.visitorId], ['click_id', attribution.clickId], ['program_id', attribution.programId]] as const) {
    if (value === undefined) continue;
    if (value === null) delete customData[key];
    else customData[key] = value;
  }
  event.meta.custom_data = customData;
  return event;
}

export function setLemonSqueezyField(event: LemonSqueezyFixture, path: string, value: unknown): LemonSqueezyFixture {
  setPath(event, path, value);
  return event;
}

/** POSTs the event as Lemon Squeezy does (JSON body, `X-Event-Name`, `X-Signature`). */
export function sendLemonSqueezyEvent(hub: TestHub, connectionId: string, event: LemonSqueezyFixture, options: { secret?: string } = {}) {
  const body = JSON.stringify(event);
  return hub.http.post(`/webhooks/lemonsqueezy/${connectionId}`)
    .set('Content-Type', 'application/json')
    .set('X-Event-Name', event.meta.event_name)
    .set('X-Signature', signLemonSqueezy(body, options.secret))
    .send(body);
}

export type LemonSqueezyMerchant = ConnectedMerchant;

/** A merchant with a campaign, an approved affiliate, a Lemon Squeezy connection and one recorded click. */
export function setUpLemonSqueezyMerchant(hub: TestHub, campaign: Record<string, unknown> = {}, connection: Record<string, unknown> = {}): Promise<LemonSqueezyMerchant> {
  return setUpConnectedMerchant(hub, { provider: 'lemonsqueezy', secrets: [LEMON_SQUEEZY_SECRET], ...connection }, campaign);
}

/** The fixture, attributed to the merchant's click (and campaign). */
export function attributedLemonSqueezyFixture(name: string, merchant: Pick<LemonSqueezyMerchant, 'clickId' | 'visitorId' | 'campaignId'>): LemonSqueezyFixture {
  return withLemonSqueezyAttribution(lemonSqueezyFixture(name), { clickId: merchant.clickId, visitorId: merchant.visitorId, programId: merchant.campaignId });
}

/** The fixture with no hub keys in `meta.custom_data` (as the docs allow for subscription-invoice events). */
export function unattributedLemonSqueezyFixture(name: string): LemonSqueezyFixture {
  return withLemonSqueezyAttribution(lemonSqueezyFixture(name), { clickId: null, visitorId: null, programId: null });
}

/** Sends events one after another and lets the worker finish them all. */
export async function deliverLemonSqueezy(hub: TestHub, merchant: Pick<LemonSqueezyMerchant, 'connectionId'>, events: LemonSqueezyFixture[]): Promise<string[]> {
  const eventIds: string[] = [];
  for (const event of events) eventIds.push((await sendLemonSqueezyEvent(hub, merchant.connectionId, event).expect(200)).body.eventId as string);
  await hub.services.processor.drain();
  return eventIds;
}
