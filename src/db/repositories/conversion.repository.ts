/** @module Conversion rows. Uniqueness of (merchant, order id) is the database's job, not ours. */
import { sql } from 'kysely';
import type { Executor } from '../database.js';
import { toJsonb } from '../storable.js';
import type { Conversion, ConversionSource, ConversionStatus, ConversionUpdate, NewConversion } from '../tables/conversion.table.js';
import { pageOffset, type Page, type PageRequest } from './pagination.js';

/** Inserts unless the merchant already has this order id; undefined means "already recorded". */
export async function insertConversionIfNew(db: Executor, conversion: Conversion): Promise<Conversion | undefined> {
  return (await insertConversionsIfNew(db, [conversion]))[0];
}

function toRow(conversion: Conversion): NewConversion {
  return { ...conversion, metadata: toJsonb(conversion.metadata) };
}

/** Inserts each conversion whose order id its merchant does not have yet; returns the ones inserted. */
export async function insertConversionsIfNew(db: Executor, conversions: readonly Conversion[]): Promise<Conversion[]> {
  if (conversions.length === 0) return [];
  return db
    .insertInto('conversion')
    .values(conversions.map(toRow))
    .onConflict((conflict) => conflict.columns(['merchant_id', 'order_id']).doNothing())
    .returningAll()
    .execute();
}

export async function findConversion(db: Executor, merchantId: string, conversionId: string): Promise<Conversion | undefined> {
  return db.selectFrom('conversion').selectAll().where('merchant_id', '=', merchantId).where('id', '=', conversionId).executeTakeFirst();
}

export async function findConversionByOrder(db: Executor, merchantId: string, orderId: string): Promise<Conversion | undefined> {
  return db.selectFrom('conversion').selectAll().where('merchant_id', '=', merchantId).where('order_id', '=', orderId).executeTakeFirst();
}

/** Reads the conversion and locks it until the transaction ends: every ledger change goes through here. */
export async function lockConversion(db: Executor, merchantId: string, conversionId: string): Promise<Conversion | undefined> {
  return db.selectFrom('conversion').selectAll().where('merchant_id', '=', merchantId).where('id', '=', conversionId).forUpdate().executeTakeFirst();
}

export async function updateConversion(db: Executor, merchantId: string, conversionId: string, changes: ConversionUpdate): Promise<Conversion> {
  return db.updateTable('conversion').set(changes).where('merchant_id', '=', merchantId).where('id', '=', conversionId).returningAll().executeTakeFirstOrThrow();
}

export interface ConversionFilter {
  campaignId?: string | undefined;
  affiliateId?: string | undefined;
  status?: ConversionStatus | undefined;
  source?: ConversionSource | undefined;
  dateFrom?: Date | undefined;
  dateTo?: Date | undefined;
}

export async function listConversions(db: Executor, merchantId: string, filter: ConversionFilter, page: PageRequest): Promise<Page<Conversion>> {
  let query = db.selectFrom('conversion').where('merchant_id', '=', merchantId);
  if (filter.campaignId !== undefined) query = query.where('campaign_id', '=', filter.campaignId);
  if (filter.affiliateId !== undefined) query = query.where('affiliate_id', '=', filter.affiliateId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.source !== undefined) query = query.where('source', '=', filter.source);
  if (filter.dateFrom !== undefined) query = query.where('created_at', '>=', filter.dateFrom);
  if (filter.dateTo !== undefined) query = query.where('created_at', '<=', filter.dateTo);
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.perPage).offset(pageOffset(page)).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

/** Sum of current commissions in `currency` of sales in [from, until), rejected ones excluded. */
export async function sumCommissionBetween(db: Executor, merchantId: string, currency: string, from: Date, until: Date): Promise<number> {
  const row = await db.selectFrom('conversion')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('commission'), eb.lit(0)).as('total'))
    .where('merchant_id', '=', merchantId)
    .where('currency', '=', currency)
    .where('status', '!=', 'rejected')
    .where('created_at', '>=', from)
    .where('created_at', '<', until)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

/** How many non-rejected conversions the affiliate has in the campaign for sales in [from, until). */
export async function countAffiliateConversionsBetween(
  db: Executor,
  scope: { merchantId: string; campaignId: string; affiliateId: string; from: Date; until: Date },
): Promise<number> {
  const row = await db.selectFrom('conversion')
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .where('merchant_id', '=', scope.merchantId)
    .where('campaign_id', '=', scope.campaignId)
    .where('affiliate_id', '=', scope.affiliateId)
    .where('status', '!=', 'rejected')
    .where('created_at', '>=', scope.from)
    .where('created_at', '<', scope.until)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

/** The earliest conversion of a subscription (its first payment, or its first paid renewal after a trial). */
export async function findFirstSubscriptionConversion(db: Executor, merchantId: string, subscriptionKey: string): Promise<Conversion | undefined> {
  return db.selectFrom('conversion').selectAll()
    .where('merchant_id', '=', merchantId).where('subscription_id', '=', subscriptionKey)
    .orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
}

/** The order's conversion (if any) and whether any refund or dispute fact is kept for the order, in one query. */
export async function findConversionAndFactsByOrder(db: Executor, merchantId: string, orderId: string): Promise<OrderState> {
  const found = await findConversionsAndFactsByOrders(db, [{ merchantId, orderId }]);
  const state = found.get(orderKey(merchantId, orderId));
  if (!state) throw new Error('the order look-up returned no row');
  return state;
}

export interface OrderState {
  conversion: Conversion | undefined;
  hasFacts: boolean;
}

/** The key of an order in the maps returned here. */
export function orderKey(merchantId: string, orderId: string): string {
  return `${merchantId}\u0000${orderId}`;
}

/** The same for many orders (of any merchants) in one query, keyed by `orderKey`. */
export async function findConversionsAndFactsByOrders(db: Executor, orders: readonly { merchantId: string; orderId: string }[]): Promise<Map<string, OrderState>> {
  const states = new Map<string, OrderState>();
  if (orders.length === 0) return states;
  const result = await sql<Conversion & { wanted_merchant_id: string; wanted_order_id: string; has_facts: boolean; found: boolean }>`
    select conversion.*, wanted.merchant_id as wanted_merchant_id, wanted.order_id as wanted_order_id,
           conversion.id is not null as found,
           exists (select 1 from order_fact where order_fact.merchant_id = wanted.merchant_id and order_fact.order_id = wanted.order_id) as has_facts
      from unnest(${orders.map((order) => order.merchantId)}::text[], ${orders.map((order) => order.orderId)}::text[]) as wanted(merchant_id, order_id)
      left join conversion on conversion.merchant_id = wanted.merchant_id and conversion.order_id = wanted.order_id`.execute(db);
  for (const row of result.rows) {
    const { wanted_merchant_id: merchantId, wanted_order_id: orderId, has_facts: hasFacts, found, ...conversion } = row;
    states.set(orderKey(merchantId, orderId), { conversion: found ? conversion : undefined, hasFacts });
  }
  return states;
}

/**
 * Writes the columns a processor's facts and re-itemisations change, for several conversions in one
 * statement (each row as it stands after the batch that changed it).
 */
export async function updateConversionsAfterFacts(db: Executor, conversions: readonly Conversion[]): Promise<void> {
  if (conversions.length === 0) return;
  const column = <K extends keyof Conversion>(name: K) => conversions.map((conversion) => conversion[name]);
  await sql`
    update conversion set net_amount = changed.net_amount, tax_amount = changed.tax_amount, shipping_amount = changed.shipping_amount,
           discount_amount = changed.discount_amount, amounts_precedence = changed.amounts_precedence,
           original_commission = changed.original_commission, refunded_amount = changed.refunded_amount,
           charged_back = changed.charged_back, commission = changed.commission, status = changed.status,
           status_before_reversal = changed.status_before_reversal, updated_at = changed.updated_at
      from unnest(${column('merchant_id')}::text[], ${column('id')}::text[], ${column('net_amount')}::int8[], ${column('tax_amount')}::int8[],
                  ${column('shipping_amount')}::int8[], ${column('discount_amount')}::int8[], ${column('amounts_precedence')}::int2[],
                  ${column('original_commission')}::int8[], ${column('refunded_amount')}::int8[], ${column('charged_back')}::bool[],
                  ${column('commission')}::int8[], ${column('status')}::text[], ${column('status_before_reversal')}::text[],
                  ${conversions.map((conversion) => conversion.updated_at.toISOString())}::timestamptz[])
           as changed(merchant_id, id, net_amount, tax_amount, shipping_amount, discount_amount, amounts_precedence, original_commission,
                      refunded_amount, charged_back, commission, status, status_before_reversal, updated_at)
     where conversion.merchant_id = changed.merchant_id and conversion.id = changed.id`.execute(db);
}
