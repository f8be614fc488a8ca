/**
 * @module Processing a claimed batch of events.
 *
 * By far the most common event is a paid purchase naming the click it came from, of an order the
 * hub has not seen. The one-event path spends a dozen round trips on it; here a whole batch of them
 * is recorded in one transaction of a few set-based statements (lock the orders, read them, read
 * the clicks, insert the conversions, their ledgers, their outbound events and bindings, finish the
 * events). Anything else — and any candidate the batch finds is not that simple after all (an order
 * already recorded or with refunds kept for it, a tiered campaign, a capped merchant, an affiliate
 * not approved, another event of the same order) — takes the one-event path, which stays the
 * reference: the batch decides exactly as it would, trace included, and the tests hold it to that.
 */
import type { SaleRecord } from '../contract/canonical-records.js';
import { appendAdjustments } from '../db/repositories/adjustment.repository.js';
import { clickContextKey, findClickContexts, type ClickContext } from '../db/repositories/click.repository.js';
import { findConversionsAndFactsByOrders, insertConversionsIfNew, orderKey, type OrderState } from '../db/repositories/conversion.repository.js';
import { finishProcessedEvents, wakeWaitingEvents } from '../db/repositories/inbound-event.repository.js';
import { bindReferencesOfOrders } from '../db/repositories/order-reference.repository.js';
import { enqueueOutboundEvents } from '../db/repositories/outbound.repository.js';
import type { ConversionAdjustment } from '../db/tables/conversion-adjustment.table.js';
import type { InboundEvent } from '../db/tables/inbound-event.table.js';
import { lockOrders } from './apply-context.js';
import { logEventOutcome } from './event-log.js';
import { clickAttributionTrace, recordedTrace, saleDraft, saleHeadline, saleReferences } from './apply-sale.js';
import type { ResolvedConnection } from './connection-directory.js';
import { conversionEventRow } from './conversion-events.js';
import type { PipelineDependencies } from './pipeline.js';
import { eventHeader, mapStoredEvent, toStoredEvent } from './process-event.js';
import { draftCommission, needsMonthlyReads, planConversion, type ConversionPlan } from './record-conversion.js';

/** An event that maps to one attributable purchase, so far as can be told without the database. */
interface Candidate {
  event: InboundEvent;
  connection: ResolvedConnection;
  record: SaleRecord & { hints: { clickId: string } };
}

interface PlannedSale extends Candidate {
  plan: ConversionPlan;
  trace: string[];
}

/**
 * Processes the events: the simple purchases together, then hands every other event to
 * `processOne` (the one-event path, started by the caller so its concurrency sees it). Every event
 * ends processed, or failed with its error, as on the one-event path.
 */
export async function processEventBatch(deps: PipelineDependencies, events: readonly InboundEvent[], processOne: (event: InboundEvent) => void): Promise<void> {
  const candidates: Candidate[] = [];
  const others: InboundEvent[] = [];
  const orders = new Set<string>();
  // First come, first served: of two events of one order the earlier is the batch's, as it would be one by one.
  const arrived = [...events].sort((first, second) => first.received_at.getTime() - second.received_at.getTime());
  for (const event of arrived) {
    const candidate = await asCandidate(deps, event);
    const key = candidate ? orderKey(event.merchant_id, candidate.record.orderId) : null;
    if (candidate && key && !orders.has(key)) {
      orders.add(key);
      candidates.push(candidate);
    } else {
      others.push(event);
    }
  }
  let deferred: InboundEvent[] = [];
  if (candidates.length > 0) {
    try {
      deferred = await recordTogether(deps, candidates);
    } catch (error) {
      // Nothing of the batch was committed: each event goes the one-event way, which records its own failure.
      deps.logger.warn('batch processing failed; processing its events one by one', { events: candidates.length, error: error instanceof Error ? error : String(error) });
      deferred = candidates.map((candidate) => candidate.event);
    }
  }
  for (const event of [...deferred, ...others]) processOne(event);
}

/** The event as a batch candidate, or null when it needs the one-event path (decided without the database). */
async function asCandidate(deps: PipelineDependencies, event: InboundEvent): Promise<Candidate | null> {
  const adapter = deps.adapters[event.provider as keyof typeof deps.adapters];
  // Events the processor's API must confirm may wait on that API: they go on their own.
  if (!adapter || adapter.confirm) return null;
  const connection = await deps.connections.findForProcessing(event.connection_id).catch(() => undefined);
  if (!connection) return null;
  let mapping;
  try {
    mapping = mapStoredEvent(adapter, toStoredEvent(event, deps.payloadKeys), connection.context, null);
  } catch {
    return null;
  }
  if (mapping.outcome !== 'records' || mapping.records.length !== 1) return null;
  if (mapping.livemode !== null && (mapping.livemode ? 'live' : 'test') !== connection.context.mode) return null;
  const [record] = mapping.records;
  if (record?.kind !== 'purchase' || record.hints.clickId === null) return null;
  return { event, connection, record: { ...record, hints: { ...record.hints, clickId: record.hints.clickId } } };
}

/** Records the candidates that are as simple as they look, in one transaction; returns the others. */
async function recordTogether(deps: PipelineDependencies, candidates: readonly Candidate[]): Promise<InboundEvent[]> {
  const now = deps.clock.now();
  const deferred: InboundEvent[] = [];
  const recorded = await deps.db.transaction().execute(async (trx) => {
    const orders = candidates.map((candidate) => ({ merchantId: candidate.event.merchant_id, orderId: candidate.record.orderId }));
    await lockOrders(trx, orders);
    const states = await findConversionsAndFactsByOrders(trx, orders);
    const wanted = candidates.map((candidate) => ({ merchantId: candidate.event.merchant_id, clickId: candidate.record.hints.clickId, programId: candidate.record.hints.programId }));
    const contexts = await findClickContexts(trx, wanted);

    const planned: PlannedSale[] = [];
    for (const candidate of candidates) {
      const sale = planSale(deps, candidate, states.get(orderKey(candidate.event.merchant_id, candidate.record.orderId)),
        contexts.get(clickContextKey({ merchantId: candidate.event.merchant_id, clickId: candidate.record.hints.clickId, programId: candidate.record.hints.programId })), now);
      if (sale) planned.push(sale);
      else deferred.push(candidate.event);
    }
    const inserted = new Map((await insertConversionsIfNew(trx, planned.map((sale) => sale.plan.row))).map((conversion) => [conversion.id, conversion]));
    // An order recorded meanwhile by a path that does not take the order lock (the API): that event goes on its own.
    const kept = planned.filter((sale) => inserted.has(sale.plan.row.id));
    deferred.push(...planned.filter((sale) => !inserted.has(sale.plan.row.id)).map((sale) => sale.event));
    if (kept.length === 0) return [];

    const ledgers = new Map<string, ConversionAdjustment[]>();
    for (const line of await appendAdjustments(trx, kept.flatMap((sale) => sale.plan.lines))) {
      ledgers.set(line.conversion_id, [...(ledgers.get(line.conversion_id) ?? []), line]);
    }
    const conversionOf = (sale: PlannedSale) => {
      const conversion = inserted.get(sale.plan.row.id);
      if (!conversion) throw new Error(`conversion ${sale.plan.row.id} was not inserted`);
      return conversion;
    };
    await enqueueOutboundEvents(trx, kept.map((sale) => conversionEventRow('conversion.created', conversionOf(sale), now,
      (ledgers.get(sale.plan.row.id) ?? []).sort((first, second) => first.id - second.id))));
    await bindReferencesOfOrders(trx, kept.flatMap((sale) =>
      saleReferences(sale.record).map((reference) => ({ merchantId: sale.event.merchant_id, orderId: sale.record.orderId, reference }))), now);
    await finishProcessedEvents(trx, kept.map((sale) => ({
      merchantId: sale.event.merchant_id, id: sale.event.id, generation: sale.event.generation,
      trace: [...sale.trace, recordedTrace(conversionOf(sale))], conversionIds: [sale.plan.row.id],
    })), deps.clock.now(), now);
    return kept;
  });

  // Waiters on what was bound (a refund that came first, a renewal) are woken once it is committed.
  const boundByMerchant = new Map<string, string[]>();
  for (const sale of recorded) {
    boundByMerchant.set(sale.event.merchant_id, [...(boundByMerchant.get(sale.event.merchant_id) ?? []), ...saleReferences(sale.record)]);
  }
  try {
    for (const [merchantId, references] of boundByMerchant) await wakeWaitingEvents(deps.db, merchantId, references, now);
  } catch {
    // The sales are committed, but their waiters were not woken: a second pass on the one-event
    // path finds each order recorded and wakes them (as a failed wake there is retried).
    return [...deferred, ...recorded.map((sale) => sale.event)];
  }
  for (const sale of recorded) {
    deps.metrics.processingLag.observe({ provider: sale.event.provider }, Math.max(0, (Date.now() - sale.event.received_at.getTime()) / 1000));
    logEventOutcome(deps.logger, sale.event, { status: 'processed' });
  }
  return deferred;
}

/**
 * The conversion the one-event path would record for this sale (apply-sale.ts, its click fast path),
 * or null when that path would do anything else.
 */
function planSale(deps: PipelineDependencies, candidate: Candidate, order: OrderState | undefined, found: ClickContext | undefined, now: Date): PlannedSale | null {
  if (!order || order.conversion || order.hasFacts) return null;
  if (!found || found.click.campaign_id !== found.campaign.id || found.affiliate.enrollment_status !== 'approved') return null;
  const { event, connection, record } = candidate;
  const draft = saleDraft({ merchantId: event.merchant_id, provider: connection.context.provider, piiKey: deps.piiKey }, record, {
    campaign: found.campaign, cap: found.cap, affiliate: found.affiliate, clickId: found.click.id, visitorId: record.hints.visitorId ?? found.click.visitor_id,
  });
  const earned = draftCommission(draft, 1);
  if (needsMonthlyReads(draft, earned.commission)) return null;
  return { ...candidate, plan: planConversion(draft, earned, false, now), trace: [eventHeader(event), saleHeadline(record), ...clickAttributionTrace(record, found)] };
}
