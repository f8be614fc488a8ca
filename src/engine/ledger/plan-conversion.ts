/**
 * @module What recording a conversion means, decided without the database (SPEC §5, §9): its
 * commission (percent, flat, tiered by the affiliate's month), its status (pending; rejected for a
 * self-referral or over the merchant's monthly cap), its row and its opening ledger.
 */
import type { EarningsCap } from '../../db/repositories/campaign.repository.js';
import type { Affiliate } from '../../db/tables/affiliate.table.js';
import type { Campaign } from '../../db/tables/campaign.table.js';
import type { NewConversionAdjustment } from '../../db/tables/conversion-adjustment.table.js';
import type { Conversion, ConversionEventType, ConversionSource, ConversionStatus, ConversionType } from '../../db/tables/conversion.table.js';
import { inJsonbOrder } from '../../db/storable.js';
import { newId } from '../../lib/ids.js';
import { commissionBaseAmount, computeCommission, netAmount, type CommissionResult, type SaleAmounts } from './commission.js';

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

export interface ConversionPlan {
  row: Conversion;
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
  const row: Conversion = {
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
    // As the database will hold it, so the conversion reads the same before and after it is stored.
    metadata: inJsonbOrder(draft.metadata),
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

