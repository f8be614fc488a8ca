/**
 * @module The WooCommerce adapter (providers.md §6): store webhooks carrying the REST v3 order,
 * signed with a base64 HMAC in `X-WC-Webhook-Signature`, no event id (the key is the order's
 * derived state), decimal-string amounts, attribution in order `meta_data`, no test mode. The
 * unsigned creation ping is answered 200 and stored nowhere.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { MappingResult } from '../../src/contract/canonical-records.js';
import type { AdapterFactoryOptions, ProviderAdapter, StoredEvent, VerifiedDelivery } from '../../src/contract/provider-adapter.js';
import type { ConnectionContext, WebhookDelivery } from '../../src/contract/webhook-delivery.js';
import { safeParseJson } from '../../src/lib/safe-parse-json.js';
import { parseConnectionOptions } from '../../src/lib/zod-problems.js';
import { mapWooOrder } from './map-woocommerce-order.js';
import { wooEventKey } from './woocommerce-event-key.js';
import { wooOrderSchema, type WooOrder } from './woocommerce-schema.js';
import { isCreationPing, verifyWooSignature } from './woocommerce-signature.js';

/** Topics whose body is an order to map; `order.deleted` carries only an id and `order.restored` brings no new money. */
const ORDER_TOPICS = new Set(['order.created', 'order.updated']);
/** A delivery without a topic header is read as an order: that is what every order webhook sends. */
const UNKNOWN_TOPIC = 'unknown';

function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname.length > 0;
  } catch {
    return false;
  }
}

const optionsSchema = z.strictObject({
  /** The store's address (`home_url`), as it names itself in `X-WC-Webhook-Source`. */
  storeUrl: z.string({ error: 'is required: the store’s https:// address' }).trim().refine(isHttpsUrl, 'must be an https:// URL'),
  orderIdPrefix: z.string().regex(/^\S{1,50}$/, 'must be 1 to 50 characters without spaces').optional(),
  /** REST API keys (secret), kept for reconciling through the REST API the deliveries Woo never retries; the webhook path does not use them. */
  consumerKey: z.string().regex(/^ck_\w{8,}$/, 'must be a WooCommerce consumer key (ck_…)').optional(),
  consumerSecret: z.string().regex(/^cs_\w{8,}$/, 'must be a WooCommerce consumer secret (cs_…)').optional(),
}).refine((options) => (options.consumerKey === undefined) === (options.consumerSecret === undefined), {
  message: 'consumerKey and consumerSecret go together', path: ['consumerSecret'],
});

function parseOrder(body: Buffer): { order: WooOrder } | { error: string } {
  const json = safeParseJson(body);
  if (!json.success) return { error: `body is not JSON: ${json.error}` };
  const parsed = wooOrderSchema.safeParse(json.value);
  return parsed.success
    ? { order: parsed.data }
    : { error: `not a WooCommerce order: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}` };
}

function bodyDigest(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

function topicOf(headers: Readonly<Record<string, string | undefined>>): string {
  return headers['x-wc-webhook-topic']?.trim() || UNKNOWN_TOPIC;
}

const isOrderTopic = (topic: string) => ORDER_TOPICS.has(topic) || topic === UNKNOWN_TOPIC;

export function createWooCommerceAdapter(_options: AdapterFactoryOptions) {
  return {
    id: 'woocommerce',
    secrets: 'required',
    parseOptions(options: unknown) {
      return { options: parseConnectionOptions(optionsSchema, options, 'WooCommerce'), secretOptionNames: ['consumerKey', 'consumerSecret'] };
    },
    verify(delivery: WebhookDelivery, connection: ConnectionContext): VerifiedDelivery {
      if (isCreationPing(delivery)) return { outcome: 'ping' };
      verifyWooSignature(delivery.rawBody, delivery.headers['x-wc-webhook-signature'], connection.secrets);
      const topic = topicOf(delivery.headers);
      // Other topics (products, coupons, customers, actions, deleted orders) are stored and ignored, once per body.
      if (!isOrderTopic(topic)) return { outcome: 'event', providerEventId: `${topic}:${bodyDigest(delivery.rawBody)}`, eventType: topic, onRedelivery: 'duplicate' };
      const parsed = parseOrder(delivery.rawBody);
      if ('error' in parsed) return { outcome: 'unreadable', providerEventId: `unreadable:${bodyDigest(delivery.rawBody)}`, eventType: topic, error: parsed.error };
      return { outcome: 'event', providerEventId: wooEventKey(parsed.order), eventType: topic, onRedelivery: 'duplicate' };
    },
    map(event: StoredEvent, connection: ConnectionContext, _confirmation: unknown): MappingResult {
      if (!isOrderTopic(event.eventType)) {
        return { outcome: 'ignore', reason: 'irrelevant_event', detail: `${event.eventType} does not affect conversions`, livemode: null };
      }
      const parsed = parseOrder(event.rawBody);
      if ('error' in parsed) throw new Error(parsed.error);
      const prefix = connection.options.orderIdPrefix;
      return mapWooOrder(parsed.order, { orderIdPrefix: typeof prefix === 'string' ? prefix : undefined });
    },
  } satisfies ProviderAdapter;
}
