/**
 * @module The reads a batch of events is decided on, each one statement for the whole batch
 * (`unnest` of the keys wanted, of any merchants): references, orders with their conversions and
 * facts, clicks with their context, visitors' latest clicks in a window, campaigns with the
 * merchant's cap, affiliates with their standing, subscriptions' first conversions, monthly counts
 * and sums, ledgers.
 */
import { sql } from 'kysely';
import type { Executor } from '../database.js';
import type { Affiliate } from '../tables/affiliate.table.js';
import type { Campaign } from '../tables/campaign.table.js';
import type { Click } from '../tables/click.table.js';
import type { ConversionAdjustment } from '../tables/conversion-adjustment.table.js';
import type { Conversion } from '../tables/conversion.table.js';
import type { EnrollmentStatus } from '../tables/enrollment.table.js';
import type { OrderFact } from '../tables/order-fact.table.js';
import type { EarningsCap } from './campaign.repository.js';

const texts = (values: readonly string[]) => sql`${values}::text[]`;

export async function findReferences(db: Executor, wanted: readonly { merchantId: string; reference: string }[]): Promise<{ merchantId: string; reference: string; orderId: string }[]> {
  if (wanted.length === 0) return [];
  const result = await sql<{ merchant_id: string; reference: string; order_id: string }>`
    select ref.merchant_id, ref.reference, ref.order_id
      from unnest(${texts(wanted.map((item) => item.merchantId))}, ${texts(wanted.map((item) => item.reference))}) as wanted(merchant_id, reference)
      join order_reference ref on ref.merchant_id = wanted.merchant_id and ref.reference = wanted.reference`.execute(db);
  return result.rows.map((row) => ({ merchantId: row.merchant_id, reference: row.reference, orderId: row.order_id }));
}

export async function findConversionsByOrders(db: Executor, orders: readonly { merchantId: string; orderId: string }[]): Promise<Conversion[]> {
  if (orders.length === 0) return [];
  const result = await sql<Conversion>`
    select conversion.*
      from unnest(${texts(orders.map((order) => order.merchantId))}, ${texts(orders.map((order) => order.orderId))}) as wanted(merchant_id, order_id)
      join conversion on conversion.merchant_id = wanted.merchant_id and conversion.order_id = wanted.order_id`.execute(db);
  return result.rows;
}

export async function findFactsByOrders(db: Executor, orders: readonly { merchantId: string; orderId: string }[]): Promise<OrderFact[]> {
  if (orders.length === 0) return [];
  const result = await sql<OrderFact>`
    select order_fact.*
      from unnest(${texts(orders.map((order) => order.merchantId))}, ${texts(orders.map((order) => order.orderId))}) as wanted(merchant_id, order_id)
      join order_fact on order_fact.merchant_id = wanted.merchant_id and order_fact.order_id = wanted.order_id`.execute(db);
  return result.rows;
}

export interface ClickContextRow {
  wanted: { merchantId: string; clickId: string; programId: string | null };
  click: Pick<Click, 'id' | 'campaign_id' | 'affiliate_id' | 'visitor_id' | 'created_at'>;
  campaign: Campaign;
  cap: EarningsCap;
  affiliate: Affiliate & { enrollment_status: EnrollmentStatus | null };
}

/**
 * Each click with the campaign a sale through it belongs to (the named program, else the click's),
 * the merchant's cap and the click's affiliate with its standing in that campaign. Clicks or
 * programs that do not exist are absent.
 */
export async function findClickContexts(db: Executor, wanted: readonly { merchantId: string; clickId: string; programId: string | null }[]): Promise<ClickContextRow[]> {
  if (wanted.length === 0) return [];
  const result = await sql<Campaign & {
    wanted_program_id: string | null; click_id: string; click_campaign_id: string; click_affiliate_id: string; click_visitor_id: string; click_created_at: Date;
    cap_amount: number | null; cap_currency: string; affiliate_name: string; affiliate_email_hash: string; affiliate_created_at: Date; affiliate_updated_at: Date;
    enrollment_status: EnrollmentStatus | null;
  }>`
    select campaign.*, wanted.program_id as wanted_program_id,
           click.id as click_id, click.campaign_id as click_campaign_id, click.affiliate_id as click_affiliate_id,
           click.visitor_id as click_visitor_id, click.created_at as click_created_at,
           merchant.monthly_earnings_cap as cap_amount, merchant.cap_currency,
           affiliate.name as affiliate_name, affiliate.email_hash as affiliate_email_hash,
           affiliate.created_at as affiliate_created_at, affiliate.updated_at as affiliate_updated_at,
           enrollment.status as enrollment_status
      from unnest(${texts(wanted.map((item) => item.merchantId))}, ${texts(wanted.map((item) => item.clickId))},
                  ${wanted.map((item) => item.programId)}::text[]) as wanted(merchant_id, click_id, program_id)
      join click on click.merchant_id = wanted.merchant_id and click.id = wanted.click_id
      join campaign on campaign.merchant_id = click.merchant_id and campaign.id = coalesce(wanted.program_id, click.campaign_id)
      join merchant on merchant.id = click.merchant_id
      join affiliate on affiliate.merchant_id = click.merchant_id and affiliate.id = click.affiliate_id
      left join enrollment on enrollment.merchant_id = click.merchant_id and enrollment.affiliate_id = click.affiliate_id
                          and enrollment.campaign_id = campaign.id`.execute(db);
  return result.rows.map((row) => {
    const {
      wanted_program_id: programId, click_id: id, click_campaign_id: campaignId, click_affiliate_id: affiliateId, click_visitor_id: visitorId,
      click_created_at: createdAt, cap_amount: amount, cap_currency: currency, affiliate_name: name, affiliate_email_hash: emailHash,
      affiliate_created_at: affiliateCreatedAt, affiliate_updated_at: affiliateUpdatedAt, enrollment_status: enrollmentStatus, ...campaign
    } = row;
    const merchantId = campaign.merchant_id;
    return {
      wanted: { merchantId, clickId: id, programId },
      click: { id, campaign_id: campaignId, affiliate_id: affiliateId, visitor_id: visitorId, created_at: createdAt },
      campaign,
      cap: { amount, currency },
      affiliate: { merchant_id: merchantId, id: affiliateId, name, email_hash: emailHash, created_at: affiliateCreatedAt, updated_at: affiliateUpdatedAt, enrollment_status: enrollmentStatus },
    };
  });
}

/** Each visitor's latest click in the campaign within [from, until]; `position` is the index of the window asked for. */
export async function findLatestVisitorClicks(
  db: Executor,
  windows: readonly { merchantId: string; visitorId: string; campaignId: string; from: Date; until: Date }[],
): Promise<{ position: number; click: Click }[]> {
  if (windows.length === 0) return [];
  const result = await sql<Click & { position: number }>`
    select latest.*, wanted.position::int as position
      from unnest(${texts(windows.map((window) => window.merchantId))}, ${texts(windows.map((window) => window.visitorId))},
                  ${texts(windows.map((window) => window.campaignId))}, ${windows.map((window) => window.from.toISOString())}::timestamptz[],
                  ${windows.map((window) => window.until.toISOString())}::timestamptz[])
           with ordinality as wanted(merchant_id, visitor_id, campaign_id, from_at, until_at, position)
      cross join lateral (
        select * from click
         where click.merchant_id = wanted.merchant_id and click.visitor_id = wanted.visitor_id and click.campaign_id = wanted.campaign_id
           and click.created_at >= wanted.from_at and click.created_at <= wanted.until_at
         order by click.created_at desc, click.id desc
         limit 1) latest`.execute(db);
  return result.rows.map(({ position, ...click }) => ({ position: Number(position) - 1, click }));
}

export async function findCampaignsWithCaps(db: Executor, wanted: readonly { merchantId: string; campaignId: string }[]): Promise<{ campaign: Campaign; cap: EarningsCap }[]> {
  if (wanted.length === 0) return [];
  const result = await sql<Campaign & { cap_amount: number | null; cap_currency: string }>`
    select campaign.*, merchant.monthly_earnings_cap as cap_amount, merchant.cap_currency
      from unnest(${texts(wanted.map((item) => item.merchantId))}, ${texts(wanted.map((item) => item.campaignId))}) as wanted(merchant_id, campaign_id)
      join campaign on campaign.merchant_id = wanted.merchant_id and campaign.id = wanted.campaign_id
      join merchant on merchant.id = campaign.merchant_id`.execute(db);
  return result.rows.map(({ cap_amount: amount, cap_currency: currency, ...campaign }) => ({ campaign, cap: { amount, currency } }));
}

/** Each affiliate with its standing in one campaign (null when not enrolled there); affiliates that do not exist are absent. */
export async function findAffiliateStandings(
  db: Executor,
  wanted: readonly { merchantId: string; affiliateId: string; campaignId: string }[],
): Promise<{ campaignId: string; affiliate: Affiliate & { enrollment_status: EnrollmentStatus | null } }[]> {
  if (wanted.length === 0) return [];
  const result = await sql<Affiliate & { enrollment_status: EnrollmentStatus | null; wanted_campaign_id: string }>`
    select affiliate.*, enrollment.status as enrollment_status, wanted.campaign_id as wanted_campaign_id
      from unnest(${texts(wanted.map((item) => item.merchantId))}, ${texts(wanted.map((item) => item.affiliateId))},
                  ${texts(wanted.map((item) => item.campaignId))}) as wanted(merchant_id, affiliate_id, campaign_id)
      join affiliate on affiliate.merchant_id = wanted.merchant_id and affiliate.id = wanted.affiliate_id
      left join enrollment on enrollment.merchant_id = wanted.merchant_id and enrollment.affiliate_id = wanted.affiliate_id
                          and enrollment.campaign_id = wanted.campaign_id`.execute(db);
  return result.rows.map(({ wanted_campaign_id: campaignId, ...affiliate }) => ({ campaignId, affiliate }));
}

/** Each subscription's earliest conversion (its first payment, or its first paid renewal after a trial). */
export async function findFirstSubscriptionConversions(db: Executor, wanted: readonly { merchantId: string; subscriptionKey: string }[]): Promise<Conversion[]> {
  if (wanted.length === 0) return [];
  const result = await sql<Conversion>`
    select first.*
      from unnest(${texts(wanted.map((item) => item.merchantId))}, ${texts(wanted.map((item) => item.subscriptionKey))}) as wanted(merchant_id, subscription_id)
      cross join lateral (
        select * from conversion
         where conversion.merchant_id = wanted.merchant_id and conversion.subscription_id = wanted.subscription_id
         order by conversion.created_at, conversion.id
         limit 1) first`.execute(db);
  return result.rows;
}

/** Non-rejected conversions of each (affiliate, campaign) for sales in the month starting at `month`. */
export async function countMonthlyConversions(
  db: Executor,
  wanted: readonly { merchantId: string; campaignId: string; affiliateId: string; month: Date }[],
): Promise<number[]> {
  if (wanted.length === 0) return [];
  const result = await sql<{ position: number; total: number }>`
    select wanted.position::int as position,
           (select count(*) from conversion
             where conversion.merchant_id = wanted.merchant_id and conversion.campaign_id = wanted.campaign_id
               and conversion.affiliate_id = wanted.affiliate_id and conversion.status <> 'rejected'
               and conversion.created_at >= wanted.month and conversion.created_at < wanted.month + interval '1 month')::int8 as total
      from unnest(${texts(wanted.map((item) => item.merchantId))}, ${texts(wanted.map((item) => item.campaignId))},
                  ${texts(wanted.map((item) => item.affiliateId))}, ${wanted.map((item) => item.month.toISOString())}::timestamptz[])
           with ordinality as wanted(merchant_id, campaign_id, affiliate_id, month, position)`.execute(db);
  return orderedTotals(result.rows, wanted.length);
}

/** Current commission of each merchant's non-rejected conversions in a currency, for sales in the month starting at `month`. */
export async function sumMonthlyCommissions(db: Executor, wanted: readonly { merchantId: string; currency: string; month: Date }[]): Promise<number[]> {
  if (wanted.length === 0) return [];
  const result = await sql<{ position: number; total: number }>`
    select wanted.position::int as position,
           coalesce((select sum(commission) from conversion
             where conversion.merchant_id = wanted.merchant_id and conversion.currency = wanted.currency and conversion.status <> 'rejected'
               and conversion.created_at >= wanted.month and conversion.created_at < wanted.month + interval '1 month'), 0)::int8 as total
      from unnest(${texts(wanted.map((item) => item.merchantId))}, ${texts(wanted.map((item) => item.currency))},
                  ${wanted.map((item) => item.month.toISOString())}::timestamptz[])
           with ordinality as wanted(merchant_id, currency, month, position)`.execute(db);
  return orderedTotals(result.rows, wanted.length);
}

function orderedTotals(rows: readonly { position: number; total: number }[], count: number): number[] {
  const totals = Array<number>(count).fill(0);
  for (const row of rows) totals[Number(row.position) - 1] = Number(row.total);
  return totals;
}

/** The ledgers of several conversions (of any merchants), each in order. */
export async function findLedgers(db: Executor, wanted: readonly { merchantId: string; conversionId: string }[]): Promise<ConversionAdjustment[]> {
  if (wanted.length === 0) return [];
  const result = await sql<ConversionAdjustment>`
    select line.*
      from unnest(${texts(wanted.map((item) => item.merchantId))}, ${texts(wanted.map((item) => item.conversionId))}) as wanted(merchant_id, conversion_id)
      join conversion_adjustment line on line.merchant_id = wanted.merchant_id and line.conversion_id = wanted.conversion_id
     order by line.id`.execute(db);
  return result.rows;
}
