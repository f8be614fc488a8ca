/**
 * @module The deduplication key of a Lemon Squeezy delivery.
 *
 * Lemon Squeezy sends no event id (the envelope is `meta.event_name` + `custom_data`;
 * `meta.webhook_id` differs from one delivery to the next in real captures, so it cannot name an
 * event). The key is therefore built from what the delivery says: which event, about which
 * resource, in which money state. A retry or a manual resend carries the same resource in the same
 * state and gets the same key, so it is stored once; a real change — a refund raising
 * `refunded_amount`, a new status, a later `updated_at` — gets a new key and is processed. Two keys
 * for the same money are harmless: every record the mapping makes is idempotent in the engine.
 */
import type { LemonSqueezyEvent } from './lemonsqueezy-schema.js';

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '-';
}

export function lemonSqueezyEventKey(event: LemonSqueezyEvent): string {
  const { attributes } = event.data;
  return [
    event.meta.event_name,
    event.data.type,
    event.data.id,
    `status=${text(attributes.status)}`,
    `refunded=${text(attributes.refunded_amount)}`,
    `updated=${text(attributes.updated_at)}`,
  ].join(':');
}
