/** @module Small pieces every Paddle event mapper uses. */
import type { z } from 'zod';
import type { CanonicalRecord, IgnoreReason, MappingResult } from '../../src/contract/canonical-records.js';
import { normalizeCurrency } from '../../src/lib/currencies.js';
import type { PaddleEvent } from './paddle-schema.js';

/**
 * Paddle's notifications do not say whether they come from the sandbox or the live environment:
 * each environment has its own notification destinations and secrets, so the connection a delivery
 * verifies against already is its mode. Hence `livemode: null` on every result.
 */
const LIVEMODE = null;

export function paddleCurrency(code: string): string {
  const currency = normalizeCurrency(code);
  if (!currency) throw new Error(`Paddle sent an unknown currency "${code}"`);
  return currency;
}

/** The event's `data` read with `schema`, or an error naming each field that is not as expected. */
export function readData<Schema extends z.ZodType>(schema: Schema, event: PaddleEvent): z.output<Schema> {
  const parsed = schema.safeParse(event.data);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `data.${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`${event.event_type} ${event.event_id} cannot be read: ${problems.join('; ')}`);
}

/** The moment Paddle says the event happened (`occurred_at`, RFC 3339). */
export function occurredAt(event: PaddleEvent): Date {
  return new Date(event.occurred_at);
}

export function records(...list: CanonicalRecord[]): MappingResult {
  return { outcome: 'records', records: list, livemode: LIVEMODE };
}

export function ignore(reason: IgnoreReason, detail: string): MappingResult {
  return { outcome: 'ignore', reason, detail, livemode: LIVEMODE };
}

/** How Paddle ids are named as binding keys, so ids of different kinds never collide. */
export const paddleKey = {
  subscription: (id: string) => `paddle:subscription:${id}`,
  customer: (id: string) => `paddle:customer:${id}`,
};
