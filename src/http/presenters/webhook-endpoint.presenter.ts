/** @module Outbound webhook endpoints and their delivery log, as the API shows them. */
import type { WebhookDelivery } from '../../db/tables/webhook-delivery.table.js';
import type { WebhookEndpoint } from '../../db/tables/webhook-endpoint.table.js';

export function presentWebhookEndpoint(endpoint: WebhookEndpoint) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    status: endpoint.status,
    disabledReason: endpoint.disabled_reason,
    createdAt: endpoint.created_at.toISOString(),
    updatedAt: endpoint.updated_at.toISOString(),
  };
}

export function presentDelivery(delivery: WebhookDelivery) {
  return {
    id: delivery.id,
    endpointId: delivery.endpoint_id,
    eventType: delivery.event_type,
    webhookId: delivery.event_id,
    status: delivery.status,
    attempts: delivery.attempts,
    lastResponseStatus: delivery.last_response_status,
    lastError: delivery.last_error,
    nextAttemptAt: delivery.status === 'pending' ? (delivery.next_attempt_at?.toISOString() ?? null) : null,
    createdAt: delivery.created_at.toISOString(),
    updatedAt: delivery.updated_at.toISOString(),
  };
}
