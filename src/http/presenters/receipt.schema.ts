/** @module Answers that are not `{data}` envelopes: the webhook receipt, the postback and the health check. */
import { z } from 'zod';
import { hubId } from './response-fields.js';

/** What a processor receives once its delivery is stored (SPEC §6): exactly 200 with this body. */
export const webhookReceiptSchema = z.strictObject({
  received: z.literal(true),
  eventId: hubId('ev').optional().meta({ description: 'Absent for a liveness ping (WooCommerce’s creation ping), which stores nothing.' }),
  duplicate: z.literal(true).optional().meta({ description: 'A re-delivery of an event already stored: `eventId` is the original.' }),
}).meta({ id: 'WebhookReceipt' });

/** The postback's answer (SPEC §10), snake_case like its parameters. */
export const postbackAnswerSchema = z.strictObject({
  success: z.literal(true),
  conversion_id: hubId('conv'),
  status: z.enum(['pending', 'approved', 'paid', 'rejected', 'reversed']),
  duplicate: z.literal(true).optional(),
}).meta({ id: 'PostbackAnswer' });

export const healthSchema = z.strictObject({ status: z.literal('ok') }).meta({ id: 'Health' });
