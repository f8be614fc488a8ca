/** @module Campaign as the API shows it: integer rules back to major units and percent. */
import type { Campaign, CommissionRule } from '../../db/tables/campaign.table.js';
import { formatScaledDecimal, minorToMajorNumber } from '../../lib/money.js';
import type { CampaignResponse } from './campaign.schema.js';

const percentFromBasisPoints = (basisPoints: number): number => Number(formatScaledDecimal(basisPoints, 2));

export function presentCommission(rule: CommissionRule, currency: string) {
  switch (rule.type) {
    case 'percent':
      return { type: 'percent' as const, rate: percentFromBasisPoints(rule.rateBasisPoints) };
    case 'flat':
      return { type: 'flat' as const, amount: minorToMajorNumber(rule.amountMinor, currency) };
    case 'tiered':
      return { type: 'tiered' as const, tiers: rule.tiers.map((tier) => ({ from: tier.from, rate: percentFromBasisPoints(tier.rateBasisPoints) })) };
  }
}

export function presentCampaign(campaign: Campaign): CampaignResponse {
  return {
    id: campaign.id,
    name: campaign.name,
    currency: campaign.currency,
    commission: presentCommission(campaign.commission, campaign.currency),
    commissionBase: campaign.commission_base,
    cookieWindowDays: campaign.cookie_window_days,
    clockSkewMinutes: campaign.clock_skew_minutes,
    recurring: campaign.recurring,
    holdDays: campaign.hold_days,
    selfReferral: campaign.self_referral,
    createdAt: campaign.created_at.toISOString(),
    updatedAt: campaign.updated_at.toISOString(),
  };
}
