/**
 * @module Processing a batch of claimed events, the one way every event goes — purchase, renewal,
 * refund, chargeback, chargeback won, ignore or wait; a batch of one included:
 *
 *   1. prepare  each event outside any transaction: open its body once, ask the processor's API where
 *               the adapter wants it, map it to canonical records (prepare-event.ts);
 *   2. load     in one transaction, the state the records need, set-based (load-state.ts);
 *   3. decide   every event in arrival order, as a pure function of that state and its records
 *               (decide/): conversions, ledger lines, facts, references, outbound events, its trace;
 *               when a decision needs state not loaded yet, load it and decide the batch again;
 *   4. write    what was decided in a handful of set-based statements, events' endings included, and
 *               commit (write-changes.ts);
 *   5. wake     after the commit, the events that were waiting for what the batch bound.
 *
 * Should the batch's transaction fail, its events are tried one by one, so one bad event never fails
 * its neighbours; should that fail too, the event's failure is recorded (or, if even that cannot be
 * written, the worker's fallback records it).
 */
import type { Executor } from '../../db/database.js';
import { findConversionsByOrders, findReferences } from '../../db/repositories/batch-state.repository.js';
import { wakeWaitingEvents } from '../../db/repositories/inbound-event.repository.js';
import type { InboundEvent } from '../../db/tables/inbound-event.table.js';
import type { PipelineDependencies } from '../pipeline.js';
import { BatchView } from './batch-view.js';
import { decideEvent } from './decide/decide-event.js';
import { orderOfSeenReference, type RecordOutcome } from './decide/decision.js';
import { decidedFinish, failedFinish, type EventFinish } from './event-finish.js';
import { logEventOutcome } from './event-log.js';
import { initialKeys } from './initial-keys.js';
import { loadState, type Locks } from './load-state.js';
import { prepareEvent, type Preparation } from './prepare-event.js';
import { writeChanges } from './write-changes.js';
import { emptyKeys, emptySnapshot, hasKeys, mergeKeys, StateNeeded, type StateKeys } from './world.js';

type ToDecide = Extract<Preparation, { kind: 'decide' }>;

/** Rounds of "decide, load what was missing" before the batch gives up (each round loads more than the last). */
const MAX_ROUNDS = 6;

export async function processBatch(deps: PipelineDependencies, claimed: readonly InboundEvent[]): Promise<void> {
  // In the order they arrived: of two events of one order, the earlier is decided first, as it would be alone.
  const events = [...claimed].sort((first, second) => first.received_at.getTime() - second.received_at.getTime() || first.id.localeCompare(second.id));
  const preparations = await Promise.all(events.map((event) => prepareEvent(deps, event)));
  const finished = preparations.flatMap((preparation) => (preparation.kind === 'finished' ? [preparation.finish] : []));
  const toDecide = preparations.filter((preparation): preparation is ToDecide => preparation.kind === 'decide');
  try {
    const finishes = await deps.db.transaction().execute(async (trx) => decideAndWrite(deps, trx, toDecide, finished));
    await afterCommit(deps, finishes);
  } catch (error) {
    if (events.length > 1 && toDecide.length > 0) {
      deps.logger.warn('batch processing failed; processing its events one by one', { events: events.length, error: error instanceof Error ? error.message : String(error) });
      for (const event of events) await processBatch(deps, [event]);
      return;
    }
    await recordFailure(deps, finished, toDecide, error);
  }
}

/**
 * One event whose batch could not be written: its failure is recorded — its own error, and why its
 * outcome could not be written. Should even that be refused, the error goes up with both reasons and
 * the worker's minimal fallback records it.
 */
async function recordFailure(deps: PipelineDependencies, finished: readonly EventFinish[], toDecide: readonly ToDecide[], error: unknown): Promise<void> {
  const now = deps.clock.now();
  const why = error instanceof Error ? error.message : String(error);
  const failures = [
    ...finished.map((finish) => failedFinish(finish.event, finish.trace[0] ?? '', new Error(finish.error ? `${finish.error} (recording this failure failed too: ${why})` : why), now)),
    ...toDecide.map((preparation) => failedFinish(preparation.event, preparation.header, error, now)),
  ];
  try {
    await deps.db.transaction().execute((trx) => writeChanges(trx, NO_CHANGES, failures, now));
  } catch (recordError) {
    throw new Error(failures.map((failure) => failure.error).join('; '), { cause: recordError });
  }
  await afterCommit(deps, failures);
}

const NO_CHANGES = { created: [], updated: [], lines: [], facts: [], bindings: [], outbound: [] };

async function decideAndWrite(deps: PipelineDependencies, trx: Executor, toDecide: readonly ToDecide[], finished: readonly EventFinish[]): Promise<EventFinish[]> {
  const { view, outcomes } = await decideAll(trx, toDecide);
  const now = deps.clock.now();
  const finishes = [
    ...finished,
    ...toDecide.map((preparation) => {
      const outcome = outcomes.get(preparation.event.id);
      if (!outcome || outcome instanceof Error) {
        deps.logger.warn('event processing failed', { eventId: preparation.event.id, provider: preparation.event.provider, error: outcome?.message ?? 'not decided' });
        return failedFinish(preparation.event, preparation.header, outcome ?? new Error('the event was not decided'), preparation.context.now);
      }
      return decidedFinish(preparation.event, preparation.header, outcome, preparation.context.now);
    }),
  ];
  await writeChanges(trx, view.changes(), finishes, now);
  return finishes;
}

/** Loads and decides until no decision needs anything more; an event whose decision throws fails alone. */
async function decideAll(trx: Executor, toDecide: readonly ToDecide[]): Promise<{ view: BatchView; outcomes: Map<string, RecordOutcome | Error> }> {
  const snapshot = emptySnapshot();
  const locks: Locks = { orders: new Set(), merchants: new Set() };
  let keys: StateKeys = initialKeys(toDecide);
  for (let round = 1; round <= MAX_ROUNDS; round += 1) {
    await loadState(trx, keys, snapshot, locks);
    const view = new BatchView(snapshot);
    const outcomes = new Map<string, RecordOutcome | Error>();
    const needed = emptyKeys();
    for (const preparation of toDecide) decideOne(view, preparation, outcomes, needed);
    // An event that waits may be waiting for one that came after it in the same batch (a renewal
    // before its first sale): it is decided again once the others are. Waiting changes nothing it
    // would have to undo, so deciding it again is safe.
    for (let pass = 0; pass < 2; pass += 1) {
      const waiting = toDecide.filter((preparation) => (outcomes.get(preparation.event.id) as RecordOutcome | undefined)?.status === 'waiting');
      if (waiting.length === 0) break;
      for (const preparation of waiting) decideOne(view, preparation, outcomes, needed);
    }
    if (!hasKeys(needed)) return { view, outcomes };
    keys = needed;
  }
  throw new Error(`the batch's decisions still needed more state after ${MAX_ROUNDS} rounds of loading`);
}

/** Decides one event in a layer of its own, kept if the decision completes. */
function decideOne(view: BatchView, preparation: ToDecide, outcomes: Map<string, RecordOutcome | Error>, needed: StateKeys): void {
  view.begin();
  try {
    outcomes.set(preparation.event.id, decideEvent(view, preparation.context, preparation.records));
    view.commit();
  } catch (error) {
    view.rollback();
    if (error instanceof StateNeeded) mergeKeys(needed, error.keys);
    else outcomes.set(preparation.event.id, error instanceof Error ? error : new Error(String(error)));
  }
}

/**
 * After the commit: the events waiting for what the batch bound are woken — and so are this batch's
 * own waiting events whose awaited reference was bound by a transaction that committed meanwhile
 * (whichever of two transactions commits last sees the other, so no waiter is ever left behind).
 */
async function afterCommit(deps: PipelineDependencies, finishes: readonly EventFinish[]): Promise<void> {
  const now = deps.clock.now();
  for (const finish of finishes) {
    logEventOutcome(deps.logger, finish.event, finish);
    if (finish.processedAt) deps.metrics.processingLag.observe({ provider: finish.event.provider }, Math.max(0, (Date.now() - finish.event.received_at.getTime()) / 1000));
  }
  try {
    const waiting = finishes.filter((finish) => finish.status === 'waiting' && finish.waitingFor !== null)
      .map((finish) => ({ merchantId: finish.event.merchant_id, reference: finish.waitingFor ?? '' }));
    await wakeWaitingEvents(deps.db, [...boundBy(finishes), ...(await resolvedMeanwhile(deps.db, waiting))], now);
  } catch (error) {
    // The batch is committed; waiters not woken now are tried again on their own back-off schedule.
    deps.logger.warn('could not wake the events waiting on this batch', { error: error instanceof Error ? error.message : String(error) });
  }
}

/** Of the references waited for, those another transaction has resolved: bound, or (for "order seen") converted. */
async function resolvedMeanwhile(db: Executor, waiting: readonly { merchantId: string; reference: string }[]): Promise<{ merchantId: string; reference: string }[]> {
  const orders = waiting.flatMap(({ merchantId, reference }) => {
    const orderId = orderOfSeenReference(reference);
    return orderId === null ? [] : [{ merchantId, orderId, reference }];
  });
  const [bound, converted] = await Promise.all([findReferences(db, waiting), findConversionsByOrders(db, orders)]);
  const convertedKeys = new Set(converted.map((conversion) => `${conversion.merchant_id}\u0000${conversion.order_id}`));
  return [
    ...bound.map(({ merchantId, reference }) => ({ merchantId, reference })),
    ...orders.filter((order) => convertedKeys.has(`${order.merchantId}\u0000${order.orderId}`)).map(({ merchantId, reference }) => ({ merchantId, reference })),
  ];
}

function boundBy(finishes: readonly EventFinish[]): { merchantId: string; reference: string }[] {
  const seen = new Set<string>();
  return finishes.flatMap((finish) => finish.bound.flatMap((reference) => {
    const entryKey = `${finish.event.merchant_id}\u0000${reference}`;
    if (seen.has(entryKey)) return [];
    seen.add(entryKey);
    return [{ merchantId: finish.event.merchant_id, reference }];
  }));
}

