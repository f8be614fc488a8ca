/** @module One event's records decided in order over the batch's view, into one outcome. */
import type { CanonicalRecord } from '../../../contract/canonical-records.js';
import type { BatchView } from '../batch-view.js';
import { decideLink, decideOrderChange } from './decide-order-change.js';
import { decideSale } from './decide-sale.js';
import { combineOutcomes, type DecisionContext, type RecordOutcome } from './decision.js';

export function decideRecord(view: BatchView, context: DecisionContext, record: CanonicalRecord): RecordOutcome {
  switch (record.kind) {
    case 'purchase':
    case 'renewal':
      return decideSale(view, context, record);
    case 'refund':
    case 'chargeback':
    case 'chargeback_won':
      return decideOrderChange(view, context, record);
    case 'link':
      return decideLink(view, context, record);
  }
}

/** The records of one event, each seeing what the ones before it decided. */
export function decideEvent(view: BatchView, context: DecisionContext, records: readonly CanonicalRecord[]): RecordOutcome {
  return combineOutcomes(records.map((record) => decideRecord(view, context, record)));
}
