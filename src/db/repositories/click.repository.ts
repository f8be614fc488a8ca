/** @module Click rows and the visitor look-up used by attribution. */
import type { Executor } from '../database.js';
import { sql } from 'kysely';
import type { Affiliate } from '../tables/affiliate.table.js';
import type { Campaign } from '../tables/campaign.table.js';
import type { Click, NewClick } from '../tables/click.table.js';
import type { EnrollmentStatus } from '../tables/enrollment.table.js';
import type { EarningsCap } from './campaign.repository.js';
import { pageOffset, type Page, type PageRequest } from './pagination.js';

export async function insertClick(db: Executor, click: NewClick): Promise<Click> {
  return db.insertInto('click').values(click).returningAll().executeTakeFirstOrThrow();
}

export async function findClick(db: Executor, merchantId: string, clickId: string): Promise<Click | undefined> {
  return db.selectFrom('click').selectAll().where('merchant_id', '=', merchantId).where('id', '=', clickId).executeTakeFirst();
}

/** The visitor's most recent click in the campaign within [from, until]: SPEC §8 rule 2. */
export async function findLatestVisitorClick(
  db: Executor,
  scope: { merchantId: string; visitorId: string; campaignId: string; from: Date; until: Date },
): Promise<Click | undefined> {
  return db.selectFrom('click').selectAll()
    .where('merchant_id', '=', scope.merchantId)
    .where('visitor_id', '=', scope.visitorId)
    .where('campaign_id', '=', scope.campaignId)
    .where('created_at', '>=', scope.from)
    .where('created_at', '<=', scope.until)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function listClicks(
  db: Executor,
  merchantId: string,
  filter: { campaignId?: string | undefined; affiliateId?: string | undefined; visitorId?: string | undefined },
  page: PageRequest,
): Promise<Page<Click>> {
  let query = db.selectFrom('click').where('merchant_id', '=', merchantId);
  if (filter.campaignId !== undefined) query = query.where('campaign_id', '=', filter.campaignId);
  if (filter.affiliateId !== undefined) query = query.where('affiliate_id', '=', filter.affiliateId);
  if (filter.visitorId !== undefined) query = query.where('visitor_id', '=', filter.visitorId);
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.perPage).offset(pageOffset(page)).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

export interface ClickContext {
  click: Pick<Click, 'id' | 'campaign_id' | 'affiliate_id' | 'visitor_id'>;
  campaign: Campaign;
  cap: EarningsCap;
  affiliate: Affiliate & { enrollment_status: EnrollmentStatus | null };
}

/**
 * Everything attributing a sale to a click needs, in one query: the click, the campaign (the named
 * program, else the click's), the merchant's earnings cap, and the click's affiliate with its
 * standing in that campaign. Undefined when the click or the program does not exist.
 */
export async function findClickContext(db: Executor, merchantId: string, clickId: string, programId: string | null): Promise<ClickContext | undefined> {
  return (await findClickContexts(db, [{ merchantId, clickId, programId }])).get(clickContextKey({ merchantId, clickId, programId }));
}

export interface ClickContextWanted {
  merchantId: string;
  clickId: string;
  programId: string | null;
}

/** The key of a wanted click context in the map `findClickContexts` returns. */
export function clickContextKey(wanted: ClickContextWanted): string {
  return `${wanted.merchantId}\u0000${wanted.clickId}\u0000${wanted.programId ?? ''}`;
}

/** The same for many clicks (of any merchants) in one query; the ones that do not exist are absent. */
export async function findClickContexts(db: Executor, wanted: readonly ClickContextWanted[]): Promise<Map<string, ClickContext>> {
  const contexts = new Map<string, ClickContext>();
  if (wanted.length === 0) return contexts;
  const wantedRows = sql<{ merchant_id: string; click_id: string; program_id: string | null }>`(
    select * from unnest(${wanted.map((item) => item.merchantId)}::text[], ${wanted.map((item) => item.clickId)}::text[],
                         ${wanted.map((item) => item.programId)}::text[]) as wanted(merchant_id, click_id, program_id))`;
  const rows = await db.selectFrom(wantedRows.as('wanted'))
    .innerJoin('click', (join) => join.onRef('click.merchant_id', '=', 'wanted.merchant_id').onRef('click.id', '=', 'wanted.click_id'))
    .innerJoin('campaign', (join) => join.onRef('campaign.merchant_id', '=', 'click.merchant_id')
      .on('campaign.id', '=', sql<string>`coalesce(wanted.program_id, click.campaign_id)`))
    .innerJoin('merchant', 'merchant.id', 'click.merchant_id')
    .innerJoin('affiliate', (join) => join.onRef('affiliate.merchant_id', '=', 'click.merchant_id').onRef('affiliate.id', '=', 'click.affiliate_id'))
    .leftJoin('enrollment', (join) => join.onRef('enrollment.merchant_id', '=', 'click.merchant_id')
      .onRef('enrollment.affiliate_id', '=', 'click.affiliate_id').onRef('enrollment.campaign_id', '=', 'campaign.id'))
    .selectAll('campaign')
    .select([
      'wanted.program_id as wanted_program_id',
      'click.id as click_id', 'click.campaign_id as click_campaign_id', 'click.affiliate_id as click_affiliate_id', 'click.visitor_id as click_visitor_id',
      'merchant.monthly_earnings_cap as cap_amount', 'merchant.cap_currency as cap_currency',
      'affiliate.name as affiliate_name', 'affiliate.email_hash as affiliate_email_hash',
      'affiliate.created_at as affiliate_created_at', 'affiliate.updated_at as affiliate_updated_at',
      'enrollment.status as enrollment_status',
    ])
    .execute();
  for (const row of rows) {
    const {
      wanted_program_id: programId, click_id: id, click_campaign_id: campaignId, click_affiliate_id: affiliateId, click_visitor_id: visitorId,
      cap_amount: amount, cap_currency: currency, affiliate_name: name, affiliate_email_hash: emailHash, affiliate_created_at: affiliateCreatedAt,
      affiliate_updated_at: affiliateUpdatedAt, enrollment_status: enrollmentStatus, ...campaign
    } = row;
    const merchantId = campaign.merchant_id;
    contexts.set(clickContextKey({ merchantId, clickId: id, programId }), {
      click: { id, campaign_id: campaignId, affiliate_id: affiliateId, visitor_id: visitorId },
      campaign,
      cap: { amount, currency },
      affiliate: { merchant_id: merchantId, id: affiliateId, name, email_hash: emailHash, created_at: affiliateCreatedAt, updated_at: affiliateUpdatedAt, enrollment_status: enrollmentStatus },
    });
  }
  return contexts;
}
