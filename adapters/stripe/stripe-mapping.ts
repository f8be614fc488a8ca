/** @module Small pieces every Stripe event mapper uses. */
import type { AttributionHints, IgnoreReason, MappingResult, CanonicalRecord } from '../../src/contract/canonical-records.js';
import { readAttributionKeys } from '../../src/lib/attribution-keys.js';
import { normalizeCurrency } from '../../src/lib/currencies.js';
import type { StripeEvent } from './stripe-schema.js';

/** Stripe sends lowercase ISO codes. */
export function stripeCurrency(code: string): string {
  const currency = normalizeCurrency(code);
  if (!currency) throw new Error(`Stripe sent an unknown currency "${code}"`);
  return currency;
}

/** The moment Stripe says it happened: the event's creation time. */
export function occurredAt(event: StripeEvent): Date {
  return new Date(event.created * 1000);
}

export function hintsFrom(metadata: Readonly<Record<string, unknown>>, source: string, fallbackClickId: string | null = null): AttributionHints {
  const keys = readAttributionKeys(metadata);
  return { ...keys, clickId: keys.clickId ?? fallbackClickId, source };
}

export function records(event: StripeEvent, ...list: CanonicalRecord[]): MappingResult {
  return { outcome: 'records', records: list, livemode: event.livemode };
}

export function ignore(event: StripeEvent, reason: IgnoreReason, detail: string): MappingResult {
  return { outcome: 'ignore', reason, detail, livemode: event.livemode };
}

/** Ids worth keeping on the conversion, without the nulls. */
export function stripeIds(ids: Record<string, string | null>): Record<string, unknown> {
  return { stripe: Object.fromEntries(Object.entries(ids).filter(([, value]) => value !== null)) };
}
