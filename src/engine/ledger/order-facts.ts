/**
 * @module Facts about an order — refunds and disputes processors reported, kept whether or not the
 * order has a conversion — and what they add up to. Every fact only moves forward, so the same facts
 * applied in any order, any number of times, end in the same facts: a refund's status
 * (pending → succeeded → failed/canceled), a cumulative total (only grows), a dispute (won stays won).
 * The same rules are the database's upserts (order-fact.repository.ts), so what the batch decides in
 * memory is what the rows become.
 */
import type { OrderFact } from '../../db/tables/order-fact.table.js';

export interface OrderFactSummary {
  /** max(sum of succeeded refunds, largest cumulative report): never above the truth, equal to it once all facts are in. */
  refundedTotal: number;
  /** A dispute was lost and not won back. */
  chargedBack: boolean;
}

/**
 * What the order's facts add up to for a sale in `currency`. A refund reported in another currency
 * never counts: whether it came before the sale or after, it is the refund's event that fails, with
 * the reason, and the sale's conversion is the same either way.
 */
export function summarizeOrderFacts(facts: readonly OrderFact[], currency: string): OrderFactSummary {
  let succeededRefunds = 0;
  let largestCumulative = 0;
  let chargedBack = false;
  for (const fact of facts) {
    if (fact.currency !== null && fact.currency !== currency) continue;
    if (fact.kind === 'refund' && fact.state === 'succeeded') succeededRefunds += fact.amount;
    if (fact.kind === 'refund_total') largestCumulative = Math.max(largestCumulative, fact.amount);
    if (fact.kind === 'dispute' && fact.state === 'lost') chargedBack = true;
  }
  return { refundedTotal: Math.max(succeededRefunds, largestCumulative), chargedBack };
}

const REFUND_RANK: Readonly<Record<string, number>> = { pending: 0, succeeded: 1 };
const refundRank = (state: string) => REFUND_RANK[state] ?? 2;

/** The fact after `incoming` is reported on top of `existing` (the same key). */
export function mergeFact(existing: OrderFact | undefined, incoming: OrderFact): OrderFact {
  if (!existing) return incoming;
  switch (incoming.kind) {
    case 'refund':
      return refundRank(incoming.state) > refundRank(existing.state)
        ? { ...existing, state: incoming.state, amount: incoming.amount, updated_at: incoming.updated_at }
        : { ...existing, updated_at: incoming.updated_at };
    case 'refund_total':
      return { ...existing, amount: Math.max(existing.amount, incoming.amount), updated_at: incoming.updated_at };
    case 'dispute':
      return { ...existing, state: existing.state === 'won' || incoming.state === 'won' ? 'won' : 'lost', updated_at: incoming.updated_at };
  }
}
