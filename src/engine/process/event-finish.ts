/**
 * @module How a claimed event ends: the row it becomes (status, reason, error, trace, conversions,
 * what it waits for, when it is tried again), from its decision or its failure. Waiting and failed
 * events are retried on the back-off schedule until seven days have passed; then they are dead.
 */
import type { IgnoreReason } from '../../contract/canonical-records.js';
import type { InboundEvent, InboundEventStatus } from '../../db/tables/inbound-event.table.js';
import { GIVE_UP_AFTER_MS, nextAttemptDelayMs } from './backoff.js';
import type { RecordOutcome } from './decide/decision.js';

export interface EventFinish {
  readonly event: InboundEvent;
  readonly status: Exclude<InboundEventStatus, 'received' | 'processing'>;
  readonly reason: string | null;
  readonly error: string | null;
  readonly trace: readonly string[];
  readonly conversionIds: readonly string[];
  readonly waitingFor: string | null;
  readonly nextAttemptAt: Date;
  /** When its effects were done; null for an event that will be tried again. */
  readonly processedAt: Date | null;
  /** References its decision bound to orders: the events waiting for them are woken once committed. */
  readonly bound: readonly string[];
}

/** The first line of every event's trace. */
export function eventHeader(event: Pick<InboundEvent, 'provider' | 'event_type' | 'provider_event_id'>): string {
  return `${event.provider} ${event.event_type} ${event.provider_event_id}`;
}

/** Waiting or failed again: tried later on the back-off schedule, or dead once seven days have passed. */
function retryLater(event: InboundEvent, now: Date): { status: 'dead' | 'retry'; nextAttemptAt: Date } {
  if (now.getTime() - event.received_at.getTime() >= GIVE_UP_AFTER_MS) return { status: 'dead', nextAttemptAt: now };
  return { status: 'retry', nextAttemptAt: new Date(now.getTime() + nextAttemptDelayMs(event.attempts)) };
}

export function decidedFinish(event: InboundEvent, header: string, outcome: RecordOutcome, now: Date): EventFinish {
  const base = { event, error: null, trace: [header, ...outcome.trace], conversionIds: outcome.conversionIds, bound: outcome.bound };
  if (outcome.status === 'waiting') {
    const later = retryLater(event, now);
    return { ...base, status: later.status === 'dead' ? 'dead' : 'waiting', reason: null, waitingFor: outcome.waitingFor, nextAttemptAt: later.nextAttemptAt, processedAt: null };
  }
  return {
    ...base, status: outcome.status, reason: outcome.status === 'ignored' ? outcome.reason : null, waitingFor: null, nextAttemptAt: now, processedAt: now,
  };
}

export function ignoredFinish(event: InboundEvent, trace: readonly string[], reason: IgnoreReason, now: Date): EventFinish {
  return { event, status: 'ignored', reason, error: null, trace, conversionIds: [], waitingFor: null, nextAttemptAt: now, processedAt: now, bound: [] };
}

/** The adapter cannot decide yet (e.g. a partial refund whose amount needs the processor's API). */
export function waitingFinish(event: InboundEvent, trace: readonly string[], now: Date): EventFinish {
  const later = retryLater(event, now);
  return {
    event, status: later.status === 'dead' ? 'dead' : 'waiting', reason: null, error: null, trace, conversionIds: [], waitingFor: null,
    nextAttemptAt: later.nextAttemptAt, processedAt: null, bound: [],
  };
}

export function failedFinish(event: InboundEvent, header: string, error: unknown, now: Date): EventFinish {
  const message = error instanceof Error ? error.message : String(error);
  const later = retryLater(event, now);
  return {
    event, status: later.status === 'dead' ? 'dead' : 'failed', reason: null, error: message, trace: [header, `failed: ${message}`], conversionIds: [],
    waitingFor: null, nextAttemptAt: later.nextAttemptAt, processedAt: null, bound: [],
  };
}
