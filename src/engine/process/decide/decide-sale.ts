/**
 * @module A purchase or renewal from a processor becomes a conversion — once per order, whichever of
 * the sale's events arrives first — or an explicit ignore or wait with its reason (SPEC §7–§9).
 * Decided over the batch's view, without a query.
 */
import type { SaleRecord } from '../../../contract/canonical-records.js';
import type { Conversion } from '../../../db/tables/conversion.table.js';
import { hashPersonalData } from '../../../lib/hashing.js';
import { formatMinorAsDecimal, percentOfMinor } from '../../../lib/money.js';
import { commissionBaseAmount, netAmount } from '../../ledger/commission.js';
import { summarizeOrderFacts } from '../../ledger/order-facts.js';
import { capApplies, draftCommission, planConversion, type ConversionDraft } from '../../ledger/plan-conversion.js';
import { reconcile } from '../../ledger/reconcile.js';
import type { BatchView } from '../batch-view.js';
import { announce, announceChange } from './announce.js';
import { decideSaleAttribution, type AttributedSale } from './sale-attribution.js';
import { orderSeenReference, type DecisionContext, type RecordOutcome } from './decision.js';

export function decideSale(view: BatchView, context: DecisionContext, record: SaleRecord): RecordOutcome {
  const { merchantId } = context;
  const trace: string[] = [saleHeadline(record)];
  const references = saleReferences(record);

  const existing = view.conversion(merchantId, record.orderId);
  if (existing) {
    trace.push(`order ${record.orderId} is already recorded as ${existing.id} (from ${existing.source}); nothing new`);
    const conversion = reitemise(view, context, existing, record, trace);
    view.bind(merchantId, record.orderId, withoutOrderSeen(record, references));
    return { status: 'processed', conversionIds: [conversion.id], trace, bound: references };
  }

  const decided = decideSaleAttribution(view, context, record, trace);
  if (decided.outcome === 'ignored') {
    // The order is known now even though it earns nothing, so its refunds need not wait for it.
    view.bind(merchantId, record.orderId, references);
    return { status: 'ignored', reason: decided.reason, conversionIds: [], trace, bound: references };
  }
  if (decided.outcome === 'waiting') return { status: 'waiting', waitingFor: decided.waitingFor, conversionIds: [], trace, bound: [] };

  const conversion = recordSale(view, context, record, decided, trace);
  view.bind(merchantId, record.orderId, withoutOrderSeen(record, references));
  return { status: 'processed', conversionIds: [conversion.id], trace, bound: references };
}

/** Records the attributed sale, applies the refunds and disputes that came before it, and announces it. */
function recordSale(view: BatchView, context: DecisionContext, record: SaleRecord, decided: AttributedSale, trace: string[]): Conversion {
  const { merchantId, now } = context;
  const draft = saleDraft(context, record, decided);
  const tiered = draft.campaign.commission.type === 'tiered';
  const earned = draftCommission(draft, tiered ? view.monthlyCount(merchantId, draft.campaign.id, draft.affiliate.id, draft.occurredAt) + 1 : 1);
  const overCap = capApplies(draft, earned.commission) && draft.cap.amount !== null
    && view.monthlySum(merchantId, draft.currency, draft.occurredAt) + earned.commission > draft.cap.amount;
  const plan = planConversion(draft, earned, overCap, now);
  view.createConversion(plan.row, plan.lines);
  let conversion = plan.row;
  trace.push(recordedTrace(conversion));
  const facts = view.facts(merchantId, record.orderId);
  if (facts.length > 0) {
    const reconciled = reconcile(conversion, summarizeOrderFacts(facts, conversion.currency), { reference: record.orderId }, now);
    if (reconciled.lines.length > 0) {
      view.updateConversion(conversion, reconciled.conversion, reconciled.lines);
      conversion = reconciled.conversion;
      const money = (minor: number) => formatMinorAsDecimal(minor, conversion.currency);
      trace.push(`applied earlier refunds/disputes: refunded ${money(conversion.refunded_amount)}, commission ${money(conversion.commission)}, ${conversion.status}`);
    }
  }
  // One event for the conversion as it stands: its state before the earlier facts applied was never visible.
  announce(view, 'conversion.created', conversion, now);
  return conversion;
}

/**
 * The references worth storing once the order has a conversion: "order seen" only answers a later
 * event while the order has none (an ignored sale), so it is not stored. It still wakes the events
 * waiting for it, which is why it stays in the outcome's `bound`.
 */
function withoutOrderSeen(record: SaleRecord, references: readonly string[]): string[] {
  return references.filter((reference) => reference !== orderSeenReference(record.orderId));
}

/** The first line of a sale's trace. */
export function saleHeadline(record: SaleRecord): string {
  return `${record.kind} of order ${record.orderId}: ${formatMinorAsDecimal(record.amounts.gross, record.currency)} ${record.currency}`;
}

/**
 * The references a sale binds to its order: those a later event may name it by. A renewal must not
 * claim the subscription's binding: that belongs to the first sale.
 */
export function saleReferences(record: SaleRecord): string[] {
  return [orderSeenReference(record.orderId), ...record.references, ...(record.kind === 'purchase' ? [record.subscriptionKey, record.customerKey] : [])]
    .filter((value): value is string => value !== null);
}

/** The trace line of a conversion just recorded. */
export function recordedTrace(conversion: Pick<Conversion, 'id' | 'commission' | 'currency' | 'status' | 'status_reason'>): string {
  const reason = conversion.status_reason ? ` (${conversion.status_reason})` : '';
  return `→ conversion ${conversion.id}: commission ${formatMinorAsDecimal(conversion.commission, conversion.currency)} ${conversion.currency}, ${conversion.status}${reason}`;
}

/** The conversion a processor sale asks for, once attributed; customer ids kept only as keyed hashes. */
export function saleDraft(context: Pick<DecisionContext, 'merchantId' | 'provider' | 'piiKey'>, record: SaleRecord, decided: AttributedSale): ConversionDraft {
  const customerEmailHash = record.customerEmail ? hashPersonalData(context.piiKey, record.customerEmail) : null;
  return {
    merchantId: context.merchantId,
    campaign: decided.campaign,
    cap: decided.cap,
    affiliate: decided.affiliate,
    clickId: decided.clickId,
    visitorId: decided.visitorId,
    source: context.provider,
    orderId: record.orderId,
    conversionType: record.conversionType,
    eventType: 'sale',
    currency: record.currency,
    amounts: record.amounts,
    occurredAt: record.occurredAt,
    metadata: record.metadata,
    customerHash: customerEmailHash ?? (record.customerId ? hashPersonalData(context.piiKey, record.customerId) : null),
    customerEmailHash,
    subscriptionId: record.subscriptionKey,
    amountsPrecedence: record.amountsPrecedence,
    whenOverCap: 'record_rejected',
  };
}

/**
 * One sale seen through several events: the most itemised report's amounts win, whatever order they
 * came in. C0 is recomputed with the rate it was first computed with, and the ledger records the change.
 */
function reitemise(view: BatchView, context: DecisionContext, existing: Conversion, record: SaleRecord, trace: string[]): Conversion {
  // Only the processor that recorded the sale refines it: a conversion the merchant reported through
  // the API or a postback keeps the amounts and commission the merchant gave.
  if (existing.source !== context.provider) return existing;
  if (record.amountsPrecedence <= existing.amounts_precedence || record.currency !== existing.currency || record.amounts.gross !== existing.amount) {
    return existing;
  }
  const found = view.campaign(context.merchantId, existing.campaign_id);
  if (!found) return existing;
  const base = commissionBaseAmount(found.campaign.commission_base, record.amounts);
  const rebased: Conversion = {
    ...existing,
    net_amount: netAmount(record.amounts),
    tax_amount: record.amounts.tax,
    shipping_amount: record.amounts.shipping,
    discount_amount: record.amounts.discount,
    amounts_precedence: record.amountsPrecedence,
    original_commission: existing.commission_rate_basis_points === null ? existing.original_commission : percentOfMinor(base, existing.commission_rate_basis_points),
  };
  const rebasedFrom = { originalCommission: existing.original_commission, amount: existing.amount };
  const { conversion, lines } = reconcile(rebased, summarizeOrderFacts(view.facts(context.merchantId, existing.order_id), rebased.currency), { reference: record.orderId, rebasedFrom }, context.now);
  view.updateConversion(existing, conversion, lines);
  announceChange(view, existing, conversion, context.now);
  const money = (minor: number) => formatMinorAsDecimal(minor, record.currency);
  trace.push(`amounts itemised by this event: tax ${money(record.amounts.tax)}, shipping ${money(record.amounts.shipping)} → commission ${formatMinorAsDecimal(conversion.commission, conversion.currency)}`);
  return conversion;
}
