/** @module Commission arithmetic (SPEC §9): pure functions over integer minor units. */
import { percentOfMinor, scaleRounded } from '../../lib/money.js';
import type { CommissionBase, CommissionRule } from '../../db/tables/campaign.table.js';

/** The money of one sale, in minor units of its currency. */
export interface SaleAmounts {
  gross: number;
  tax: number;
  shipping: number;
  discount: number;
}

/** Net = gross − tax − shipping (never below zero: a free item with paid shipping earns nothing). */
export function netAmount(amounts: SaleAmounts): number {
  return Math.max(0, amounts.gross - amounts.tax - amounts.shipping);
}

export function commissionBaseAmount(base: CommissionBase, amounts: SaleAmounts): number {
  return base === 'gross' ? amounts.gross : netAmount(amounts);
}

/** The rate of the highest tier whose `from` the affiliate's count has reached. */
export function tierRateBasisPoints(tiers: readonly { from: number; rateBasisPoints: number }[], conversionCount: number): number {
  let rate = 0;
  for (const tier of tiers) if (conversionCount >= tier.from) rate = tier.rateBasisPoints;
  return rate;
}

export interface CommissionInput {
  rule: CommissionRule;
  baseAmount: number;
  saleCurrency: string;
  campaignCurrency: string;
  /** The affiliate's non-rejected conversions this month in the campaign, this one included (tiered only). */
  monthlyConversionCount: number;
}

export interface CommissionResult {
  commission: number;
  /** The percent rate applied (basis points), null for flat: re-used if the sale's amounts are re-itemised. */
  rateBasisPoints: number | null;
  /** Set when the rule cannot apply, e.g. a flat amount in another currency than the sale's. */
  statusReason: 'currency_mismatch' | null;
}

export function computeCommission(input: CommissionInput): CommissionResult {
  const { rule } = input;
  switch (rule.type) {
    case 'percent':
      return { commission: percentOfMinor(input.baseAmount, rule.rateBasisPoints), rateBasisPoints: rule.rateBasisPoints, statusReason: null };
    case 'tiered': {
      const rate = tierRateBasisPoints(rule.tiers, input.monthlyConversionCount);
      return { commission: percentOfMinor(input.baseAmount, rate), rateBasisPoints: rate, statusReason: null };
    }
    case 'flat':
      // A flat amount is money of the campaign's currency; converting it would need an exchange rate we do not have.
      if (input.saleCurrency !== input.campaignCurrency) return { commission: 0, rateBasisPoints: null, statusReason: 'currency_mismatch' };
      return { commission: rule.amountMinor, rateBasisPoints: null, statusReason: null };
  }
}

/**
 * What the affiliate keeps after refunds: round(C0 × (G − R) / G), half away from zero (SPEC §9).
 * A sale of zero keeps its commission only while nothing is refunded.
 */
export function entitledCommissionAfterRefund(originalCommission: number, gross: number, refunded: number): number {
  if (refunded <= 0) return originalCommission;
  if (gross <= 0 || refunded >= gross) return 0;
  return scaleRounded(originalCommission, gross - refunded, gross);
}
