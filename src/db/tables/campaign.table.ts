/** @module The `campaign` table (a "program" in postback URLs and checkout metadata). */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Commission rules in integer form: percent rates in basis points, flat amounts in minor units. */
export type CommissionRule =
  | { type: 'percent'; rateBasisPoints: number }
  | { type: 'flat'; amountMinor: number }
  | { type: 'tiered'; tiers: { from: number; rateBasisPoints: number }[] };

/** null: renewals earn nothing; months: renewals within N months of the first conversion; lifetime. */
export type RecurringRule = null | { months: number } | 'lifetime';

export type CommissionBase = 'net' | 'gross';
export type SelfReferralPolicy = 'reject' | 'allow';

/** jsonb columns are written as JSON text so both drivers store the same thing. */
type Json<T> = ColumnType<T, string, string>;

export interface CampaignTable {
  merchant_id: string;
  id: string;
  name: string;
  currency: string;
  commission: Json<CommissionRule>;
  commission_base: CommissionBase;
  cookie_window_days: number;
  /** Minutes a visitor's click may follow the processor's sale time and still count (clock skew); default 15. */
  clock_skew_minutes: ColumnType<number, number | undefined, number>;
  recurring: Json<RecurringRule>;
  hold_days: number;
  self_referral: SelfReferralPolicy;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type Campaign = Selectable<CampaignTable>;
export type NewCampaign = Insertable<CampaignTable>;
export type CampaignUpdate = Updateable<CampaignTable>;
