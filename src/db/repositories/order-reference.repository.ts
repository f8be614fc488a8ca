/** @module Other names of orders. The first binding of a reference wins; later ones change nothing. */
import type { Executor } from '../database.js';

export async function bindReferences(db: Executor, merchantId: string, orderId: string, references: readonly string[], at: Date): Promise<void> {
  const unique = [...new Set(references)];
  if (unique.length === 0) return;
  await db.insertInto('order_reference')
    .values(unique.map((reference) => ({ merchant_id: merchantId, reference, order_id: orderId, created_at: at })))
    .onConflict((conflict) => conflict.columns(['merchant_id', 'reference']).doNothing())
    .execute();
}

export async function resolveReference(db: Executor, merchantId: string, reference: string): Promise<string | undefined> {
  const row = await db.selectFrom('order_reference').select('order_id')
    .where('merchant_id', '=', merchantId).where('reference', '=', reference).executeTakeFirst();
  return row?.order_id;
}
