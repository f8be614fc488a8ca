/**
 * @module Subscription objects (`subscription_created`, `subscription_updated`, `…_cancelled`, …).
 *
 * An `order_created` never names its subscription (neither the order nor `first_order_item` carries
 * a subscription id), while every subscription object names the order that started it
 * (`attributes.order_id`). So each subscription event becomes a `link` tying
 * `lemonsqueezy:subscription:<id>` to that order: renewals then find their first sale — and its
 * affiliate — through the subscription. Every subscription event carries the same pair and the first
 * binding wins, so any one of them is enough and repeats change nothing. The lifecycle itself
 * (cancelled, paused, expired) moves no money.
 *
 * One order of arrival the engine does not yet wait through: a subscription event bound before its
 * order was processed, then a renewal without `custom_data` — the renewal finds the binding but no
 * conversion and is ignored as `unattributed` instead of waiting for the order (engine rule 3 in
 * apply-sale.ts; a change there has been proposed). Renewals that carry `custom_data`, as real
 * captures show, attribute themselves and are unaffected.
 */
import type { MappingResult } from '../../../src/contract/canonical-records.js';
import { lemonSqueezyOrderId, lemonSqueezyReference } from '../lemonsqueezy-references.js';
import { records } from '../lemonsqueezy-mapping.js';
import { subscriptionAttributesSchema, type LemonSqueezyEvent } from '../lemonsqueezy-schema.js';

export function mapSubscription(event: LemonSqueezyEvent): MappingResult {
  const subscription = subscriptionAttributesSchema.parse(event.data.attributes);
  return records(event, {
    kind: 'link',
    orderId: lemonSqueezyOrderId.order(subscription.order_id),
    references: [lemonSqueezyReference.subscription(event.data.id)],
  });
}
