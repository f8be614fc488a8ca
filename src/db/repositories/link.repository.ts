/** @module Tracking-link rows. */
import type { Executor } from '../database.js';
import type { Link, NewLink } from '../tables/link.table.js';
import { pageOffset, type Page, type PageRequest } from './pagination.js';

/** Inserts the link; returns undefined when the code is already taken (by anyone). */
export async function insertLinkIfCodeFree(db: Executor, link: NewLink): Promise<Link | undefined> {
  return db.insertInto('link').values(link).onConflict((conflict) => conflict.column('code').doNothing()).returningAll().executeTakeFirst();
}

export async function findLinkByCode(db: Executor, code: string): Promise<Link | undefined> {
  return db.selectFrom('link').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function findLink(db: Executor, merchantId: string, linkId: string): Promise<Link | undefined> {
  return db.selectFrom('link').selectAll().where('merchant_id', '=', merchantId).where('id', '=', linkId).executeTakeFirst();
}

export async function listLinks(
  db: Executor,
  merchantId: string,
  filter: { campaignId?: string | undefined; affiliateId?: string | undefined },
  page: PageRequest,
): Promise<Page<Link>> {
  let query = db.selectFrom('link').where('merchant_id', '=', merchantId);
  if (filter.campaignId !== undefined) query = query.where('campaign_id', '=', filter.campaignId);
  if (filter.affiliateId !== undefined) query = query.where('affiliate_id', '=', filter.affiliateId);
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.perPage).offset(pageOffset(page)).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}
