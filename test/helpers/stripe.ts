/**
 * Stripe deliveries for tests: fixtures signed with Stripe's own algorithm
 * (`stripe.webhooks.generateTestHeaderString`), with the hub's attribution put where a merchant
 * using `checkoutAttribution` would have it.
 */
import Stripe from 'stripe';
import { loadFixture, setPath } from './fixtures.js';
import { setUpConnectedMerchant, type ConnectedMerchant, type HubClient, type TestHub } from './test-hub.js';

export const STRIPE_SECRET = 'whsec_test_0123456789abcdefghijklmnopqrstuv';

export type StripeFixture = Record<string, unknown> & { id: string; type: string; data: { object: Record<string, unknown> } };

export function stripeFixture(name: string): StripeFixture {
  return loadFixture<StripeFixture>('stripe', name);
}

export function signStripe(body: string, options: { secret?: string; timestamp?: number } = {}): string {
  return Stripe.webhooks.generateTestHeaderString({ payload: body, secret: options.secret ?? STRIPE_SECRET, ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}) });
}

export interface Attribution {
  visitorId?: string | null;
  clickId?: string | null;
  programId?: string | null;
}

/** Puts attribution into every metadata field of the event's object that the fixture carries. */
export function withStripeAttribution(event: StripeFixture, attribution: Attribution): StripeFixture {
  const object = event.data.object;
  const metadata = (existing: unknown) => {
    const next = { ...(existing as Record<string, string> | undefined) };
    for (const [key, value] of [['visitor_id', attribution.visitorId], ['click_id', attribution.clickId], ['program_id', attribution.programId]] as const) {
      if (value === undefined) continue;
      if (value === null) delete next[key];
      else next[key] = value;
    }
    return next;
  };
  if (object.metadata && typeof object.metadata === 'object') object.metadata = metadata(object.metadata);
  if ('client_reference_id' in object && attribution.clickId !== undefined) object.client_reference_id = attribution.clickId;
  const parent = object.parent as { subscription_details?: { metadata?: unknown } } | null | undefined;
  if (parent?.subscription_details) parent.subscription_details.metadata = metadata(parent.subscription_details.metadata);
  const details = object.subscription_details as { metadata?: unknown } | null | undefined;
  if (details) details.metadata = metadata(details.metadata);
  const lines = (object.lines as { data?: { metadata?: unknown }[] } | undefined)?.data;
  for (const line of lines ?? []) if (line.metadata && Object.keys(line.metadata).length > 0) line.metadata = metadata(line.metadata);
  return event;
}

/** A copy of the event under a new event id (Stripe sends each event once per id, re-deliveries reuse it). */
export function withEventId(event: StripeFixture, id: string): StripeFixture {
  return { ...event, id };
}

export function setStripeField(event: StripeFixture, path: string, value: unknown): StripeFixture {
  setPath(event, path, value);
  return event;
}

/** POSTs the event signed for now (the hub's clock) and returns the response. */
export function sendStripeEvent(hub: HubClient, connectionId: string, event: StripeFixture, options: { secret?: string; timestamp?: number } = {}) {
  const body = JSON.stringify(event);
  const timestamp = options.timestamp ?? Math.floor(hub.clock.now().getTime() / 1000);
  return hub.http.post(`/webhooks/stripe/${connectionId}`)
    .set('Content-Type', 'application/json')
    .set('Stripe-Signature', signStripe(body, { ...options, timestamp }))
    .send(body);
}

export type StripeMerchant = ConnectedMerchant;

/** A merchant with a campaign, an approved affiliate, a Stripe connection and one recorded click. */
export function setUpStripeMerchant(hub: HubClient, campaign: Record<string, unknown> = {}, connection: Record<string, unknown> = {}): Promise<StripeMerchant> {
  return setUpConnectedMerchant(hub, { provider: 'stripe', secrets: [STRIPE_SECRET], ...connection }, campaign);
}

/** The fixture, attributed to the merchant's click (and campaign). */
export function attributedStripeFixture(name: string, merchant: Pick<StripeMerchant, 'clickId' | 'visitorId' | 'campaignId'>): StripeFixture {
  return withStripeAttribution(stripeFixture(name), { clickId: merchant.clickId, visitorId: merchant.visitorId, programId: merchant.campaignId });
}

/** Sends events one after another and lets the worker finish them all. */
export async function deliverStripe(hub: TestHub, merchant: Pick<StripeMerchant, 'connectionId'>, events: StripeFixture[]): Promise<string[]> {
  const eventIds: string[] = [];
  for (const event of events) eventIds.push((await sendStripeEvent(hub, merchant.connectionId, event).expect(200)).body.eventId as string);
  await hub.services.processor.drain();
  return eventIds;
}

export interface ConversionView {
  id: string;
  orderId: string;
  amount: number;
  commission: number;
  refundedAmount: number;
  status: string;
  statusReason: string | null;
  conversionType: string;
  taxAmount: number;
  adjustments: { type: string; commissionDelta: number; amount: number; reference: string; reason: string | null }[];
  [key: string]: unknown;
}

export async function conversionsOf(merchant: Pick<StripeMerchant, 'api'>): Promise<ConversionView[]> {
  return (await merchant.api.get('/api/v1/conversions?perPage=500').expect(200)).body.data as ConversionView[];
}

export async function eventOf(merchant: Pick<StripeMerchant, 'api'>, eventId: string): Promise<{ status: string; reason: string | null; trace: string[]; conversionIds: string[]; waitingFor: string | null; error: string | null }> {
  return (await merchant.api.get(`/api/v1/events/${eventId}`).expect(200)).body.data;
}

/** Commission equals the sum of the ledger, to the cent (summed in minor units). */
export function ledgerSum(conversion: ConversionView, exponent = 2): number {
  const scale = 10 ** exponent;
  return conversion.adjustments.reduce((sum, line) => sum + Math.round(line.commissionDelta * scale), 0) / scale;
}
