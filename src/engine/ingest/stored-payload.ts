/**
 * @module Raw deliveries at rest: sealed on the way in (ingest), opened on the way out (processing,
 * the event log). A body stored before sealing existed (`payload_key_id` null) is read as it is
 * until the re-seal sweep seals it.
 */
import type { InboundEvent } from '../../db/tables/inbound-event.table.js';
import { openBytes, sealBytes, type SealingKeys } from '../../lib/secret-box.js';

/**
 * What binds a sealed body to its row: its merchant and connection. Not the event id (a re-armed
 * row keeps its id but takes the body sealed for the new delivery) nor the processor's event id (a
 * GoPay notification is renamed once its state is read): a body moved onto another row of the same
 * connection says nothing its own row did not.
 */
export function payloadBinding(event: Pick<InboundEvent, 'merchant_id' | 'connection_id'>): string {
  return `inbound_event/${event.merchant_id}/${event.connection_id}`;
}

export function sealPayload(keys: SealingKeys, event: Pick<InboundEvent, 'merchant_id' | 'connection_id'>, body: Buffer): { raw_body: Buffer; payload_key_id: string } {
  return { raw_body: sealBytes(keys, body, payloadBinding(event)), payload_key_id: keys.current.id };
}

export function openPayload(keys: SealingKeys, event: Pick<InboundEvent, 'merchant_id' | 'connection_id' | 'raw_body' | 'payload_key_id'>): Buffer {
  if (event.payload_key_id === null) return Buffer.from(event.raw_body);
  return openBytes(keys, event.raw_body, payloadBinding(event));
}
