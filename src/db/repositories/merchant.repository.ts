/** @module Merchant rows. */
import type { Executor } from '../database.js';
import type { Merchant, NewMerchant } from '../tables/merchant.table.js';

export async function insertMerchant(db: Executor, merchant: NewMerchant): Promise<Merchant> {
  return db.insertInto('merchant').values(merchant).returningAll().executeTakeFirstOrThrow();
}

export async function findMerchant(db: Executor, merchantId: string): Promise<Merchant | undefined> {
  return db.selectFrom('merchant').selectAll().where('id', '=', merchantId).executeTakeFirst();
}

/** Locks the merchant row for the rest of the transaction: serialises cap and tier checks per merchant. */
export async function lockMerchant(db: Executor, merchantId: string): Promise<Merchant | undefined> {
  return db.selectFrom('merchant').selectAll().where('id', '=', merchantId).forUpdate().executeTakeFirst();
}
