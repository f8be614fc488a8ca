/** @module Paddle event → canonical records: one mapper per event family, everything else ignored with its reason. */
import type { MappingResult } from '../../src/contract/canonical-records.js';
import { mapAdjustment } from './events/adjustment.js';
import { mapTransactionSale } from './events/transaction-completed.js';
import { ignore } from './paddle-mapping.js';
import type { PaddleEvent } from './paddle-schema.js';

const MAPPERS: Readonly<Record<string, (event: PaddleEvent) => MappingResult>> = {
  'transaction.completed': mapTransactionSale,
  // Paid but not yet fully processed: the same sale as its transaction.completed (events/transaction-completed.ts).
  'transaction.paid': mapTransactionSale,
  'adjustment.created': mapAdjustment,
  'adjustment.updated': mapAdjustment,
};

export const HANDLED_PADDLE_EVENTS = Object.keys(MAPPERS);

function transactionId(event: PaddleEvent): string {
  return typeof event.data.id === 'string' ? event.data.id : 'of unknown id';
}

export function mapPaddleEvent(event: PaddleEvent): MappingResult {
  const mapper = MAPPERS[event.event_type];
  if (mapper) return mapper(event);
  if (event.event_type.startsWith('transaction.')) {
    return ignore('irrelevant_event', `transaction ${transactionId(event)}: ${event.event_type} is not a paid sale; transaction.paid or transaction.completed records it`);
  }
  return ignore('irrelevant_event', `${event.event_type} does not affect conversions`);
}
