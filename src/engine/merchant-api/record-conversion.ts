/**
 * @module Recording a conversion the merchant reports directly (the conversions API, the postback)
 * exactly once, with its first ledger line (SPEC §5, §9).
 *
 * Exactly-once comes from the (merchant_id, order_id) unique key and INSERT … ON CONFLICT DO
 * NOTHING, under the order's lock, which processing takes too: of any number of concurrent attempts
 * one inserts, the others see it. Tier counts and cap sums are read under the merchant's lock.
 */
import { DuplicateOrderError, HubError } from '../../contract/errors.js';
import type { Executor } from '../../db/database.js';
import { appendAdjustments } from '../../db/repositories/adjustment.repository.js';
import { countAffiliateConversionsBetween, findConversionByOrder, insertConversionIfNew, sumCommissionBetween } from '../../db/repositories/conversion.repository.js';
import { lockMerchant } from '../../db/repositories/merchant.repository.js';
import { lockOrder } from '../../db/repositories/order-lock.repository.js';
import type { ConversionAdjustment } from '../../db/tables/conversion-adjustment.table.js';
import type { Conversion } from '../../db/tables/conversion.table.js';
import { utcMonthOf } from '../ledger/calendar.js';
import { capApplies, draftCommission, planConversion, type ConversionDraft } from '../ledger/plan-conversion.js';

export type RecordResult =
  | { outcome: 'created'; conversion: Conversion; adjustments: ConversionAdjustment[] }
  | { outcome: 'duplicate'; conversionId: string };

/** Must run inside a transaction: the merchant lock and the ledger line belong with the insert. */
export async function recordConversion(trx: Executor, draft: ConversionDraft, now: Date): Promise<RecordResult> {
  const { campaign, cap } = draft;
  await lockOrder(trx, draft.merchantId, draft.orderId);
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
