/** @module The `outbound_event` table: the outbox, one row per conversion state change. */
import type { Generated, Insertable, Selectable } from 'kysely';
import type { OutboundEventType } from './webhook-endpoint.table.js';

export interface OutboundEventTable {
  merchant_id: string;
  /** `msg_…`: the `webhook-id` every delivery of this event carries, retries included. */
  id: string;
  type: OutboundEventType;
  conversion_id: string;
  /** The exact JSON body sent (and signed): `{"type", "timestamp", "data": Conversion}`. */
  body: string;
  created_at: Date;
  /** Increasing in the order events were written. */
  sequence: Generated<number>;
}

export type OutboundEvent = Selectable<OutboundEventTable>;
export type NewOutboundEvent = Insertable<OutboundEventTable>;
