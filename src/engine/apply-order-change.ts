/**
 * @module Refunds, disputes and links: facts about an order that exists — or will. Facts are kept
 * with the order whether or not it has a conversion, and the conversion is reconciled with them.
 */
import type { DisputeRecord, LinkRecord, OrderLocator, RefundRecord } from '../contract/canonical-records.js';
import { findConversionByOrder } from '../db/repositories/conversion.repository.js';
import { upsertDisputeFact, upsertRefundFact, upsertRefundTotalFact } from '../db/repositories/order-fact.repository.js';
import { bindReferences, resolveReference } from '../db/repositories/order-reference.repository.js';
import { formatMinorAsDecimal } from '../lib/money.js';
import { lockOrder, orderSeenReference, type ApplyContext, type RecordOutcome } from './apply-context.js';
import { readOrderFacts } from './order-facts.js';
import { emitChange } from './conversion-events.js';
import { reconcileConversion } from './reconcile-conversion.js';

async function locateOrder(context: ApplyContext, locator: OrderLocator): Promise<string | null> {
  if ('orderId' in locator) return locator.orderId;
  return (await resolveReference(context.trx, context.merchantId, locator.reference)) ?? null;
}

export async function applyOrderChange(context: ApplyContext, record: RefundRecord | DisputeRecord): Promise<RecordOutcome> {
  const { trx, merchantId, now } = context;
  const described = record.kind === 'refund'
    ? `${record.mode === 'single' ? 'refund' : 'refunded total'} ${record.key}: ${formatMinorAsDecimal(record.amount, record.currency)} ${record.currency} (${record.status})`
    : `dispute ${record.disputeKey} ${record.kind === 'chargeback' ? 'lost' : 'won'}`;
  const trace = [described];
  const orderId = await locateOrder(context, record.order);
  if (!orderId) {
    const reference = 'reference' in record.order ? record.order.reference : '';
    trace.push(`${reference} → no order known for it yet → waiting`);
    return { status: 'waiting', waitingFor: reference, conversionIds: [], trace };
  }
  await lockOrder(trx, merchantId, orderId);
  if (record.kind === 'refund') {
    const fact = { merchantId, orderId, key: record.key, amount: record.amount, currency: record.currency, at: now };
    if (record.mode === 'single') await upsertRefundFact(trx, { ...fact, state: record.status });
    else await upsertRefundTotalFact(trx, fact);
  } else {
    await upsertDisputeFact(trx, { merchantId, orderId, key: record.disputeKey, state: record.kind === 'chargeback' ? 'lost' : 'won', at: now });
  }

  const conversion = await findConversionByOrder(trx, merchantId, orderId);
  if (!conversion) {
    if (await resolveReference(trx, merchantId, orderSeenReference(orderId))) {
      trace.push(`order ${orderId} has no conversion (its sale was not attributed); the fact is kept with the order`);
      return { status: 'processed', conversionIds: [], trace };
    }
    trace.push(`order ${orderId} not recorded yet → waiting; applied when its sale arrives`);
    return { status: 'waiting', waitingFor: orderSeenReference(orderId), conversionIds: [], trace };
  }
  if (record.kind === 'refund' && record.currency !== conversion.currency) {
    throw new Error(`refund ${record.key} is in ${record.currency} but order ${orderId} was sold in ${conversion.currency}`);
  }
  const facts = await readOrderFacts(trx, merchantId, orderId);
  const { conversion: updated, lines } = await reconcileConversion(trx, conversion, facts, { reference: record.kind === 'refund' ? record.key : record.disputeKey }, now);
  await emitChange(trx, conversion, updated, now);
  trace.push(lines.length === 0
    ? `conversion ${conversion.id} already reflects this`
    : `conversion ${conversion.id}: ${lines.map((line) => `${line.type} ${formatMinorAsDecimal(line.commission_delta, updated.currency)}`).join(', ')} → commission ${formatMinorAsDecimal(updated.commission, updated.currency)}, ${updated.status}`);
  return { status: 'processed', conversionIds: [conversion.id], trace };
}

export async function applyLink(context: ApplyContext, record: LinkRecord): Promise<RecordOutcome> {
  await bindReferences(context.trx, context.merchantId, record.orderId, record.references, context.now);
  context.boundReferences.push(...record.references);
  return { status: 'processed', conversionIds: [], trace: [`${record.references.join(', ')} → order ${record.orderId}`] };
}
