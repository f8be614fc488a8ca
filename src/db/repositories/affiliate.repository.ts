/** @module Affiliate and enrollment rows, always scoped by merchant. */
import { sql } from 'kysely';
import type { Executor } from '../database.js';
import type { Affiliate, AffiliateUpdate, NewAffiliate } from '../tables/affiliate.table.js';
import type { Enrollment, EnrollmentStatus } from '../tables/enrollment.table.js';
import { pageOffset, type Page, type PageRequest } from './pagination.js';

export async function insertAffiliate(db: Executor, affiliate: NewAffiliate): Promise<Affiliate> {
  return db.insertInto('affiliate').values(affiliate).returningAll().executeTakeFirstOrThrow();
}

export async function findAffiliate(db: Executor, merchantId: string, affiliateId: string): Promise<Affiliate | undefined> {
  return db.selectFrom('affiliate').selectAll().where('merchant_id', '=', merchantId).where('id', '=', affiliateId).executeTakeFirst();
}

export async function updateAffiliate(db: Executor, merchantId: string, affiliateId: string, changes: AffiliateUpdate): Promise<Affiliate | undefined> {
  return db.updateTable('affiliate').set(changes).where('merchant_id', '=', merchantId).where('id', '=', affiliateId).returningAll().executeTakeFirst();
}

export async function listAffiliates(
  db: Executor,
  merchantId: string,
  filter: { campaignId?: string | undefined },
  page: PageRequest,
): Promise<Page<Affiliate>> {
  let query = db.selectFrom('affiliate').where('affiliate.merchant_id', '=', merchantId);
  if (filter.campaignId !== undefined) {
    const campaignId = filter.campaignId;
    query = query.where((eb) =>
      eb.exists(
        eb.selectFrom('enrollment').select(sql.lit(1).as('one'))
          .whereRef('enrollment.merchant_id', '=', 'affiliate.merchant_id')
          .whereRef('enrollment.affiliate_id', '=', 'affiliate.id')
          .where('enrollment.campaign_id', '=', campaignId),
      ));
  }
  const [rows, count] = await Promise.all([
    query.selectAll('affiliate').orderBy('affiliate.created_at', 'desc').orderBy('affiliate.id', 'desc')
      .limit(page.perPage).offset(pageOffset(page)).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

/** Creates the enrollment or changes its status. */
export async function upsertEnrollment(
  db: Executor,
  enrollment: { merchantId: string; affiliateId: string; campaignId: string; status: EnrollmentStatus; at: Date },
): Promise<Enrollment> {
  return db
    .insertInto('enrollment')
    .values({
      merchant_id: enrollment.merchantId,
      affiliate_id: enrollment.affiliateId,
      campaign_id: enrollment.campaignId,
      status: enrollment.status,
      created_at: enrollment.at,
      updated_at: enrollment.at,
    })
    .onConflict((conflict) =>
      conflict.columns(['merchant_id', 'affiliate_id', 'campaign_id']).doUpdateSet({ status: enrollment.status, updated_at: enrollment.at }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findEnrollment(db: Executor, merchantId: string, affiliateId: string, campaignId: string): Promise<Enrollment | undefined> {
  return db.selectFrom('enrollment').selectAll()
    .where('merchant_id', '=', merchantId).where('affiliate_id', '=', affiliateId).where('campaign_id', '=', campaignId)
    .executeTakeFirst();
}

export async function listEnrollments(db: Executor, merchantId: string, affiliateIds: readonly string[]): Promise<Enrollment[]> {
  if (affiliateIds.length === 0) return [];
  return db.selectFrom('enrollment').selectAll()
    .where('merchant_id', '=', merchantId).where('affiliate_id', 'in', affiliateIds)
    .orderBy('created_at').orderBy('campaign_id').execute();
}

/** The affiliate with its standing in one campaign (null when not enrolled there), in one query. */
export async function findAffiliateInCampaign(
  db: Executor,
  merchantId: string,
  affiliateId: string,
  campaignId: string,
): Promise<(Affiliate & { enrollment_status: EnrollmentStatus | null }) | undefined> {
  return db.selectFrom('affiliate')
    .leftJoin('enrollment', (join) => join
      .onRef('enrollment.merchant_id', '=', 'affiliate.merchant_id')
      .onRef('enrollment.affiliate_id', '=', 'affiliate.id')
      .on('enrollment.campaign_id', '=', campaignId))
    .selectAll('affiliate')
    .select('enrollment.status as enrollment_status')
    .where('affiliate.merchant_id', '=', merchantId).where('affiliate.id', '=', affiliateId)
    .executeTakeFirst();
}
