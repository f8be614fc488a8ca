/** @module Small pieces every Lemon Squeezy event mapper uses. */
import type { AttributionHints, CanonicalRecord, IgnoreReason, MappingResult } from '../../src/contract/canonical-records.js';
import { readAttributionKeys } from '../../src/lib/attribution-keys.js';
import { normalizeCurrency } from '../../src/lib/currencies.js';
import { lemonSqueezyFlag, type LemonSqueezyEvent } from './lemonsqueezy-schema.js';

/**
 * Lemon Squeezy marks every object with `test_mode` ("webhooks are live and test mode specific",
 * docs.lemonsqueezy.com/api/webhooks). The resource's own flag wins over the envelope's.
 */
export function livemodeOf(event: LemonSqueezyEvent): boolean | null {
  const testMode = lemonSqueezyFlag.safeParse(event.data.attributes.test_mode);
  if (testMode.success) return !testMode.data;
  return typeof event.meta.test_mode === 'boolean' ? !event.meta.test_mode : null;
}

export function records(event: LemonSqueezyEvent, ...list: CanonicalRecord[]): MappingResult {
  return { outcome: 'records', records: list, livemode: livemodeOf(event) };
}

export function ignore(event: LemonSqueezyEvent, reason: IgnoreReason, detail: string): MappingResult {
  return { outcome: 'ignore', reason, detail, livemode: livemodeOf(event) };
}

/** Lemon Squeezy sends uppercase ISO codes; anything else is a body the hub must not guess about. */
export function lemonSqueezyCurrency(code: string): string {
  const currency = normalizeCurrency(code);
  if (!currency) throw new Error(`Lemon Squeezy sent an unknown currency "${code}"`);
  return currency;
}

/** `meta.custom_data` is where checkout `checkout[custom][…]` values come back (SPEC §7). */
export function hintsOf(event: LemonSqueezyEvent): AttributionHints {
  return { ...readAttributionKeys(event.meta.custom_data), source: 'meta.custom_data' };
}

export function parseTime(value: string, what: string): Date {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new Error(`${what} is not a timestamp: "${value}"`);
  return time;
}
