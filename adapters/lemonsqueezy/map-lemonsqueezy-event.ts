/** @module Lemon Squeezy event → canonical records: one mapper per event family, everything else ignored. */
import type { MappingResult } from '../../src/contract/canonical-records.js';
import { mapOrderCreated, mapOrderRefunded } from './events/order.js';
import { mapSubscriptionPaymentRefunded, mapSubscriptionPaymentSuccess } from './events/subscription-invoice.js';
import { mapSubscription } from './events/subscription.js';
import { ignore } from './lemonsqueezy-mapping.js';
import type { LemonSqueezyEvent } from './lemonsqueezy-schema.js';

interface Mapper {
  /** The JSON:API resource type the event carries; another type means a body the mapper must not read. */
  type: 'orders' | 'subscription-invoices' | 'subscriptions';
  map(event: LemonSqueezyEvent): MappingResult;
}

const SUBSCRIPTION_LIFECYCLE = ['subscription_created', 'subscription_updated', 'subscription_cancelled', 'subscription_resumed', 'subscription_expired', 'subscription_paused', 'subscription_unpaused'];

const MAPPERS: Readonly<Record<string, Mapper>> = {
  order_created: { type: 'orders', map: mapOrderCreated },
  order_refunded: { type: 'orders', map: mapOrderRefunded },
  subscription_payment_success: { type: 'subscription-invoices', map: mapSubscriptionPaymentSuccess },
  subscription_payment_refunded: { type: 'subscription-invoices', map: mapSubscriptionPaymentRefunded },
  // "Always sent alongside a subscription_payment_success" (event-types page): that event records the money.
  subscription_payment_recovered: { type: 'subscription-invoices', map: (event) => ignore(event, 'not_new_money', `invoice ${event.data.id} recovered: its subscription_payment_success records the payment`) },
  subscription_payment_failed: { type: 'subscription-invoices', map: (event) => ignore(event, 'unpaid', `invoice ${event.data.id}: the payment failed`) },
  ...Object.fromEntries(SUBSCRIPTION_LIFECYCLE.map((name) => [name, { type: 'subscriptions', map: mapSubscription } satisfies Mapper])),
};

export const HANDLED_LEMON_SQUEEZY_EVENTS = Object.keys(MAPPERS);

export function mapLemonSqueezyEvent(event: LemonSqueezyEvent): MappingResult {
  const name = event.meta.event_name;
  const mapper = MAPPERS[name];
  if (!mapper) return ignore(event, 'irrelevant_event', `${name} does not affect conversions`);
  if (event.data.type !== mapper.type) throw new Error(`${name} carries a "${event.data.type}" resource, expected "${mapper.type}"`);
  return mapper.map(event);
}
