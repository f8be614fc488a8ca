/** @module Small pieces every Gumroad ping mapper uses. */
import type { CanonicalRecord, IgnoreReason, MappingResult } from '../../src/contract/canonical-records.js';
import type { StoredEvent } from '../../src/contract/provider-adapter.js';
import type { GumroadApiSale, GumroadPing } from './gumroad-schema.js';

/** A ping about a sale, with the Sales API's view of it when the connection has an access token. */
export interface SalePing {
  readonly ping: GumroadPing;
  readonly saleId: string;
  /** The Sales API's record, or null when the connection has no access token. */
  readonly sale: GumroadApiSale | null;
  readonly event: StoredEvent;
}

/** `test` is set (only ever to true) when the seller bought their own product (providers.md §4.2). */
export function livemodeOf(ping: GumroadPing): boolean {
  return !ping.test;
}

export function records(ping: GumroadPing, ...list: CanonicalRecord[]): MappingResult {
  return { outcome: 'records', records: list, livemode: livemodeOf(ping) };
}

export function ignore(ping: GumroadPing, reason: IgnoreReason, detail: string, livemode: boolean | null = livemodeOf(ping)): MappingResult {
  return { outcome: 'ignore', reason, detail, livemode };
}

export function wait(ping: GumroadPing, detail: string): MappingResult {
  return { outcome: 'wait', detail, livemode: livemodeOf(ping) };
}

/** A Gumroad timestamp ("2026-03-12T14:05:37Z"), or null when absent or unreadable. */
export function gumroadTime(text: string | null | undefined): Date | null {
  if (!text) return null;
  const time = new Date(text);
  return Number.isNaN(time.getTime()) ? null : time;
}
