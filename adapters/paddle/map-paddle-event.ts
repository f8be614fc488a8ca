/** @module Paddle event → canonical records: one mapper per event family, everything else ignored with its reason. */
import type { MappingResult } from '../../src/contract/canonical-records.js';
import { mapAdjustment } from './events/adjustment.js';
import { mapTransactionCompleted } from './events/transaction-completed.js';
import { ignore } from './paddle-mapping.js';
import type { PaddleEvent } from './paddle-schema.js';

const MAPPERS: Readonly<Record<string, (event: PaddleEvent) => MappingResult>> = {
  'transaction.completed': mapTransactionCompleted,
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
  if (event.event_type === 'transaction.paid') {
    // Fires when the payment is captured, before Paddle has finished the transaction; the
    // transaction.completed that follows records the same money.
    return ignore('not_new_money', `transaction ${transactionId(event)}: transaction.paid precedes transaction.completed, which records the sale`);
  }
  if (event.event_type.startsWith('transaction.')) {
    return ignore('irrelevant_event', `transaction ${transactionId(event)}: ${event.event_type} is not a completed sale; transaction.completed records it`);
  }
  return ignore('irrelevant_event', `${event.event_type} does not affect conversions`);
}
