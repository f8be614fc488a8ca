/** @module What deciding one canonical record needs, and what it decides. */
import type { IgnoreReason } from '../../../contract/canonical-records.js';
import type { ProviderId } from '../../../contract/providers.js';

/** The event a record came in, as decisions need it. */
export interface DecisionContext {
  readonly merchantId: string;
  readonly provider: ProviderId;
  /** The connection's campaign: used when a delivery names no program and no click decides. */
  readonly defaultCampaignId: string;
  readonly piiKey: Buffer;
  /** The moment of the decision: ledger lines and changes are dated by it. */
  readonly now: Date;
  /** When the hub received the delivery: no click recorded after it can have led to the sale. */
  readonly receivedAt: Date | null;
}

export type RecordOutcome =
  | { status: 'processed'; conversionIds: string[]; trace: string[]; bound: string[] }
  | { status: 'ignored'; reason: IgnoreReason; conversionIds: string[]; trace: string[]; bound: string[] }
  | { status: 'waiting'; waitingFor: string | null; conversionIds: string[]; trace: string[]; bound: string[] };

const ORDER_SEEN_PREFIX = 'order:';

/**
 * The reference that says "a sale for this order was seen". It is stored only for a sale that made
 * no conversion: for one that did, the conversion itself says so.
 */
export function orderSeenReference(orderId: string): string {
  return `${ORDER_SEEN_PREFIX}${orderId}`;
}

/** The order an "order seen" reference names, else null. */
export function orderOfSeenReference(reference: string): string | null {
  return reference.startsWith(ORDER_SEEN_PREFIX) ? reference.slice(ORDER_SEEN_PREFIX.length) : null;
}

/** One event's outcome from its records': waiting beats processed beats ignored. */
export function combineOutcomes(outcomes: readonly RecordOutcome[]): RecordOutcome {
  const conversionIds = [...new Set(outcomes.flatMap((outcome) => outcome.conversionIds))];
  const trace = outcomes.flatMap((outcome) => outcome.trace);
  const bound = outcomes.flatMap((outcome) => outcome.bound);
  const waiting = outcomes.find((outcome) => outcome.status === 'waiting');
  if (waiting) return { status: 'waiting', waitingFor: waiting.waitingFor, conversionIds, trace, bound };
  if (outcomes.some((outcome) => outcome.status === 'processed') || outcomes.length === 0) return { status: 'processed', conversionIds, trace, bound };
  const ignored = outcomes.find((outcome) => outcome.status === 'ignored');
  return ignored ? { ...ignored, conversionIds, trace, bound } : { status: 'processed', conversionIds, trace, bound };
}
