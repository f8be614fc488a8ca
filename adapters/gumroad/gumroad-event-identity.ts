/**
 * @module What a Gumroad ping is called in the event log. Gumroad sends no event id, so the key is
 * built from the resource and the sale (providers.md §4.4): one `sale`, one `dispute`, one
 * `dispute_won` and one full `refund` per sale, each stored once however often it is re-sent. A
 * partial refund is different: a sale can be refunded in several parts, each pinged alike and
 * without an amount, so partial-refund pings share one event that every new ping re-arms
 * (`refresh`) to read the refunded total again. Subscription pings are keyed by their content.
 */
import type { VerifiedDelivery } from '../../src/contract/provider-adapter.js';
import { sha256Hex } from '../../src/lib/hashing.js';
import type { GumroadBody } from './gumroad-body.js';
import type { GumroadPing } from './gumroad-schema.js';

type GumroadEvent = Extract<VerifiedDelivery, { outcome: 'event' }>;

const SALE_RESOURCES = new Set(['sale', 'refund', 'dispute', 'dispute_won']);

/** The resource a ping is about: Ping-URL sales may omit `resource_name`. */
export function gumroadResource(ping: GumroadPing): string | null {
  return ping.resource_name ?? (ping.sale_id ? 'sale' : null);
}

/** A digest of the body minus Gumroad's `retry_count`, so a retried ping keeps its identity. */
function contentDigest(body: GumroadBody): string {
  const { retry_count: _retryCount, ...rest } = body;
  return sha256Hex(JSON.stringify(rest)).slice(0, 16);
}

/** The event's identity, or null when the ping names nothing the hub can key it on. */
export function identifyGumroadPing(ping: GumroadPing, body: GumroadBody): GumroadEvent | null {
  const resource = gumroadResource(ping);
  if (!resource) return null;
  if (SALE_RESOURCES.has(resource)) {
    if (!ping.sale_id) return null;
    if (resource === 'refund') {
      return ping.refunded
        ? { outcome: 'event', providerEventId: `refund:${ping.sale_id}:full`, eventType: resource, onRedelivery: 'duplicate' }
        : { outcome: 'event', providerEventId: `refund:${ping.sale_id}:partial`, eventType: resource, onRedelivery: 'refresh' };
    }
    return { outcome: 'event', providerEventId: `${resource}:${ping.sale_id}`, eventType: resource, onRedelivery: 'duplicate' };
  }
  const subject = ping.subscription_id ?? ping.sale_id;
  if (!subject) return null;
  return { outcome: 'event', providerEventId: `${resource}:${subject}:${contentDigest(body)}`, eventType: resource, onRedelivery: 'duplicate' };
}
