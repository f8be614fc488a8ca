/**
 * @module Serialising everything that happens to one order — across workers, hub processes and the
 * conversions API — for the rest of a transaction. Transaction-scoped advisory locks: released by
 * commit or rollback, and they work behind a transaction-pooling proxy.
 */
import { sql } from 'kysely';
import type { Executor } from '../database.js';

function orderLockKey(merchantId: string, orderId: string): string {
  return `${merchantId}|${orderId}`;
}

export async function lockOrder(trx: Executor, merchantId: string, orderId: string): Promise<void> {
  await lockOrders(trx, [{ merchantId, orderId }]);
}

/**
 * Takes the locks of several orders in one statement, always in the same (sorted) order, so two
 * transactions locking overlapping sets wait for each other instead of deadlocking.
 */
export async function lockOrders(trx: Executor, orders: readonly { merchantId: string; orderId: string }[]): Promise<void> {
  const keys = [...new Set(orders.map((order) => orderLockKey(order.merchantId, order.orderId)))].sort();
  if (keys.length === 0) return;
  await sql`select pg_advisory_xact_lock(hashtextextended(key, 0)) from unnest(${keys}::text[]) as key`.execute(trx);
}

/** Locks merchants' rows (sorted): monthly tier counts and cap sums are read-then-decide under them. */
export async function lockMerchants(trx: Executor, merchantIds: readonly string[]): Promise<void> {
  const ids = [...new Set(merchantIds)].sort();
  if (ids.length === 0) return;
  await sql`select id from merchant where id = any(${ids}::text[]) order by id for update`.execute(trx);
}
