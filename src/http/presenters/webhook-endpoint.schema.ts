/** @module Outbound webhook endpoints and their delivery log as the API returns them (SPEC §11). */
import { z } from 'zod';
import { hubId, timestamp } from './response-fields.js';

const outboundEventType = z.enum(['conversion.created', 'conversion.updated', 'conversion.reversed']);

export const webhookEndpointSchema = z.strictObject({
  id: hubId('we'),
  url: z.url(),
  events: z.array(outboundEventType),
  status: z.enum(['enabled', 'disabled']),
  disabledReason: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
}).meta({ id: 'WebhookEndpoint' });

/** The creation answer carries the signing secret, shown this once. */
export const createdWebhookEndpointSchema = webhookEndpointSchema.extend({ secret: z.string().regex(/^whsec_/) }).meta({ id: 'CreatedWebhookEndpoint' });

export const webhookDeliverySchema = z.strictObject({
  id: z.string(),
  endpointId: hubId('we'),
  eventType: outboundEventType,
  webhookId: z.string().meta({ description: 'The `webhook-id` header: the same on every retry.' }),
  status: z.enum(['pending', 'succeeded', 'failed']),
  attempts: z.int(),
  lastResponseStatus: z.int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: timestamp.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
}).meta({ id: 'WebhookDelivery' });

export type WebhookEndpointResponse = z.infer<typeof webhookEndpointSchema>;
export type WebhookDeliveryResponse = z.infer<typeof webhookDeliverySchema>;
