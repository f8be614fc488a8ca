/**
 * Stripe deliveries for tests: fixtures signed with Stripe's own algorithm
 * (`stripe.webhooks.generateTestHeaderString`), with the hub's attribution put where a merchant
 * using `checkoutAttribution` would have it.
 */
import Stripe from 'stripe';
import { loadFixture, setPath } from './fixtures.js';
import type { TestHub } from './test-hub.js';

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
export function sendStripeEvent(hub: TestHub, connectionId: string, event: StripeFixture, options: { secret?: string; timestamp?: number } = {}) {
  const body = JSON.stringify(event);
  const timestamp = options.timestamp ?? Math.floor(hub.clock.now().getTime() / 1000);
  return hub.http.post(`/webhooks/stripe/${connectionId}`)
    .set('Content-Type', 'application/json')
    .set('Stripe-Signature', signStripe(body, { ...options, timestamp }))
    .send(body);
}
