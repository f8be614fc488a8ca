/**
 * @module Order facts. Every upsert is monotonic (the same rules as ledger/order-facts.ts `mergeFact`),
 * so writing the same facts in any order, any number of times, ends in the same rows: a refund's status
 * only moves forward (pending → succeeded → failed/canceled), a cumulative total only grows, a won
 * dispute stays won.
 */
import { sql } from 'kysely';
import type { Executor } from '../database.js';
import type { OrderFact } from '../tables/order-fact.table.js';

const REFUND_RANK = (column: 'excluded.state' | 'order_fact.state') => sql.raw(`(case ${column} when 'pending' then 0 when 'succeeded' then 1 else 2 end)`);

/** Writes facts of any orders and kinds in one statement (one row per key; the caller merges duplicates). */
export async function upsertOrderFacts(db: Executor, facts: readonly OrderFact[]): Promise<void> {
  if (facts.length === 0) return;
  const column = <K extends keyof OrderFact>(name: K) => facts.map((fact) => fact[name]);
  const forward = sql`${REFUND_RANK('excluded.state')} > ${REFUND_RANK('order_fact.state')}`;
  await sql`
    insert into order_fact (merchant_id, order_id, fact_key, kind, amount, currency, state, updated_at)
    select * from unnest(${column('merchant_id')}::text[], ${column('order_id')}::text[], ${column('fact_key')}::text[], ${column('kind')}::text[],
                         ${column('amount')}::int8[], ${column('currency')}::text[], ${column('state')}::text[],
                         ${facts.map((fact) => fact.updated_at.toISOString())}::timestamptz[])
    on conflict (merchant_id, order_id, fact_key) do update set
      state = case order_fact.kind
                when 'refund' then case when ${forward} then excluded.state else order_fact.state end
                when 'dispute' then case when order_fact.state = 'won' or excluded.state = 'won' then 'won' else 'lost' end
                else order_fact.state end,
      amount = case order_fact.kind
                 when 'refund' then case when ${forward} then excluded.amount else order_fact.amount end
                 when 'refund_total' then greatest(order_fact.amount, excluded.amount)
                 else order_fact.amount end,
      updated_at = excluded.updated_at`.execute(db);
}
