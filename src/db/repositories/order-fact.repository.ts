/**
 * @module Order facts. Every upsert is monotonic, so applying the same facts in any order, any
 * number of times, ends in the same rows: a refund's status only moves forward
 * (pending → succeeded → failed/canceled), a cumulative total only grows, a won dispute stays won.
 */
import { sql } from 'kysely';
import type { Executor } from '../database.js';
import type { OrderFact } from '../tables/order-fact.table.js';

/** SQL rank of a refund state; `column` is one of two fixed names, never input. */
function refundRank(column: 'excluded.state' | 'order_fact.state') {
  return sql.raw(`(case ${column} when 'pending' then 0 when 'succeeded' then 1 else 2 end)`);
}

export async function upsertRefundFact(
  db: Executor,
  fact: { merchantId: string; orderId: string; key: string; amount: number; currency: string; state: string; at: Date },
): Promise<void> {
  await db.insertInto('order_fact')
    .values({ merchant_id: fact.merchantId, order_id: fact.orderId, fact_key: `refund:${fact.key}`, kind: 'refund', amount: fact.amount, currency: fact.currency, state: fact.state, updated_at: fact.at })
    .onConflict((conflict) => conflict.columns(['merchant_id', 'order_id', 'fact_key']).doUpdateSet({
      state: sql`case when ${refundRank('excluded.state')} > ${refundRank('order_fact.state')} then excluded.state else order_fact.state end`,
      amount: sql`case when ${refundRank('excluded.state')} > ${refundRank('order_fact.state')} then excluded.amount else order_fact.amount end`,
      updated_at: sql`excluded.updated_at`,
    }))
    .execute();
}

export async function upsertRefundTotalFact(
  db: Executor,
  fact: { merchantId: string; orderId: string; key: string; amount: number; currency: string; at: Date },
): Promise<void> {
  await db.insertInto('order_fact')
    .values({ merchant_id: fact.merchantId, order_id: fact.orderId, fact_key: `total:${fact.key}`, kind: 'refund_total', amount: fact.amount, currency: fact.currency, state: 'succeeded', updated_at: fact.at })
    .onConflict((conflict) => conflict.columns(['merchant_id', 'order_id', 'fact_key']).doUpdateSet({
      amount: sql`greatest(order_fact.amount, excluded.amount)`,
      updated_at: sql`excluded.updated_at`,
    }))
    .execute();
}

export async function upsertDisputeFact(
  db: Executor,
  fact: { merchantId: string; orderId: string; key: string; state: 'lost' | 'won'; at: Date },
): Promise<void> {
  await db.insertInto('order_fact')
    .values({ merchant_id: fact.merchantId, order_id: fact.orderId, fact_key: `dispute:${fact.key}`, kind: 'dispute', amount: 0, currency: null, state: fact.state, updated_at: fact.at })
    .onConflict((conflict) => conflict.columns(['merchant_id', 'order_id', 'fact_key']).doUpdateSet({
      state: sql`case when order_fact.state = 'won' or excluded.state = 'won' then 'won' else 'lost' end`,
      updated_at: sql`excluded.updated_at`,
    }))
    .execute();
}

export async function listOrderFacts(db: Executor, merchantId: string, orderId: string): Promise<OrderFact[]> {
  return db.selectFrom('order_fact').selectAll().where('merchant_id', '=', merchantId).where('order_id', '=', orderId).execute();
}
