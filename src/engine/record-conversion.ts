/**
 * @module Recording a conversion exactly once, with its first ledger line (SPEC §5, §9).
 *
 * Exactly-once comes from the (merchant_id, order_id) unique key and INSERT … ON CONFLICT DO
 * NOTHING: of any number of concurrent attempts one inserts, the others wait for it and see a
 * conflict. Callers look the order up first only to decide which answer a client sees first.
 */
import { DuplicateOrderError, HubError } from '../contract/errors.js';
import type { Executor } from '../db/database.js';
import { appendAdjustments } from '../db/repositories/adjustment.repository.js';
import {
  countAffiliateConversionsBetween,
  findConversionByOrder,
  insertConversionIfNew,
  sumCommissionBetween,
} from '../db/repositories/conversion.repository.js';
import { lockMerchant } from '../db/repositories/merchant.repository.js';
import type { EarningsCap } from '../db/repositories/campaign.repository.js';
import type { Affiliate } from '../db/tables/affiliate.table.js';
import type { Campaign } from '../db/tables/campaign.table.js';
import type { ConversionAdjustment, NewConversionAdjustment } from '../db/tables/conversion-adjustment.table.js';
import type {
  Conversion,
  ConversionEventType,
  ConversionSource,
  ConversionStatus,
  ConversionType,
  NewConversion,
} from '../db/tables/conversion.table.js';
import { newId } from '../lib/ids.js';
import { utcMonthOf } from './calendar.js';
import { commissionBaseAmount, computeCommission, netAmount, type CommissionResult, type SaleAmounts } from './commission.js';
import { toJsonb } from '../db/storable.js';

export interface ConversionDraft {
  merchantId: string;
  campaign: Campaign;
  /** The merchant's monthly cap, read with the campaign. */
  cap: EarningsCap;
  affiliate: Affiliate;
  clickId: string | null;
  visitorId: string | null;
  source: ConversionSource;
  orderId: string;
  conversionType: ConversionType;
  eventType: ConversionEventType;
  currency: string;
  amounts: SaleAmounts;
  /** When the sale happened; months for tiers and the earnings cap are taken from it. */
  occurredAt: Date;
  metadata: Record<string, unknown>;
  /** Keyed hash identifying the customer (email or processor customer id). */
  customerHash: string | null;
  /** Keyed hash of the customer's email, compared with the affiliate's for self-referral. */
  customerEmailHash: string | null;
  subscriptionId: string | null;
  /** How itemised `amounts` are (see SaleRecord.amountsPrecedence); 0 for API and postback. */
  amountsPrecedence: number;
  /** Over the merchant's monthly cap: the API refuses (403); webhooks record the conversion rejected. */
  whenOverCap: 'refuse' | 'record_rejected';
}

export type RecordResult =
  | { outcome: 'created'; conversion: Conversion; adjustments: ConversionAdjustment[] }
  | { outcome: 'duplicate'; conversionId: string };

/** The commission a draft earns, given the affiliate's count of conversions this month (this one included). */
export function draftCommission(draft: ConversionDraft, monthlyConversionCount: number): CommissionResult {
  return computeCommission({
    rule: draft.campaign.commission,
    baseAmount: commissionBaseAmount(draft.campaign.commission_base, draft.amounts),
    saleCurrency: draft.currency,
    campaignCurrency: draft.campaign.currency,
    monthlyConversionCount,
  });
}

function isRejectedSelfReferral(draft: ConversionDraft): boolean {
  return draft.customerEmailHash !== null && draft.customerEmailHash === draft.affiliate.email_hash && draft.campaign.self_referral === 'reject';
}

/** Whether the merchant's monthly cap must be checked (read-then-decide, under the merchant lock). */
export function capApplies(draft: ConversionDraft, commission: number): boolean {
  return !isRejectedSelfReferral(draft) && draft.cap.amount !== null && draft.cap.currency === draft.currency && commission > 0;
}

/** Whether recording the draft reads the database before writing (tier counts, the earnings cap). */
export function needsMonthlyReads(draft: ConversionDraft, commission: number): boolean {
  return draft.campaign.commission.type === 'tiered' || capApplies(draft, commission);
}

export interface ConversionPlan {
  row: NewConversion & { id: string };
  /** The opening ledger: the commission, and a rejection line taking it back when refused at creation. */
  lines: NewConversionAdjustment[];
}

/** The pure part of recording: status, row and opening ledger, once the month's reads are done. */
export function planConversion(draft: ConversionDraft, earned: CommissionResult, overCap: boolean, now: Date): ConversionPlan {
  const { commission, rateBasisPoints, statusReason: commissionReason } = earned;
  let status: ConversionStatus = 'pending';
  let statusReason: string | null = commissionReason;
  if (isRejectedSelfReferral(draft)) {
    status = 'rejected';
    statusReason = 'self_referral';
  } else if (overCap) {
    status = 'rejected';
    statusReason = 'earnings_limit_reached';
  }
  const id = newId('conv');
  const row = {
    merchant_id: draft.merchantId,
    id,
    campaign_id: draft.campaign.id,
    affiliate_id: draft.affiliate.id,
    click_id: draft.clickId,
    visitor_id: draft.visitorId,
    source: draft.source,
    order_id: draft.orderId,
    conversion_type: draft.conversionType,
    event_type: draft.eventType,
    currency: draft.currency,
    amount: draft.amounts.gross,
    net_amount: netAmount(draft.amounts),
    tax_amount: draft.amounts.tax,
    shipping_amount: draft.amounts.shipping,
    discount_amount: draft.amounts.discount,
    refunded_amount: 0,
    commission: status === 'rejected' ? 0 : commission,
    original_commission: commission,
    status,
    status_reason: statusReason,
    status_before_reversal: null,
    metadata: toJsonb(draft.metadata),
    amounts_precedence: draft.amountsPrecedence,
    commission_rate_basis_points: rateBasisPoints,
    charged_back: false,
    customer_hash: draft.customerHash,
    subscription_id: draft.subscriptionId,
    created_at: draft.occurredAt,
    recorded_at: now,
    updated_at: now,
  };
  const lines: NewConversionAdjustment[] = [
    { merchant_id: draft.merchantId, conversion_id: id, type: 'commission', commission_delta: commission,
      amount: draft.amounts.gross, reference: draft.orderId, reason: commissionReason, created_at: now },
  ];
  // A conversion refused at creation keeps the commission it would have earned on record, then a
  // rejection line takes it back: the ledger explains the zero.
  if (status === 'rejected') {
    lines.push({ merchant_id: draft.merchantId, conversion_id: id, type: 'rejection', commission_delta: -commission,
      amount: 0, reference: draft.orderId, reason: statusReason, created_at: now });
  }
  return { row, lines };
}

/** Must run inside a transaction: the merchant lock and the ledger line belong with the insert. */
export async function recordConversion(trx: Executor, draft: ConversionDraft, now: Date): Promise<RecordResult> {
  const { campaign, cap } = draft;
  const month = utcMonthOf(draft.occurredAt);
  const tiered = campaign.commission.type === 'tiered';
  // Tier counts and cap sums are read-then-decide; the merchant row lock makes them race-free.
  if (tiered || cap.amount !== null) await lockMerchant(trx, draft.merchantId);

  const monthlyConversionCount = tiered
    ? (await countAffiliateConversionsBetween(trx, { merchantId: draft.merchantId, campaignId: campaign.id, affiliateId: draft.affiliate.id, ...month })) + 1
    : 1;
  const earned = draftCommission(draft, monthlyConversionCount);
  let overCap = false;
  if (cap.amount !== null && capApplies(draft, earned.commission)) {
    const earnedThisMonth = await sumCommissionBetween(trx, draft.merchantId, draft.currency, month.from, month.until);
    overCap = earnedThisMonth + earned.commission > cap.amount;
    if (overCap && draft.whenOverCap === 'refuse') {
      const raced = await findConversionByOrder(trx, draft.merchantId, draft.orderId);
      if (raced) return { outcome: 'duplicate', conversionId: raced.id };
      throw new HubError('earnings_limit_reached', `the merchant's monthly earnings cap of ${cap.currency} is reached for ${month.from.toISOString().slice(0, 7)}`);
    }
  }

  const plan = planConversion(draft, earned, overCap, now);
  const conversion = await insertConversionIfNew(trx, plan.row);
  if (!conversion) {
    const winner = await findConversionByOrder(trx, draft.merchantId, draft.orderId);
    if (!winner) throw new Error(`order ${draft.orderId} conflicted but cannot be read`);
    return { outcome: 'duplicate', conversionId: winner.id };
  }
  const adjustments = await appendAdjustments(trx, plan.lines);
  return { outcome: 'created', conversion, adjustments };
}

/** For the API: a duplicate is an error carrying the existing conversion's id. */
export function createdOrThrowDuplicate(result: RecordResult, orderId: string): { conversion: Conversion; adjustments: ConversionAdjustment[] } {
  if (result.outcome === 'duplicate') throw new DuplicateOrderError(orderId, result.conversionId);
  return result;
}
