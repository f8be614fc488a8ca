/**
 * @module The Stripe adapter (providers.md §1): signed JSON events, deduplicated on `event.id`,
 * mapped to sales, refunds, disputes and invoice links.
 */
import { z } from 'zod';
import type { AdapterFactoryOptions, ProviderAdapter, StoredEvent } from '../../src/contract/provider-adapter.js';
import type { ConnectionContext, WebhookDelivery } from '../../src/contract/webhook-delivery.js';
import { sha256Hex } from '../../src/lib/hashing.js';
import { asJsonObject, safeParseJson } from '../../src/lib/safe-parse-json.js';
import { parseConnectionOptions } from '../../src/lib/zod-problems.js';
import { mapStripeEvent } from './map-stripe-event.js';
import { stripeEventSchema, type StripeEvent } from './stripe-schema.js';
import { verifyStripeSignature } from './stripe-signature.js';

const optionsSchema = z.strictObject({
  apiKey: z.string().regex(/^(sk|rk)_(live|test)_\w+$/, 'must be a Stripe secret or restricted key (sk_… / rk_…)').optional(),
});

/**
 * The key of an authentic event the adapter cannot read. Stripe retries the same event with a new
 * `Stripe-Signature` (a new timestamp) and may change `pending_webhooks`, so neither can be in it:
 * the event's own id when the body names one, else a digest of the bytes.
 */
function unreadableEventKey(body: Buffer): string {
  const json = safeParseJson(body);
  const id = json.success ? asJsonObject(json.value)?.id : undefined;
  return typeof id === 'string' && id !== '' ? id : `unreadable:${sha256Hex(body.toString('latin1'))}`;
}

function parseEvent(body: Buffer): { event: StripeEvent } | { error: string } {
  const json = safeParseJson(body);
  if (!json.success) return { error: `body is not JSON: ${json.error}` };
  const parsed = stripeEventSchema.safeParse(json.value);
  return parsed.success ? { event: parsed.data } : { error: `not a Stripe event: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}` };
}

export function createStripeAdapter(_options: AdapterFactoryOptions) {
  return {
    id: 'stripe',
    secrets: 'required',
    parseOptions(options: unknown) {
      return { options: parseConnectionOptions(optionsSchema, options, 'Stripe'), secretOptionNames: ['apiKey'] };
    },
    verify(delivery: WebhookDelivery, connection: ConnectionContext) {
      verifyStripeSignature(delivery.rawBody, delivery.headers['stripe-signature'], connection.secrets, delivery.receivedAt);
      const parsed = parseEvent(delivery.rawBody);
      if ('error' in parsed) {
        return { outcome: 'unreadable', providerEventId: unreadableEventKey(delivery.rawBody), eventType: 'unknown', error: parsed.error };
      }
      return { outcome: 'event', providerEventId: parsed.event.id, eventType: parsed.event.type, onRedelivery: 'duplicate' };
    },
    map(event: StoredEvent, _connection: ConnectionContext, _confirmation: unknown) {
      const parsed = parseEvent(event.rawBody);
      if ('error' in parsed) throw new Error(parsed.error);
      return mapStripeEvent(parsed.event);
    },
  } satisfies ProviderAdapter;
}
