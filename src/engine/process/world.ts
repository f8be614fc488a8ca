/**
 * @module The state a batch of events is decided against: what was loaded from the database (the
 * snapshot), and what the batch's own decisions have changed so far (the overlay), read through one
 * view. Decisions are pure functions of this view; they never query. When a decision needs something
 * the snapshot does not hold, the view throws `StateNeeded` naming it, the batch loads it, and the
 * decisions run again (process-batch.ts). A key that was loaded and found nothing holds `null`, so
 * "absent" and "not loaded" are never confused.
 */
import type { EarningsCap } from '../../db/repositories/campaign.repository.js';
import type { Affiliate } from '../../db/tables/affiliate.table.js';
import type { Campaign } from '../../db/tables/campaign.table.js';
import type { Click } from '../../db/tables/click.table.js';
import type { ConversionAdjustment } from '../../db/tables/conversion-adjustment.table.js';
import type { Conversion } from '../../db/tables/conversion.table.js';
import type { EnrollmentStatus } from '../../db/tables/enrollment.table.js';
import type { OrderFact } from '../../db/tables/order-fact.table.js';
import type { OutboundEventType } from '../../db/tables/webhook-endpoint.table.js';

export interface SaleCampaign {
  campaign: Campaign;
  cap: EarningsCap;
}

export type AffiliateStanding = Affiliate & { enrollment_status: EnrollmentStatus | null };

/** A click with everything attributing a sale to it needs (the named program's campaign, else the click's). */
export interface ClickContext {
  click: Pick<Click, 'id' | 'campaign_id' | 'affiliate_id' | 'visitor_id' | 'created_at'>;
  campaign: Campaign;
  cap: EarningsCap;
  affiliate: AffiliateStanding;
}

/** A ledger line as the view knows it: stored ones have an id, new ones do not yet. */
export type LedgerLine = Pick<ConversionAdjustment, 'type' | 'commission_delta' | 'amount' | 'reference' | 'reason' | 'created_at'>;

export interface VisitorWindow {
  merchantId: string;
  visitorId: string;
  campaignId: string;
  from: Date;
  until: Date;
}

export interface ClickWanted {
  merchantId: string;
  clickId: string;
  programId: string | null;
}

/** Everything a round of loading can fetch, by key. */
export interface StateKeys {
  orders: Map<string, { merchantId: string; orderId: string }>;
  references: Map<string, { merchantId: string; reference: string }>;
  clicks: Map<string, ClickWanted>;
  visitorClicks: Map<string, VisitorWindow>;
  campaigns: Map<string, { merchantId: string; campaignId: string }>;
  affiliates: Map<string, { merchantId: string; affiliateId: string; campaignId: string }>;
  firstSubscriptionConversions: Map<string, { merchantId: string; subscriptionKey: string }>;
  /** (merchant, campaign, affiliate, month start): non-rejected conversions of sales in that month. */
  monthlyCounts: Map<string, { merchantId: string; campaignId: string; affiliateId: string; month: Date }>;
  /** (merchant, currency, month start): current commission of non-rejected conversions of sales in that month. */
  monthlySums: Map<string, { merchantId: string; currency: string; month: Date }>;
  ledgers: Map<string, { merchantId: string; conversionId: string }>;
  subscriptions: Map<string, { merchantId: string }>;
}

export function emptyKeys(): StateKeys {
  return {
    orders: new Map(), references: new Map(), clicks: new Map(), visitorClicks: new Map(), campaigns: new Map(), affiliates: new Map(),
    firstSubscriptionConversions: new Map(), monthlyCounts: new Map(), monthlySums: new Map(), ledgers: new Map(), subscriptions: new Map(),
  };
}

export const key = (...parts: readonly (string | number)[]): string => parts.join('\u0000');
export const orderKey = (merchantId: string, orderId: string) => key(merchantId, orderId);
export const clickKey = (wanted: ClickWanted) => key(wanted.merchantId, wanted.clickId, wanted.programId ?? '');
export const visitorKey = (window: VisitorWindow) => key(window.merchantId, window.visitorId, window.campaignId, window.from.getTime(), window.until.getTime());
export const monthlyCountKey = (merchantId: string, campaignId: string, affiliateId: string, month: Date) => key(merchantId, campaignId, affiliateId, month.getTime());
export const monthlySumKey = (merchantId: string, currency: string, month: Date) => key(merchantId, currency, month.getTime());

/** What was loaded: every map answers a key it holds, with `null` for "looked for, not there". */
export interface Snapshot {
  conversions: Map<string, Conversion | null>;
  facts: Map<string, OrderFact[]>;
  references: Map<string, string | null>;
  clicks: Map<string, ClickContext | null>;
  visitorClicks: Map<string, Click | null>;
  campaigns: Map<string, SaleCampaign | null>;
  affiliates: Map<string, AffiliateStanding | null>;
  firstSubscriptionConversions: Map<string, Conversion | null>;
  monthlyCounts: Map<string, number>;
  monthlySums: Map<string, number>;
  ledgers: Map<string, LedgerLine[]>;
  /** Per merchant, the outbound event types some enabled endpoint is subscribed to. */
  subscriptions: Map<string, ReadonlySet<OutboundEventType>>;
}

export function emptySnapshot(): Snapshot {
  return {
    conversions: new Map(), facts: new Map(), references: new Map(), clicks: new Map(), visitorClicks: new Map(), campaigns: new Map(),
    affiliates: new Map(), firstSubscriptionConversions: new Map(), monthlyCounts: new Map(), monthlySums: new Map(), ledgers: new Map(),
    subscriptions: new Map(),
  };
}

/** Thrown by the view when a decision needs state that was not loaded; `keys` says what to load. */
export class StateNeeded extends Error {
  readonly keys: StateKeys;
  constructor(keys: StateKeys) {
    super('the decision needs state that was not loaded');
    this.keys = keys;
  }
}

export function mergeKeys(into: StateKeys, from: StateKeys): void {
  for (const name of Object.keys(from) as (keyof StateKeys)[]) {
    const target = into[name] as Map<string, unknown>;
    for (const [entryKey, value] of from[name] as Map<string, unknown>) target.set(entryKey, value);
  }
}

export function hasKeys(keys: StateKeys): boolean {
  return Object.values(keys).some((map: Map<string, unknown>) => map.size > 0);
}

/** Copies every loaded entry of `from` into `into`. */
export function mergeSnapshot(into: Snapshot, from: Snapshot): void {
  for (const name of Object.keys(from) as (keyof Snapshot)[]) {
    const target = into[name] as Map<string, unknown>;
    for (const [entryKey, value] of from[name] as Map<string, unknown>) target.set(entryKey, value);
  }
}
