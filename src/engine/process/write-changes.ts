/**
 * @module Writing what a batch decided, set-based, inside its transaction: the new conversions, the
 * changed ones, their ledger lines, the order facts, the references bound, the outbound events and
 * every event's ending — a handful of statements whatever the batch's size.
 */
import type { Executor } from '../../db/database.js';
import { appendAdjustments } from '../../db/repositories/adjustment.repository.js';
import { insertConversionsIfNew, updateConversionsAfterFacts } from '../../db/repositories/conversion.repository.js';
import { finishEvents } from '../../db/repositories/inbound-event.repository.js';
import { upsertOrderFacts } from '../../db/repositories/order-fact.repository.js';
import { bindReferencesOfOrders } from '../../db/repositories/order-reference.repository.js';
import { enqueueOutboundEvents } from '../../db/repositories/outbound.repository.js';
import type { BatchChanges } from './batch-view.js';
import type { EventFinish } from './event-finish.js';

/**
 * An order the batch decided was new got a conversion meanwhile: nothing else writes conversions of
 * an order without holding its lock, so this is a bug, and the batch is rolled back rather than count twice.
 */
export class ConcurrentOrderChange extends Error {}

export async function writeChanges(trx: Executor, changes: BatchChanges, finishes: readonly EventFinish[], now: Date): Promise<void> {
  const inserted = await insertConversionsIfNew(trx, changes.created);
  if (inserted.length !== changes.created.length) {
    throw new ConcurrentOrderChange(`${changes.created.length - inserted.length} order(s) got a conversion while their lock was held`);
  }
  await updateConversionsAfterFacts(trx, changes.updated);
  await appendAdjustments(trx, changes.lines);
  await upsertOrderFacts(trx, changes.facts);
  await bindReferencesOfOrders(trx, changes.bindings, now);
  await enqueueOutboundEvents(trx, changes.outbound);
  await finishEvents(trx, finishes.map((finish) => ({
    merchantId: finish.event.merchant_id, id: finish.event.id, generation: finish.event.generation, status: finish.status, reason: finish.reason,
    error: finish.error, trace: finish.trace, conversionIds: finish.conversionIds, waitingFor: finish.waitingFor, nextAttemptAt: finish.nextAttemptAt,
    // The moment the effects were written, not when processing began: the event log's lag is honest.
    processedAt: finish.processedAt ? now : null,
  })), now);
}
