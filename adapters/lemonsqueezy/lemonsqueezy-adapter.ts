/**
 * @module The Lemon Squeezy adapter (providers.md §3): JSON:API bodies signed with a hex HMAC in
 * `X-Signature`, no event id (a key is synthesised from the resource and its state), amounts in
 * integer minor units, attribution in `meta.custom_data`, `test_mode` on every object.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AdapterFactoryOptions, ProviderAdapter, StoredEvent } from '../../src/contract/provider-adapter.js';
import type { ConnectionContext, WebhookDelivery } from '../../src/contract/webhook-delivery.js';
import { safeParseJson } from '../../src/lib/safe-parse-json.js';
import { parseConnectionOptions } from '../../src/lib/zod-problems.js';
import { lemonSqueezyEventKey } from './lemonsqueezy-event-key.js';
import { lemonSqueezyEnvelopeSchema, type LemonSqueezyEvent } from './lemonsqueezy-schema.js';
import { verifyLemonSqueezySignature } from './lemonsqueezy-signature.js';
import { mapLemonSqueezyEvent } from './map-lemonsqueezy-event.js';

/** Lemon Squeezy needs nothing but the signing secret(s). */
const optionsSchema = z.strictObject({});

function parseEvent(body: Buffer): { event: LemonSqueezyEvent } | { error: string } {
  const json = safeParseJson(body);
  if (!json.success) return { error: `body is not JSON: ${json.error}` };
  const parsed = lemonSqueezyEnvelopeSchema.safeParse(json.value);
  return parsed.success
    ? { event: parsed.data }
    : { error: `not a Lemon Squeezy webhook: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}` };
}

export function createLemonSqueezyAdapter(_options: AdapterFactoryOptions) {
  return {
    id: 'lemonsqueezy',
    secrets: 'required',
    parseOptions(options: unknown) {
      return { options: parseConnectionOptions(optionsSchema, options, 'Lemon Squeezy'), secretOptionNames: [] };
    },
    verify(delivery: WebhookDelivery, connection: ConnectionContext) {
      verifyLemonSqueezySignature(delivery.rawBody, delivery.headers['x-signature'], connection.secrets);
      const parsed = parseEvent(delivery.rawBody);
      if ('error' in parsed) {
        // Authentic but unreadable: kept under a key of its exact bytes, so a resend is still one event.
        const digest = createHash('sha256').update(delivery.rawBody).digest('hex');
        return { outcome: 'unreadable', providerEventId: `unreadable:${digest}`, eventType: 'unknown', error: parsed.error };
      }
      return { outcome: 'event', providerEventId: lemonSqueezyEventKey(parsed.event), eventType: parsed.event.meta.event_name, onRedelivery: 'duplicate' };
    },
    map(event: StoredEvent, _connection: ConnectionContext, _confirmation: unknown) {
      const parsed = parseEvent(event.rawBody);
      if ('error' in parsed) throw new Error(parsed.error);
      return mapLemonSqueezyEvent(parsed.event);
    },
  } satisfies ProviderAdapter;
}
