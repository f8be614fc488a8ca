/**
 * Gumroad deliveries for tests: fixture pings posted as Gumroad posts them — a form body encoded
 * like HTTParty does (`ERB::Util.url_encode`: brackets as %5B/%5D, spaces as %20, an array as a
 * repeated `key[]`), or the JSON variant — to the connection's webhook URL with its token; the hub's
 * attribution put in `url_params` as a merchant's product link would carry it; and Sales API records
 * for the local Gumroad API double.
 */
import type { GumroadApiSale } from '../../src/doubles/gumroad-api-double.js';
import { loadFixture } from './fixtures.js';
import type { Attribution } from './stripe.js';
import { setUpConnectedMerchant, type ConnectedMerchant, type TestHub } from './test-hub.js';

/** The access token the Gumroad double accepts in tests. */
export const GUMROAD_ACCESS_TOKEN = 'gumroad-test-access-token-0123456789abcdef';

/** A form ping as decoded from the wire: field name → value (an array means a repeated `key[]`). */
export type GumroadFormPing = Record<string, string | string[]>;

export function gumroadFixture(name: string): GumroadFormPing {
  return loadFixture<GumroadFormPing>('gumroad', name);
}

/** The same ping in Gumroad's JSON form (`fixtures/gumroad/json-content-type/`). */
export function gumroadJsonFixture(name: string): Record<string, unknown> {
  return loadFixture('gumroad', `json-content-type/${name}`);
}

/** The `sale` of a Sales API fixture (`api.sale.<n>`). */
export function gumroadApiSale(name: string): GumroadApiSale {
  return loadFixture<{ sale: GumroadApiSale }>('gumroad', name).sale;
}

/** `ERB::Util.url_encode`: everything but unreserved characters is percent-encoded. */
function railsUrlEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The wire form of a form ping, in the fixture's field order. */
export function encodeGumroadForm(ping: GumroadFormPing): string {
  return Object.entries(ping)
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((item) => `${railsUrlEncode(name)}=${railsUrlEncode(item)}`))
    .join('&');
}

/** Replaces the ping's `url_params[…]` (null removes a key; all null removes them all), keeping their place. */
export function withGumroadAttribution(ping: GumroadFormPing, attribution: Attribution): GumroadFormPing {
  const wanted: [string, string | null | undefined][] = [['visitor_id', attribution.visitorId], ['click_id', attribution.clickId], ['program_id', attribution.programId]];
  const entries = Object.entries(ping);
  const firstParam = entries.findIndex(([name]) => name.startsWith('url_params['));
  const current = Object.fromEntries(entries.filter(([name]) => name.startsWith('url_params[')));
  for (const [key, value] of wanted) {
    if (value === undefined) continue;
    if (value === null) delete current[`url_params[${key}]`];
    else current[`url_params[${key}]`] = value;
  }
  const rest = entries.filter(([name]) => !name.startsWith('url_params['));
  const at = firstParam >= 0 ? firstParam : rest.findIndex(([name]) => name === 'ip_country' || name === 'is_gift_receiver_purchase');
  rest.splice(at >= 0 ? at : rest.length, 0, ...Object.entries(current));
  return Object.fromEntries(rest);
}

/** A copy of the ping with fields changed (null removes one). */
export function withGumroadFields(ping: GumroadFormPing, changes: Record<string, string | null>): GumroadFormPing {
  const next: GumroadFormPing = { ...ping };
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) delete next[name];
    else next[name] = value;
  }
  return next;
}

export interface GumroadMerchant extends ConnectedMerchant {
  /** The URL token the hub generated (the `token` parameter of `webhookUrl`). */
  token: string;
  webhookUrl: string;
}

/** A merchant with a campaign, an approved affiliate, a Gumroad connection and one recorded click. */
export async function setUpGumroadMerchant(
  hub: TestHub,
  options: { campaign?: Record<string, unknown>; connection?: Record<string, unknown> } = {},
): Promise<GumroadMerchant> {
  const merchant = await setUpConnectedMerchant(hub, { provider: 'gumroad', ...options.connection }, options.campaign);
  const webhookUrl = String(merchant.connection.webhookUrl);
  const token = new URL(webhookUrl).searchParams.get('token');
  if (!token) throw new Error(`the Gumroad webhook URL carries no token: ${webhookUrl}`);
  return { ...merchant, token, webhookUrl };
}

/** The fixture, attributed to the merchant's click and campaign. */
export function attributedGumroadFixture(name: string, merchant: Pick<GumroadMerchant, 'clickId' | 'visitorId' | 'campaignId'>): GumroadFormPing {
  return withGumroadAttribution(gumroadFixture(name), { clickId: merchant.clickId, visitorId: merchant.visitorId, programId: merchant.campaignId });
}

export type GumroadDelivery = GumroadFormPing | { json: Record<string, unknown> };

/** POSTs a ping to the connection's webhook URL (with its token unless another is given). */
export function sendGumroadPing(hub: TestHub, merchant: Pick<GumroadMerchant, 'connectionId' | 'token'>, delivery: GumroadDelivery, options: { token?: string | null } = {}) {
  const token = options.token === undefined ? merchant.token : options.token;
  const path = `/webhooks/gumroad/${merchant.connectionId}${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;
  const isJson = 'json' in delivery && typeof delivery.json === 'object' && !Array.isArray(delivery.json);
  return isJson
    ? hub.http.post(path).set('Content-Type', 'application/json').send(JSON.stringify((delivery as { json: Record<string, unknown> }).json))
    : hub.http.post(path).set('Content-Type', 'application/x-www-form-urlencoded').send(encodeGumroadForm(delivery as GumroadFormPing));
}

/** Sends pings one after another and lets the worker finish them all. */
export async function deliverGumroad(hub: TestHub, merchant: Pick<GumroadMerchant, 'connectionId' | 'token'>, deliveries: GumroadDelivery[]): Promise<string[]> {
  const eventIds: string[] = [];
  for (const delivery of deliveries) eventIds.push((await sendGumroadPing(hub, merchant, delivery).expect(200)).body.eventId as string);
  await hub.services.processor.drain();
  return eventIds;
}
