/** @module Other names of orders. The first binding of a reference wins; later ones change nothing. */
import type { Executor } from '../database.js';

export async function bindReferences(db: Executor, merchantId: string, orderId: string, references: readonly string[], at: Date): Promise<void> {
  await bindReferencesOfOrders(db, references.map((reference) => ({ merchantId, orderId, reference })), at);
}

/** The same for several orders in one statement; of two bindings of one reference given here, the first wins. */
export async function bindReferencesOfOrders(db: Executor, bindings: readonly { merchantId: string; orderId: string; reference: string }[], at: Date): Promise<void> {
  const seen = new Set<string>();
  const rows = bindings.filter((binding) => {
    const key = `${binding.merchantId}\u0000${binding.reference}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (rows.length === 0) return;
  await db.insertInto('order_reference')
    .values(rows.map((binding) => ({ merchant_id: binding.merchantId, reference: binding.reference, order_id: binding.orderId, created_at: at })))
    .onConflict((conflict) => conflict.columns(['merchant_id', 'reference']).doNothing())
    .execute();
}

export async function resolveReference(db: Executor, merchantId: string, reference: string): Promise<string | undefined> {
  const row = await db.selectFrom('order_reference').select('order_id')
    .where('merchant_id', '=', merchantId).where('reference', '=', reference).executeTakeFirst();
  return row?.order_id;
}
