/** @module Campaign rows, always scoped by merchant. */
import type { Executor } from '../database.js';
import type { Campaign, CampaignUpdate, NewCampaign } from '../tables/campaign.table.js';
import { pageOffset, type Page, type PageRequest } from './pagination.js';

export async function insertCampaign(db: Executor, campaign: NewCampaign): Promise<Campaign> {
  return db.insertInto('campaign').values(campaign).returningAll().executeTakeFirstOrThrow();
}

export async function findCampaign(db: Executor, merchantId: string, campaignId: string): Promise<Campaign | undefined> {
  return db.selectFrom('campaign').selectAll().where('merchant_id', '=', merchantId).where('id', '=', campaignId).executeTakeFirst();
}

export async function listCampaigns(db: Executor, merchantId: string, page: PageRequest): Promise<Page<Campaign>> {
  const [rows, count] = await Promise.all([
    db.selectFrom('campaign').selectAll().where('merchant_id', '=', merchantId)
      .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.perPage).offset(pageOffset(page)).execute(),
    db.selectFrom('campaign').select((eb) => eb.fn.countAll<number>().as('total')).where('merchant_id', '=', merchantId).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

export async function updateCampaign(db: Executor, merchantId: string, campaignId: string, changes: CampaignUpdate): Promise<Campaign | undefined> {
  return db.updateTable('campaign').set(changes).where('merchant_id', '=', merchantId).where('id', '=', campaignId).returningAll().executeTakeFirst();
}

/** The merchant's monthly earnings cap, as recording a conversion needs it. */
export interface EarningsCap {
  amount: number | null;
  currency: string;
}

/** The campaign and its merchant's earnings cap, in one query. */
export async function findCampaignWithCap(db: Executor, merchantId: string, campaignId: string): Promise<{ campaign: Campaign; cap: EarningsCap } | undefined> {
  const row = await db.selectFrom('campaign')
    .innerJoin('merchant', 'merchant.id', 'campaign.merchant_id')
    .selectAll('campaign')
    .select(['merchant.monthly_earnings_cap as cap_amount', 'merchant.cap_currency as cap_currency'])
    .where('campaign.merchant_id', '=', merchantId).where('campaign.id', '=', campaignId)
    .executeTakeFirst();
  if (!row) return undefined;
  const { cap_amount: amount, cap_currency: currency, ...campaign } = row;
  return { campaign, cap: { amount, currency } };
}
