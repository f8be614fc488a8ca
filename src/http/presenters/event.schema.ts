/** @module The inbound event (the event log, SPEC §6) as the API returns it. */
import { z } from 'zod';
import { PROVIDER_IDS } from '../../contract/providers.js';
import { hubId, timestamp } from './response-fields.js';

export const inboundEventSchema = z.strictObject({
  id: hubId('ev'),
  connectionId: hubId('con'),
  provider: z.enum(PROVIDER_IDS),
  providerEventId: z.string(),
  type: z.string(),
  receivedAt: timestamp,
  status: z.enum(['received', 'processed', 'ignored', 'waiting', 'failed', 'dead']),
  reason: z.string().nullable(),
  error: z.string().nullable(),
  attempts: z.int(),
  nextAttemptAt: timestamp.nullable().meta({ description: 'When a `waiting` or `failed` event is tried again.' }),
  waitingFor: z.string().nullable().meta({ description: 'What a `waiting` event needs (e.g. the order a refund belongs to).' }),
  conversionIds: z.array(hubId('conv')),
  trace: z.array(z.string()).meta({ description: 'The attribution decision, step by step.' }),
}).meta({ id: 'InboundEvent' });

/** One event, with the delivery's body (personal fields masked, or a note that it was dropped). */
export const inboundEventWithPayloadSchema = inboundEventSchema.extend({
  payload: z.unknown().meta({ description: 'The delivery as data, personal fields "[masked]"; `{dropped, droppedAt}` after the retention period.' }),
}).meta({ id: 'InboundEventWithPayload' });

export type InboundEventResponse = z.infer<typeof inboundEventSchema>;
/** What `presentEvent` returns: the payload only when it was asked for. */
export type InboundEventWithPayloadResponse = InboundEventResponse & { payload?: unknown };
