/**
 * Paddle Billing deliveries for tests: fixtures signed with Paddle's algorithm (HMAC-SHA256, hex,
 * over `${ts}:${rawBody}`, sent as `Paddle-Signature: ts=…;h1=…`), with the hub's attribution in
 * the transaction's `custom_data`, where a merchant passes it to Paddle.js
 * (`Paddle.Checkout.open({ customData: { visitor_id, click_id, program_id } })`).
 */
import { createHmac } from 'node:crypto';
import { loadFixture, setPath } from './fixtures.js';
import type { StripeMerchant } from './stripe.js';
import { setUpConnectedMerchant, type TestHub } from './test-hub.js';

export const PADDLE_SECRET = 'pdl_ntfset_01kkbz6r2cxg0m2s9vdd1qk3yh_Wq3rT8uYp1Zx6Vb9Nm2Lk4Jh7Gf5Ds0Aa';
/** The secret of a sandbox notification destination: another environment, another secret. */
export const PADDLE_SANDBOX_SECRET = 'pdl_ntfset_01kkbz8f4n7w1q3e5r7t9y2u4i_SandboxOnly0123456789abcdef';

export type PaddleFixture = Record<string, unknown> & { event_id: string; event_type: string; notification_id: string; occurred_at: string; data: Record<string, unknown> };

export function paddleFixture(name: string): PaddleFixture {
  return loadFixture<PaddleFixture>('paddle', name);
}

/** The hex HMAC Paddle puts in an `h1`. */
export function paddleH1(body: string, timestamp: number | string, secret: string): string {
  return createHmac('sha256', secret).update(`${timestamp}:${body}`).digest('hex');
}

/** A `Paddle-Signature` header; `secrets` gives one `h1` per secret (as during a rotation). */
export function signPaddle(body: string, options: { timestamp: number; secrets?: string[] }): string {
  const secrets = options.secrets ?? [PADDLE_SECRET];
  return [`ts=${options.timestamp}`, ...secrets.map((secret) => `h1=${paddleH1(body, options.timestamp, secret)}`)].join(';');
}

export interface Attribution {
  visitorId?: string | null;
  clickId?: string | null;
  programId?: string | null;
}

/** Sets (or, with null, removes) the hub's keys in the transaction's `custom_data`. */
export function withPaddleAttribution(event: PaddleFixture, attribution: Attribution): PaddleFixture {
  const existing = event.data.custom_data;
  const customData: Record<string, unknown> = { ...(typeof existing === 'object' && existing !== null ? existing as Record<string, unknown> : {}) };
  for (const [key, value] of [['visitor_id', attribution.visitorId], ['click_id', attribution.clickId], ['program_id', attribution.programId]] as const) {
    if (value === undefined) continue;
    if (value === null) delete customData[key];
    else customData[key] = value;
  }
  event.data.custom_data = Object.keys(customData).length > 0 ? customData : null;
  return event;
}

export function setPaddleField(event: PaddleFixture, path: string, value: unknown): PaddleFixture {
  setPath(event, path, value);
  return event;
}

/** A new event of the same kind (another `event_id` and notification). */
export function withPaddleEventId(event: PaddleFixture, suffix: string): PaddleFixture {
  return { ...event, event_id: `${event.event_id.slice(0, -suffix.length)}${suffix}`, notification_id: `${event.notification_id.slice(0, -suffix.length)}${suffix}` };
}

/** POSTs the event signed at the hub's "now" (or `timestamp`) and returns the response. */
export function sendPaddleEvent(hub: TestHub, connectionId: string, event: PaddleFixture | string, options: { timestamp?: number; secrets?: string[] } = {}) {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  const timestamp = options.timestamp ?? Math.floor(hub.clock.now().getTime() / 1000);
  return hub.http.post(`/webhooks/paddle/${connectionId}`)
    .set('Content-Type', 'application/json')
    .set('Paddle-Signature', signPaddle(body, { timestamp, ...(options.secrets ? { secrets: options.secrets } : {}) }))
    .send(body);
}

export type PaddleMerchant = StripeMerchant;

/** A merchant with a campaign, an approved affiliate, a Paddle connection and one recorded click. */
export function setUpPaddleMerchant(hub: TestHub, campaign: Record<string, unknown> = {}, connection: Record<string, unknown> = {}): Promise<PaddleMerchant> {
  return setUpConnectedMerchant(hub, { provider: 'paddle', secrets: [PADDLE_SECRET], ...connection }, campaign);
}

/** The fixture, attributed to the merchant's click (and campaign). */
export function attributedPaddleFixture(name: string, merchant: Pick<PaddleMerchant, 'clickId' | 'visitorId' | 'campaignId'>): PaddleFixture {
  return withPaddleAttribution(paddleFixture(name), { clickId: merchant.clickId, visitorId: merchant.visitorId, programId: merchant.campaignId });
}

/** Sends events one after another (each must answer 200) and lets the worker finish them all. */
export async function deliverPaddle(hub: TestHub, merchant: Pick<PaddleMerchant, 'connectionId'>, events: PaddleFixture[]): Promise<string[]> {
  const eventIds: string[] = [];
  for (const event of events) eventIds.push((await sendPaddleEvent(hub, merchant.connectionId, event).expect(200)).body.eventId as string);
  await hub.services.processor.drain();
  return eventIds;
}
