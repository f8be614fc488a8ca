/** @module Click rows and the visitor look-up used by attribution. */
import type { Executor } from '../database.js';
import type { Click, NewClick } from '../tables/click.table.js';
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
