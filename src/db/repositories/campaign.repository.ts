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
