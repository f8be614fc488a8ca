/** @module Outbound webhook endpoints and their delivery log, as the API shows them. */
import type { WebhookDelivery } from '../../db/tables/webhook-delivery.table.js';
import type { OutboundEventType } from '../../db/tables/webhook-endpoint.table.js';
import type { WebhookEndpoint } from '../../db/tables/webhook-endpoint.table.js';
import type { WebhookDeliveryResponse, WebhookEndpointResponse } from './webhook-endpoint.schema.js';

export function presentWebhookEndpoint(endpoint: WebhookEndpoint): WebhookEndpointResponse {
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

export function presentDelivery(delivery: WebhookDelivery): WebhookDeliveryResponse {
  return {
    id: delivery.id,
    endpointId: delivery.endpoint_id,
    // Deliveries are written only for the outbound event types.
    eventType: delivery.event_type as OutboundEventType,
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
