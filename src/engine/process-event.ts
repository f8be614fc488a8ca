/**
 * @module Processing one stored event: confirm with the processor where the adapter wants to, map
 * to canonical records, apply them, and record the outcome — effects and outcome in one transaction.
 */
import type { CanonicalRecord, MappingResult } from '../contract/canonical-records.js';
import type { ProviderAdapter, StoredEvent } from '../contract/provider-adapter.js';
import type { ConnectionContext } from '../contract/webhook-delivery.js';
import { finishEvent, wakeWaitingEvents } from '../db/repositories/inbound-event.repository.js';
import { resolveReference } from '../db/repositories/order-reference.repository.js';
import { storableValue, toJsonb } from '../db/storable.js';
import type { SealingKeys } from '../lib/secret-box.js';
import { settleConfirmedIdentity } from './confirmed-identity.js';
import { openPayload } from './stored-payload.js';
import type { InboundEvent, InboundEventUpdate } from '../db/tables/inbound-event.table.js';
import type { ApplyContext, RecordOutcome } from './apply-context.js';
import { applyLink, applyOrderChange } from './apply-order-change.js';
import { applySale } from './apply-sale.js';
import { GIVE_UP_AFTER_MS, nextAttemptDelayMs } from './backoff.js';
import { logEventOutcome } from './event-log.js';
import type { PipelineDependencies } from './pipeline.js';

export function toStoredEvent(event: InboundEvent, payloadKeys: SealingKeys): StoredEvent {
  return {
    id: event.id,
    providerEventId: event.provider_event_id,
    eventType: event.event_type,
    rawBody: openPayload(payloadKeys, event),
    headers: event.headers,
    query: event.query,
    receivedAt: event.received_at,
  };
}

/**
 * The adapter's mapping, its text made storable (storable.ts): an order id or a hint may carry
 * characters the database cannot hold, and the engine must compare what it will store.
 */
export function mapStoredEvent(adapter: ProviderAdapter, event: StoredEvent, connection: ConnectionContext, confirmation: unknown): MappingResult {
  return storableValue(adapter.map(event, connection, confirmation));
}

/** The first line of every event's trace. */
export function eventHeader(event: Pick<InboundEvent, 'provider' | 'event_type' | 'provider_event_id'>): string {
  return `${event.provider} ${event.event_type} ${event.provider_event_id}`;
}

function applyRecord(context: ApplyContext, record: CanonicalRecord): Promise<RecordOutcome> {
  switch (record.kind) {
    case 'purchase':
    case 'renewal':
      return applySale(context, record);
    case 'refund':
    case 'chargeback':
    case 'chargeback_won':
      return applyOrderChange(context, record);
    case 'link':
      return applyLink(context, record);
  }
}

/** One event's outcome from its records': waiting beats processed beats ignored. */
export function combineOutcomes(outcomes: readonly RecordOutcome[]): RecordOutcome {
  const conversionIds = [...new Set(outcomes.flatMap((outcome) => outcome.conversionIds))];
  const trace = outcomes.flatMap((outcome) => outcome.trace);
  const waiting = outcomes.find((outcome) => outcome.status === 'waiting');
  if (waiting) return { status: 'waiting', waitingFor: waiting.waitingFor, conversionIds, trace };
  if (outcomes.some((outcome) => outcome.status === 'processed') || outcomes.length === 0) return { status: 'processed', conversionIds, trace };
  const ignored = outcomes.find((outcome) => outcome.status === 'ignored');
  return ignored ? { ...ignored, conversionIds, trace } : { status: 'processed', conversionIds, trace };
}

function retryOrGiveUp(event: InboundEvent, now: Date): Pick<InboundEventUpdate, 'status' | 'next_attempt_at'> | null {
  if (now.getTime() - event.received_at.getTime() >= GIVE_UP_AFTER_MS) return { status: 'dead', next_attempt_at: now };
  return null;
}

/**
 * Wakes the events waiting for what this transaction bound — after the commit, because a waiter
 * and a binding decided in two concurrent transactions cannot see each other. This transaction also
 * re-checks what it waits for itself: whichever of the two commits last then sees the other, so
 * the waiter is always woken.
 */
async function wakeAfterCommit(deps: PipelineDependencies, merchantId: string, bound: readonly string[], waitingFor: string | null, now: Date): Promise<void> {
  const references = [...new Set(bound)];
  if (waitingFor && (await resolveReference(deps.db, merchantId, waitingFor))) references.push(waitingFor);
  await wakeWaitingEvents(deps.db, merchantId, references, now);
}

export async function processClaimedEvent(deps: PipelineDependencies, event: InboundEvent): Promise<void> {
  const now = deps.clock.now();
  let header = eventHeader(event);
  const finishWith = async (changes: InboundEventUpdate) => {
    await finishEvent(deps.db, event.merchant_id, event.id, event.generation, { locked_until: null, updated_at: now, ...changes });
    logEventOutcome(deps.logger, event, changes);
  };
  const fail = async (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    const givenUp = retryOrGiveUp(event, now);
    deps.logger.warn('event processing failed', { eventId: event.id, provider: event.provider, attempts: event.attempts, error: message });
    try {
      await finishWith({
        status: givenUp?.status ?? 'failed',
        error: message,
        reason: null,
        next_attempt_at: givenUp?.next_attempt_at ?? new Date(now.getTime() + nextAttemptDelayMs(event.attempts)),
        trace: toJsonb([header, `failed: ${message}`]),
      });
    } catch (recordError) {
      // The worker falls back to a minimal record; it says both what failed and why that could not be written.
      const why = recordError instanceof Error ? recordError.message : String(recordError);
      throw new Error(`${message} (recording this failure failed too: ${why})`, { cause: recordError });
    }
  };

  try {
    const connection = await deps.connections.findForProcessing(event.connection_id);
    const adapter = deps.adapters[event.provider as keyof typeof deps.adapters];
    if (!connection || !adapter) throw new Error(connection ? `no adapter for ${event.provider}` : `connection ${event.connection_id} no longer exists`);
    const stored = toStoredEvent(event, deps.payloadKeys);
    const confirmation = adapter.confirm ? await adapter.confirm(stored, connection.context, deps.io) : null;
    const identity = adapter.confirmedEventId?.(stored, confirmation) ?? null;
    if (identity !== null && identity !== event.provider_event_id) {
      const settled = await settleConfirmedIdentity(deps, event, identity, now);
      if (settled !== 'renamed') return;
      header = eventHeader({ ...event, provider_event_id: identity });
    }
    const mapping = mapStoredEvent(adapter, stored, connection.context, confirmation);

    if (mapping.livemode !== null && (mapping.livemode ? 'live' : 'test') !== connection.context.mode) {
      await finishWith({
        status: 'ignored', reason: 'test_mode', error: null, processed_at: now,
        trace: toJsonb([header, `${mapping.livemode ? 'live' : 'test'}-mode event on a ${connection.context.mode} connection → test_mode`]),
      });
      return;
    }
    if (mapping.outcome === 'ignore') {
      await finishWith({ status: 'ignored', reason: mapping.reason, error: null, processed_at: now, trace: toJsonb([header, `${mapping.detail} → ${mapping.reason}`]) });
      return;
    }
    if (mapping.outcome === 'wait') {
      await finishWith({
        status: retryOrGiveUp(event, now)?.status ?? 'waiting', reason: null, error: null, waiting_for: null,
        next_attempt_at: new Date(now.getTime() + nextAttemptDelayMs(event.attempts)), trace: toJsonb([header, mapping.detail]),
      });
      return;
    }

    const records = mapping.records;
    const boundReferences: string[] = [];
    const { waitingFor, changes: finished } = await deps.db.transaction().execute(async (trx) => {
      const context: ApplyContext = {
        trx, merchantId: event.merchant_id, provider: connection.context.provider, defaultCampaignId: connection.campaignId, piiKey: deps.piiKey, now,
        receivedAt: event.received_at, boundReferences,
      };
      const outcomes: RecordOutcome[] = [];
      for (const record of records) outcomes.push(await applyRecord(context, record));
      const outcome = combineOutcomes(outcomes);
      const changes: InboundEventUpdate = {
        locked_until: null, updated_at: now, error: null,
        trace: toJsonb([header, ...outcome.trace]), conversion_ids: toJsonb(outcome.conversionIds),
      };
      if (outcome.status === 'waiting') {
        Object.assign(changes, {
          status: retryOrGiveUp(event, now)?.status ?? 'waiting', reason: null, waiting_for: outcome.waitingFor,
          next_attempt_at: new Date(now.getTime() + nextAttemptDelayMs(event.attempts)),
        });
      } else {
        // The moment the effects are done, not when processing began: the event log's lag is honest.
        Object.assign(changes, { status: outcome.status, reason: outcome.status === 'ignored' ? outcome.reason : null, waiting_for: null, processed_at: deps.clock.now() });
      }
      await finishEvent(trx, event.merchant_id, event.id, event.generation, changes);
      return { waitingFor: outcome.status === 'waiting' ? outcome.waitingFor : null, changes };
    });
    deps.metrics.processingLag.observe({ provider: event.provider }, Math.max(0, (Date.now() - event.received_at.getTime()) / 1000));
    logEventOutcome(deps.logger, event, finished);
    // After the commit the event is processed; a failed wake must not be recorded as its failure.
    await wakeAfterCommit(deps, event.merchant_id, boundReferences, waitingFor, now).catch((error: unknown) => {
      deps.logger.warn('could not wake the events waiting on this one', { eventId: event.id, error: error instanceof Error ? error.message : String(error) });
    });
  } catch (error) {
    await fail(error);
  }
}
