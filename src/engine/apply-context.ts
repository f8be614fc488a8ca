/** @module What applying one canonical record needs, and what it reports back. */
import { sql } from 'kysely';
import type { IgnoreReason } from '../contract/canonical-records.js';
import type { ProviderId } from '../contract/providers.js';
import type { Executor } from '../db/database.js';

export interface ApplyContext {
  readonly trx: Executor;
  readonly merchantId: string;
  readonly provider: ProviderId;
  /** The connection's campaign: used when a delivery names no program and no click decides. */
  readonly defaultCampaignId: string;
  readonly piiKey: Buffer;
  readonly now: Date;
  /** When the hub received the delivery being applied: no click recorded after it can have led to the sale. */
  readonly receivedAt: Date;
  /** References bound in this transaction; their waiters are woken again once it commits. */
  readonly boundReferences: string[];
}

export type RecordOutcome =
  | { status: 'processed'; conversionIds: string[]; trace: string[] }
  | { status: 'ignored'; reason: IgnoreReason; conversionIds: string[]; trace: string[] }
  | { status: 'waiting'; waitingFor: string | null; conversionIds: string[]; trace: string[] };

/** The reference that says "a sale for this order was seen" (converted or not). */
export function orderSeenReference(orderId: string): string {
  return `order:${orderId}`;
}

/**
 * Serialises everything that happens to one order across workers and hub processes, for the rest
 * of the transaction. A transaction-scoped advisory lock, so it is released by commit or rollback
 * and works behind a transaction-pooling proxy.
 */
export async function lockOrder(trx: Executor, merchantId: string, orderId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${orderLockKey(merchantId, orderId)}, 0))`.execute(trx);
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

function orderLockKey(merchantId: string, orderId: string): string {
  return `${merchantId}|${orderId}`;
}
