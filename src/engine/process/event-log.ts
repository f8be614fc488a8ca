/**
 * @module One log line per processed event, at info: which event (id, provider, type, merchant), what
 * became of it, and the request id of the delivery that stored it (`x-request-id`, kept with the
 * event's headers by the webhook route), so a delivery's request line and its outcome line can be
 * found together. Built from the event row already in hand: no query, cheap enough for a whole batch.
 */
import type { InboundEvent } from '../../db/tables/inbound-event.table.js';
import type { Logger } from '../../lib/logger.js';

export type LoggedEvent = Pick<InboundEvent, 'id' | 'merchant_id' | 'provider' | 'event_type' | 'headers'>;

export function logEventOutcome(logger: Logger, event: LoggedEvent, outcome: { status?: string | undefined; reason?: string | null | undefined }): void {
  const requestId = event.headers['x-request-id'];
  logger.info('event processed', {
    eventId: event.id,
    merchantId: event.merchant_id,
    provider: event.provider,
    type: event.event_type,
    outcome: outcome.status,
    ...(outcome.reason ? { reason: outcome.reason } : {}),
    ...(requestId ? { requestId } : {}),
  });
}
