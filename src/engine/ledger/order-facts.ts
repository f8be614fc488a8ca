/** @module What an order's facts add up to: its refunded total and whether a dispute holds it. */
import type { Executor } from '../db/database.js';
import { listOrderFacts } from '../db/repositories/order-fact.repository.js';
import type { OrderFact } from '../db/tables/order-fact.table.js';

export interface OrderFactSummary {
  /** max(sum of succeeded refunds, largest cumulative report): never above the truth, equal to it once all facts are in. */
  refundedTotal: number;
  /** A dispute was lost and not won back. */
  chargedBack: boolean;
  /** Currencies the facts were reported in (should be the order's). */
  currencies: string[];
}

export function summarizeOrderFacts(facts: readonly OrderFact[]): OrderFactSummary {
  let succeededRefunds = 0;
  let largestCumulative = 0;
  let chargedBack = false;
  const currencies = new Set<string>();
  for (const fact of facts) {
    if (fact.currency) currencies.add(fact.currency);
    if (fact.kind === 'refund' && fact.state === 'succeeded') succeededRefunds += fact.amount;
    if (fact.kind === 'refund_total') largestCumulative = Math.max(largestCumulative, fact.amount);
    if (fact.kind === 'dispute' && fact.state === 'lost') chargedBack = true;
  }
  return { refundedTotal: Math.max(succeededRefunds, largestCumulative), chargedBack, currencies: [...currencies] };
}

export async function readOrderFacts(db: Executor, merchantId: string, orderId: string): Promise<OrderFactSummary> {
  return summarizeOrderFacts(await listOrderFacts(db, merchantId, orderId));
}
