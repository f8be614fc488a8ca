/** @module Inbound events as the API shows them (SPEC §6 event log). */
import type { InboundEvent } from '../../db/tables/inbound-event.table.js';
import { parseNestedForm } from '../../lib/form-body.js';
import { safeParseJson } from '../../lib/safe-parse-json.js';

/** The delivery's body as data: JSON, a form, or text; a GET notification shows its query. */
export function presentPayload(event: InboundEvent): unknown {
  const body = Buffer.from(event.raw_body);
  if (body.length === 0) return { query: event.query };
  const json = safeParseJson(body);
  if (json.success) return json.value;
  if ((event.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) return parseNestedForm(body);
  return body.toString('utf8');
}

export function presentEvent(event: InboundEvent, options: { withPayload: boolean }) {
  return {
    id: event.id,
    connectionId: event.connection_id,
    provider: event.provider,
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
    ...(options.withPayload ? { payload: presentPayload(event) } : {}),
  };
}
