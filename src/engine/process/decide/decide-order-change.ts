/**
 * @module Refunds, disputes and links: facts about an order that exists — or will. A fact is kept
 * with the order whether or not it has a conversion, and the conversion is brought in line with its
 * facts (SPEC §9). A fact about an order not seen yet waits for it.
 */
import type { DisputeRecord, LinkRecord, OrderLocator, RefundRecord } from '../../../contract/canonical-records.js';
import type { OrderFact } from '../../../db/tables/order-fact.table.js';
import { formatMinorAsDecimal } from '../../../lib/money.js';
import { mergeFact, summarizeOrderFacts } from '../../ledger/order-facts.js';
import { reconcile } from '../../ledger/reconcile.js';
import type { BatchView } from '../batch-view.js';
import { announceChange } from './announce.js';
import { orderSeenReference, type DecisionContext, type RecordOutcome } from './decision.js';

function locateOrder(view: BatchView, merchantId: string, locator: OrderLocator): string | null {
  return 'orderId' in locator ? locator.orderId : view.reference(merchantId, locator.reference);
}

function describe(record: RefundRecord | DisputeRecord): string {
  if (record.kind !== 'refund') return `dispute ${record.disputeKey} ${record.kind === 'chargeback' ? 'lost' : 'won'}`;
  return `${record.mode === 'single' ? 'refund' : 'refunded total'} ${record.key}: ${formatMinorAsDecimal(record.amount, record.currency)} ${record.currency} (${record.status})`;
}

/** The fact the record reports, as the order_fact row it becomes. */
function factOf(record: RefundRecord | DisputeRecord, merchantId: string, orderId: string, now: Date): OrderFact {
  const base = { merchant_id: merchantId, order_id: orderId, updated_at: now };
  if (record.kind !== 'refund') return { ...base, fact_key: `dispute:${record.disputeKey}`, kind: 'dispute', amount: 0, currency: null, state: record.kind === 'chargeback' ? 'lost' : 'won' };
  return record.mode === 'single'
    ? { ...base, fact_key: `refund:${record.key}`, kind: 'refund', amount: record.amount, currency: record.currency, state: record.status }
    : { ...base, fact_key: `total:${record.key}`, kind: 'refund_total', amount: record.amount, currency: record.currency, state: 'succeeded' };
}

export function decideOrderChange(view: BatchView, context: DecisionContext, record: RefundRecord | DisputeRecord): RecordOutcome {
  const { merchantId, now } = context;
  const trace = [describe(record)];
  const orderId = locateOrder(view, merchantId, record.order);
  if (!orderId) {
    const reference = 'reference' in record.order ? record.order.reference : '';
    trace.push(`${reference} → no order known for it yet → waiting`);
    return { status: 'waiting', waitingFor: reference, conversionIds: [], trace, bound: [] };
  }
  const incoming = factOf(record, merchantId, orderId, now);
  view.putFact(mergeFact(view.facts(merchantId, orderId).find((fact) => fact.fact_key === incoming.fact_key), incoming));

  const conversion = view.conversion(merchantId, orderId);
  if (!conversion) {
    if (view.reference(merchantId, orderSeenReference(orderId))) {
      trace.push(`order ${orderId} has no conversion (its sale was not attributed); the fact is kept with the order`);
      return { status: 'processed', conversionIds: [], trace, bound: [] };
    }
    trace.push(`order ${orderId} not recorded yet → waiting; applied when its sale arrives`);
    return { status: 'waiting', waitingFor: orderSeenReference(orderId), conversionIds: [], trace, bound: [] };
  }
  if (record.kind === 'refund' && record.currency !== conversion.currency) {
    throw new Error(`refund ${record.key} is in ${record.currency} but order ${orderId} was sold in ${conversion.currency}`);
  }
  const reference = record.kind === 'refund' ? record.key : record.disputeKey;
  const { conversion: updated, lines } = reconcile(conversion, summarizeOrderFacts(view.facts(merchantId, orderId), conversion.currency), { reference }, now);
  if (updated !== conversion) view.updateConversion(conversion, updated, lines);
  announceChange(view, conversion, updated, now);
  const money = (minor: number) => formatMinorAsDecimal(minor, updated.currency);
  trace.push(lines.length === 0
    ? `conversion ${conversion.id} already reflects this`
    : `conversion ${conversion.id}: ${lines.map((line) => `${line.type} ${money(line.commission_delta)}`).join(', ')} → commission ${money(updated.commission)}, ${updated.status}`);
  return { status: 'processed', conversionIds: [conversion.id], trace, bound: [] };
}

export function decideLink(view: BatchView, context: DecisionContext, record: LinkRecord): RecordOutcome {
  view.bind(context.merchantId, record.orderId, record.references);
  return { status: 'processed', conversionIds: [], trace: [`${record.references.join(', ')} → order ${record.orderId}`], bound: record.references };
}
