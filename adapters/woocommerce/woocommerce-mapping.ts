/** @module Small pieces the WooCommerce order mapping uses. */
import type { AttributionHints } from '../../src/contract/canonical-records.js';
import { readAttributionKeys } from '../../src/lib/attribution-keys.js';
import { normalizeCurrency } from '../../src/lib/currencies.js';
import type { WooOrder } from './woocommerce-schema.js';

/** `meta_data[]` as an object; a key repeated in the array keeps its first value. */
export function metadataObject(order: WooOrder): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  for (const entry of order.meta_data ?? []) if (!(entry.key in metadata)) metadata[entry.key] = entry.value;
  return metadata;
}

/** The hub's keys as the store saved them in order meta (`visitor_id`, `click_id`, `program_id`, or `_hub_`/`hub_` forms). */
export function wooHints(order: WooOrder): AttributionHints {
  return { ...readAttributionKeys(metadataObject(order)), source: 'order meta_data' };
}

export function wooCurrency(code: string): string {
  const currency = normalizeCurrency(code);
  if (!currency) throw new Error(`WooCommerce sent an unknown currency "${code}"`);
  return currency;
}

/** Woo's `*_gmt` dates are UTC written without a zone ("2026-03-22T19:30:10"). */
export function gmtDate(value: string, what: string): Date {
  const time = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  if (Number.isNaN(time.getTime())) throw new Error(`${what} is not a date: "${value}"`);
  return time;
}
