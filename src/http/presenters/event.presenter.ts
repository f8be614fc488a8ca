/** @module Inbound events as the API shows them (SPEC §6 event log), personal data masked. */
import type { ProviderId } from '../../contract/providers.js';
import type { InboundEvent } from '../../db/tables/inbound-event.table.js';
import { openPayload } from '../../engine/ingest/stored-payload.js';
import { parseNestedForm } from '../../lib/form-body.js';
import { safeParseJson } from '../../lib/safe-parse-json.js';
import type { SealingKeys } from '../../lib/secret-box.js';
import type { InboundEventWithPayloadResponse } from './event.schema.js';
import { maskPersonalData } from './personal-data-mask.js';

/** The delivery's body as data (JSON, a form, or text; a GET notification shows its query), personal fields masked. */
export function presentPayload(event: InboundEvent, payloadKeys: SealingKeys): unknown {
  if (event.payload_dropped_at !== null) return { dropped: true, droppedAt: event.payload_dropped_at.toISOString() };
  const body = openPayload(payloadKeys, event);
  if (body.length === 0) return { query: event.query };
  const json = safeParseJson(body);
  if (json.success) return maskPersonalData(json.value);
  if ((event.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) return maskPersonalData(parseNestedForm(body));
  // Neither JSON nor a form: nothing can tell which part is personal, so none of it is shown.
  return { unreadable: true, bytes: body.length };
}

export function presentEvent(event: InboundEvent, options: { withPayload: false } | { withPayload: true; payloadKeys: SealingKeys }): InboundEventWithPayloadResponse {
  return {
    id: event.id,
    connectionId: event.connection_id,
    // Events are stored only through a connection, whose provider is one of the enum.
    provider: event.provider as ProviderId,
    providerEventId: event.provider_event_id,
    type: event.event_type,
    receivedAt: event.received_at.toISOString(),
    // `processing` is the worker's claim, not a state of the delivery: SPEC §6 reports it as `received`.
    status: event.status === 'processing' ? 'received' : event.status,
    reason: event.reason,
    error: event.error,
    attempts: event.attempts,
    nextAttemptAt: event.status === 'waiting' || event.status === 'failed' ? event.next_attempt_at.toISOString() : null,
    waitingFor: event.status === 'waiting' ? event.waiting_for : null,
    conversionIds: event.conversion_ids,
    trace: event.trace,
    ...(options.withPayload ? { payload: presentPayload(event, options.payloadKeys) } : {}),
  };
}
