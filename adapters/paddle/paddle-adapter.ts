/**
 * @module The Paddle Billing adapter (providers.md §2): signed JSON notifications, deduplicated on
 * `event_id` — a replay or retry is a new notification (`notification_id`) of the same event — and
 * mapped to sales (`transaction.completed`), refunds and chargebacks (`adjustment.*`).
 */
import { z } from 'zod';
import type { AdapterFactoryOptions, ProviderAdapter, StoredEvent } from '../../src/contract/provider-adapter.js';
import type { ConnectionContext, WebhookDelivery } from '../../src/contract/webhook-delivery.js';
import { sha256Hex } from '../../src/lib/hashing.js';
import { safeParseJson } from '../../src/lib/safe-parse-json.js';
import { parseConnectionOptions } from '../../src/lib/zod-problems.js';
import { mapPaddleEvent } from './map-paddle-event.js';
import { paddleEventSchema, type PaddleEvent } from './paddle-schema.js';
import { PADDLE_DEFAULT_TOLERANCE_SECONDS, verifyPaddleSignature } from './paddle-signature.js';

/** Up to five minutes: enough for a skewed clock, small enough to keep replays out. */
export const PADDLE_MAX_TOLERANCE_SECONDS = 300;

const optionsSchema = z.strictObject({
  toleranceSeconds: z.number().int('must be a whole number of seconds')
    .min(1, 'must be at least 1 second')
    .max(PADDLE_MAX_TOLERANCE_SECONDS, `must be at most ${PADDLE_MAX_TOLERANCE_SECONDS} seconds`)
    .optional(),
});

function toleranceOf(connection: ConnectionContext): number {
  const value = connection.options.toleranceSeconds;
  // parseOptions checked the value when the connection was saved; absent means Paddle's own default.
  return typeof value === 'number' ? value : PADDLE_DEFAULT_TOLERANCE_SECONDS;
}

function parseEvent(body: Buffer): { event: PaddleEvent } | { error: string } {
  const json = safeParseJson(body);
  if (!json.success) return { error: `body is not JSON: ${json.error}` };
  const parsed = paddleEventSchema.safeParse(json.value);
  return parsed.success ? { event: parsed.data } : { error: `not a Paddle event: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}` };
}

export function createPaddleAdapter(_options: AdapterFactoryOptions) {
  return {
    id: 'paddle',
    secrets: 'required',
    parseOptions(options: unknown) {
      return { options: parseConnectionOptions(optionsSchema, options, 'Paddle'), secretOptionNames: [] };
    },
    verify(delivery: WebhookDelivery, connection: ConnectionContext) {
      verifyPaddleSignature(delivery.rawBody, delivery.headers['paddle-signature'], connection.secrets, delivery.receivedAt, toleranceOf(connection));
      const parsed = parseEvent(delivery.rawBody);
      if ('error' in parsed) {
        // The same bytes always get the same key, so Paddle's retries of it are still one event.
        return { outcome: 'unreadable', providerEventId: `body:${sha256Hex(delivery.rawBody.toString('utf8'))}`, eventType: 'unknown', error: parsed.error };
      }
      return { outcome: 'event', providerEventId: parsed.event.event_id, eventType: parsed.event.event_type, onRedelivery: 'duplicate' };
    },
    map(event: StoredEvent, _connection: ConnectionContext, _confirmation: unknown) {
      const parsed = parseEvent(event.rawBody);
      if ('error' in parsed) throw new Error(parsed.error);
      return mapPaddleEvent(parsed.event);
    },
  } satisfies ProviderAdapter;
}
